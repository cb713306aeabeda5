/** `recur import-torch` / `recur export-torch`: PyTorch safetensors state dicts. */
import { resolve } from 'node:path';
import { createModel, exportTorchSafetensors, fromTorchSafetensors, saveModel, TorchLayoutAmbiguousError, type TorchSafetensorsImport } from '@recur/core';
import { resolveBackendFlag } from '../backends.js';
import type { CommandContext } from './context.js';
import { requireFile } from '../data-source.js';
import { CliUserError } from '../errors.js';
import { openModel } from '../model-dir.js';

type CellFlag = 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu';

const MODULE_OF: Readonly<Record<CellFlag, string>> = { lstm: 'nn.LSTM', gru: 'nn.GRU', 'rnn-tanh': 'nn.RNN (tanh)', 'rnn-relu': 'nn.RNN (relu)' };

/** Read the file with the flags given; an ambiguous layout becomes a one-line error naming the flag and the candidates. */
async function readTorchFile(file: string, options: Parameters<typeof fromTorchSafetensors>[1]): Promise<TorchSafetensorsImport> {
  try {
    return await fromTorchSafetensors(file, options);
  } catch (e) {
    if (e instanceof TorchLayoutAmbiguousError) {
      const list = e.candidates.map((c) => (c === '' ? '"" (a bare module)' : JSON.stringify(c))).join(', ');
      throw new CliUserError(`${file}: ${e.subject} (${list}). Pass --${e.option} with one of them, e.g. \`recur import-torch ${file} --${e.option} ${JSON.stringify(e.candidates[0])} --out DIR\`.`);
    }
    throw e;
  }
}

/**
 * `recur import-torch WEIGHTS [--cell C] [--prefix P] [--head H] [--kind K] --out DIR`: the
 * recurrent module's prefix, a trailing Linear head and the cell kind are detected when not given.
 */
export async function importTorchCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const file = ctx.args[0]!;
  requireFile(file, 'Weights file');
  const cell = flags.str('cell') as CellFlag | undefined;
  const prefix = flags.str('prefix');
  const head = flags.str('head');
  const kindFlag = flags.str('kind') as 'seq2one' | 'seq2seq' | undefined;
  // Choosing a module by name (e.g. one of several) imports it and ignores the rest, which is listed.
  const base = { ...(cell !== undefined ? { cell } : {}), ...(prefix !== undefined ? { prefix } : {}), ...(head !== undefined ? { head } : {}), allowUnused: prefix !== undefined || head !== undefined };
  // Read first (without a kind) to learn whether there is a head: without one the output is the recurrent output sequence.
  const probe = await readTorchFile(file, base);
  const kind = kindFlag ?? (probe.config.outputSize === null ? 'seq2seq' : 'seq2one');
  const imported = kind === probe.config.kind ? probe : await readTorchFile(file, { ...base, kind });
  const { layout } = imported;
  const { backend } = await resolveBackendFlag('cpu');
  const model = createModel(imported.config, { backend });
  try {
    model.loadStateDict(imported.stateDict);
    const dir = flags.reqStr('out');
    await saveModel(model, dir, { extra: { source: { format: 'pytorch-safetensors', file: resolve(file), prefix: layout.prefix, head: layout.head ?? null, detected: layout.detected } } });
    const cfg = model.config;
    const where = layout.prefix === '' ? 'no prefix (a bare module)' : `prefix "${layout.prefix}"`;
    const detected = layout.detected.length > 0 ? ` Detected: ${layout.detected.join(', ')}.` : '';
    out.print(`Found ${MODULE_OF[cfg.cell as CellFlag]} under ${where}, ${cfg.outputSize !== null ? `Linear head "${layout.head}"` : 'no Linear head'}.${detected}`);
    if (imported.unused.length > 0) out.print(`Ignored ${imported.unused.length} tensors of other modules: ${imported.unused.slice(0, 6).join(', ')}${imported.unused.length > 6 ? ', …' : ''}.`);
    out.print(
      `Imported ${cfg.cell} (${cfg.numLayers} layer${cfg.numLayers > 1 ? 's' : ''}, ${cfg.bidirectional ? 'bidirectional' : 'unidirectional'}, input ${cfg.inputSize}, hidden ${cfg.hiddenSize}` +
        `${cfg.outputSize !== null ? `, Linear head ${cfg.outputSize}` : ''}, ${kind}) → ${resolve(dir)}`,
    );
    out.emitJson({ model: resolve(dir), config: cfg, parameters: model.numParameters, layout: { prefix: layout.prefix, head: layout.head ?? null, cell: layout.cell, detected: layout.detected }, ignored: imported.unused });
  } finally {
    model.dispose();
  }
}

/** `recur export-torch --model DIR --out FILE`. */
export async function exportTorchCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const { model } = await openModel(flags.reqStr('model'), 'cpu', out);
  try {
    const path = flags.reqStr('out');
    const bytes = await exportTorchSafetensors(model, { prefix: flags.reqStr('prefix'), head: flags.reqStr('head'), path });
    out.print(`Wrote ${resolve(path)} (${bytes.length} bytes). Load it in PyTorch with module.load_state_dict(safetensors.torch.load_file(path)).`);
    out.emitJson({ file: resolve(path), bytes: bytes.length });
  } finally {
    model.dispose();
  }
}
