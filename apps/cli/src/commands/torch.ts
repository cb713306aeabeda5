/** `recur import-torch` / `recur export-torch`: PyTorch safetensors state dicts. */
import { resolve } from 'node:path';
import { createModel, exportTorchSafetensors, fromTorchSafetensors, saveModel } from '@recur/core';
import { resolveBackendFlag } from '../backends.js';
import type { CommandContext } from '../cli.js';
import { requireFile } from '../data-source.js';
import { openModel } from '../model-dir.js';

/** `recur import-torch WEIGHTS --cell C [--prefix P] [--head H] [--kind K] --out DIR`. */
export async function importTorchCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const file = ctx.args[0]!;
  requireFile(file, 'Weights file');
  const head = flags.str('head');
  const kindFlag = flags.str('kind') as 'seq2one' | 'seq2seq' | undefined;
  const base = { cell: flags.reqStr('cell') as 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu', prefix: flags.reqStr('prefix'), ...(head !== undefined ? { head } : {}) };
  // Infer first (without a kind) to learn whether there is a head: without one the output is the recurrent output sequence.
  const probe = await fromTorchSafetensors(file, base);
  const kind = kindFlag ?? (probe.config.outputSize === null ? 'seq2seq' : 'seq2one');
  const imported = kind === probe.config.kind ? probe : await fromTorchSafetensors(file, { ...base, kind });
  const { backend } = await resolveBackendFlag('cpu');
  const model = createModel(imported.config, { backend });
  try {
    model.loadStateDict(imported.stateDict);
    const dir = flags.reqStr('out');
    await saveModel(model, dir, { extra: { source: { format: 'pytorch-safetensors', file: resolve(file), prefix: base.prefix, head: head ?? null } } });
    const cfg = model.config;
    out.print(
      `Imported ${cfg.cell} (${cfg.numLayers} layer${cfg.numLayers > 1 ? 's' : ''}, ${cfg.bidirectional ? 'bidirectional' : 'unidirectional'}, input ${cfg.inputSize}, hidden ${cfg.hiddenSize}` +
        `${cfg.outputSize !== null ? `, Linear head ${cfg.outputSize}` : ''}, ${kind}) → ${resolve(dir)}`,
    );
    out.emitJson({ model: resolve(dir), config: cfg, parameters: model.numParameters });
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
