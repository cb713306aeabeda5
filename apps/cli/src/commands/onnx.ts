/** `recur export-onnx` / `recur import-onnx`: ONNX models (via @recur/onnx). */
import { resolve } from 'node:path';
import { atomicWriteFile, createModel, readFileBytes, saveModel } from '@recur/core';
import { exportOnnx, fromOnnx } from '@recur/onnx';
import { resolveBackendFlag } from '../backends.js';
import type { CommandContext } from './context.js';
import { requireFile } from '../data-source.js';
import { openModel } from '../model-dir.js';

/** `recur export-onnx --model DIR --out FILE [--opset N] [--sequence-lens] [--states] [--batch-first]`. */
export async function exportOnnxCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const { model } = await openModel(flags.reqStr('model'), 'cpu', out);
  try {
    const path = flags.reqStr('out');
    const options = {
      opset: flags.int('opset'),
      sequenceLens: flags.bool('sequenceLens'),
      states: flags.bool('states'),
      batchFirst: flags.bool('batchFirst'),
    };
    const bytes = await exportOnnx(model, options);
    await atomicWriteFile(path, bytes);
    const cfg = model.config;
    const inputs = [cfg.kind === 'lm' ? 'tokens' : 'input', ...(options.sequenceLens ? ['sequence_lens'] : []), ...(options.states ? ['initial_h', ...(cfg.cell === 'lstm' ? ['initial_c'] : [])] : [])];
    const outputs = ['output', ...(options.states ? ['final_h', ...(cfg.cell === 'lstm' ? ['final_c'] : [])] : [])];
    out.print(`Wrote ${resolve(path)} (${bytes.length} bytes, opset ${options.opset}). Inputs: ${inputs.join(', ')}; outputs: ${outputs.join(', ')}.`);
    out.emitJson({ file: resolve(path), bytes: bytes.length, opset: options.opset, inputs, outputs, batchFirst: options.batchFirst });
  } finally {
    model.dispose();
  }
}

/** `recur import-onnx FILE --out DIR`. */
export async function importOnnxCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const file = ctx.args[0]!;
  requireFile(file, 'ONNX file');
  const imported = fromOnnx(await readFileBytes(file), { file });
  const { backend } = await resolveBackendFlag('cpu');
  const model = createModel(imported.config, { backend });
  try {
    model.loadStateDict(imported.stateDict);
    const dir = flags.reqStr('out');
    const { info } = imported;
    await saveModel(model, dir, { extra: { source: { format: 'onnx', file: resolve(file), producer: `${info.producerName} ${info.producerVersion}`.trim(), opset: info.opset, batchFirst: info.batchFirst } } });
    const cfg = model.config;
    out.print(
      `Imported ${cfg.cell} (${cfg.numLayers} layer${cfg.numLayers > 1 ? 's' : ''}, ${cfg.bidirectional ? 'bidirectional' : 'unidirectional'}, hidden ${cfg.hiddenSize}` +
        `${cfg.outputSize !== null ? `, head ${cfg.outputSize}${cfg.headActivation !== 'identity' ? ` + ${cfg.headActivation}` : ''}` : ''}, ${cfg.kind}) from ${info.producerName || 'unknown producer'} opset ${info.opset} → ${resolve(dir)}` +
        `${info.batchFirst ? '. The graph was batch-first; recur inputs are time-major [T, B, I]' : ''}`,
    );
    out.emitJson({ model: resolve(dir), config: cfg, parameters: model.numParameters, source: info });
  } finally {
    model.dispose();
  }
}
