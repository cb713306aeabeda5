/** `recur inspect`: what a model directory holds. */
import { resolve } from 'node:path';
import { readModel } from '@recur/core';
import type { CommandContext } from './context.js';
import { requireDir } from '../data-source.js';
import { CliUserError } from '../errors.js';
import { asForecastPipeline } from '../forecast/pipeline.js';

/** `recur inspect`. */
export async function inspectCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const dir = ctx.args[0] ?? flags.str('model');
  if (dir === undefined) throw new CliUserError('`recur inspect` needs a model directory: recur inspect DIR (or --model DIR).');
  requireDir(dir, 'Model directory');
  const contents = await readModel(dir); // verifies size and SHA-256 of the weights
  const cfg = contents.config;
  let params = 0;
  for (const t of Object.values(contents.stateDict)) params += t.shape.reduce((a, b) => a * b, 1);
  const pipeline = asForecastPipeline(contents, dir);
  const lm = (contents.extra.pipeline as { format?: string } | undefined)?.format === 'recur-cli-lm';
  const training = contents.extra.training as Record<string, unknown> | undefined;
  const c = out.color;
  out.print(c.bold(resolve(dir)));
  out.print(`  model       ${cfg.kind} ${cfg.cell}, input ${cfg.inputSize}, hidden ${cfg.hiddenSize}, layers ${cfg.numLayers}${cfg.bidirectional ? ', bidirectional' : ''}, output ${cfg.outputSize ?? 'none (recurrent features)'}`);
  out.print(`  parameters  ${params}`);
  out.print(`  tensors     ${Object.entries(contents.stateDict).map(([k, t]) => `${k} [${t.shape.join(', ')}]`).join(', ')}`);
  for (const [file, d] of Object.entries(contents.manifest.files)) out.print(`  file        ${file}: ${d.bytes} bytes, sha256 ${d.sha256.slice(0, 16)}… (verified)`);
  if (pipeline) {
    out.print(`  pipeline    forecast ${pipeline.target} from ${pipeline.features.join(', ')}; lookback ${pipeline.lookback}, horizon ${pipeline.horizon}${pipeline.residual ? ', residual' : ''}`);
    out.print(`  data        ${pipeline.source.csv ?? pipeline.source.dataset}`);
  } else if (lm) {
    out.print('  pipeline    character language model (tokenizer saved)');
  } else {
    out.print('  pipeline    none (raw tensors: recur predict --input IN.json)');
  }
  if (training) out.print(`  training    ${Object.entries(training).map(([k, v]) => `${k} ${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`).join(', ')}`);
  out.emitJson({ dir: resolve(dir), config: cfg, parameters: params, files: contents.manifest.files, tensors: Object.fromEntries(Object.entries(contents.stateDict).map(([k, t]) => [k, t.shape])), extra: contents.extra });
}
