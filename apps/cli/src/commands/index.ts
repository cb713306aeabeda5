/** Command name → implementation. */
import type { CommandHandler } from './context.js';
import { benchCommand } from './bench.js';
import { evalCommand } from './evaluate.js';
import { generateCommand } from './generate.js';
import { inspectCommand } from './inspect.js';
import { backendsCommand, datasetsCommand } from './listings.js';
import { predictCommand } from './predict.js';
import { exportOnnxCommand, importOnnxCommand } from './onnx.js';
import { probeCommand } from './probe.js';
import { exportTorchCommand, importTorchCommand } from './torch.js';
import { trainCommand } from './train.js';

/** Every command's handler, by the names in spec.ts. */
export const HANDLERS: Readonly<Record<string, CommandHandler>> = Object.freeze({
  train: trainCommand,
  eval: evalCommand,
  predict: predictCommand,
  probe: probeCommand,
  generate: generateCommand,
  'import-torch': importTorchCommand,
  'export-torch': exportTorchCommand,
  'export-onnx': exportOnnxCommand,
  'import-onnx': importOnnxCommand,
  backends: backendsCommand,
  datasets: datasetsCommand,
  inspect: inspectCommand,
  bench: benchCommand,
});
