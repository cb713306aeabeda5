/** `recur generate`: sample text from a character language model. */
import type { CommandContext } from './context.js';
import { CliUserError } from '../errors.js';
import { openModel } from '../model-dir.js';
import { validLmTokenizer } from '../pipeline-schemas.js';

/** `recur generate`. */
export async function generateCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const dir = flags.reqStr('model');
  const { model, contents } = await openModel(dir, flags.reqStr('backend'), out);
  try {
    const tokenizer = validLmTokenizer(contents, dir);
    if (model.config.kind !== 'lm' || tokenizer === null) {
      throw new CliUserError(`${dir} is not a character language model trained by \`recur train --task lm\`.`);
    }
    const prompt = flags.reqStr('prompt');
    if (prompt.length === 0) throw new CliUserError('--prompt must not be empty.');
    const known = new Set(tokenizer.vocabulary.tokens);
    const unknown = [...new Set(Array.from(prompt))].filter((ch) => !known.has(ch));
    if (unknown.length > 0) throw new CliUserError(`--prompt has characters the model never saw: ${unknown.map((u) => JSON.stringify(u)).join(', ')}.`);
    const temperature = flags.num('temperature');
    if (!(temperature >= 0)) throw new CliUserError(`--temperature must be ≥ 0, got ${temperature}.`);
    const ids = await model.generate(Array.from(tokenizer.encode(prompt)), { length: flags.int('length'), temperature, seed: flags.int('seed') });
    const text = prompt + tokenizer.decode(ids);
    out.print(text);
    out.emitJson({ prompt, temperature, text });
  } finally {
    model.dispose();
  }
}
