/**
 * `exportOnnx`: a recur model as an ONNX model of standard operators only.
 *
 * Graph (shape legend: B batch, T time, I input, H hidden, D directions, L layers, O head outputs):
 *
 * ```
 * input [T, B, I] (or [B, T, I] with batchFirst → Transpose; lm: int64 tokens [T, B] → Gather(embedding))
 *   → per layer k: LSTM | GRU(linear_before_reset=1) | RNN(Tanh|Relu), direction forward|bidirectional
 *        inputs X, W [D, G·H, I_k], R [D, G·H, H], B [D, 2·G·H], sequence_lens?, initial_h/c[k·D:(k+1)·D]?
 *        Y [T, D, B, H] → (D=1: Squeeze axis 1 | D=2: Transpose [T, B, D, H] → Reshape [T, B, D·H]) → next layer
 *   seq2seq / lm: features [T, B, D·H] → MatMul(head.weightᵀ) + Add(head.bias) → activation → output [T, B, O]
 *   seq2one:      features = top Y_h [D, B, H] → [B, D·H] → Gemm(head.weight, head.bias, transB=1) → activation → output [B, O]
 *   states:       final_h = Concat(Y_h of every layer) [L·D, B, H]; final_c likewise (LSTM)
 * ```
 *
 * B and T are symbolic (dynamic). With `sequenceLens`, padded steps give zero outputs and the final
 * states are those at each sequence's own last step, as `model.predict` with `lengths`.
 */
import { InvalidArgumentError, hasCellState, type ActivationKind } from '@recur/backend';
import type { Model, StateDict } from '@recur/core';
import { onnxGateOrder, permuteBlocks } from '../gates.js';
import { DataType, encodeModelProto, type ModelProto } from '../proto/onnx-codec.js';
import { version } from '../../package.json';
import { GraphBuilder, valueInfo } from './graph-builder.js';

/** The producer name written into exported models. */
export const ONNX_PRODUCER_NAME = 'recur';
/** The version of `@recur/onnx` written as the producer version. */
export const ONNX_PRODUCER_VERSION: string = version;
/** Opsets {@link exportOnnx} can target. */
export const SUPPORTED_EXPORT_OPSETS: readonly number[] = [14, 15, 16, 17, 18, 19, 20, 21];
/** The default export opset. */
export const DEFAULT_EXPORT_OPSET = 17;

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** ONNX opset of the default domain, 14 to 21. Default 17. */
  readonly opset?: number;
  /** Add an int32 input `sequence_lens` [B] for padded batches. Default false. */
  readonly sequenceLens?: boolean;
  /**
   * Add inputs `initial_h` (and `initial_c` for LSTM) [L·D, B, H] and outputs `final_h` (`final_c`)
   * [L·D, B, H], so a server can stream a sequence in chunks, feeding the final states back. Default false.
   */
  readonly states?: boolean;
  /** Input (and seq2seq output) batch-major: [B, T, ·] instead of recur's time-major [T, B, ·]. Default false. */
  readonly batchFirst?: boolean;
  /** The graph's name. Default `recur_<kind>_<cell>`. */
  readonly graphName?: string;
}

const ACTIVATION_OPS: Record<ActivationKind, string | null> = { identity: null, tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu' };

/** ONNX IR version that goes with an opset (the oldest that defines it, for the widest runtime reach). */
function irVersionFor(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 17) return 8;
  if (opset <= 20) return 9;
  return 10;
}

function tensorOf(dict: StateDict, name: string): Float32Array {
  const t = dict[name];
  if (!t) throw new InvalidArgumentError('model', `its state dict has no ${name}.`);
  return t.data;
}

/**
 * Exports a recur model as ONNX bytes (a `ModelProto`). The recur config is kept in the model's
 * `metadata_props` (`recur.config`), so {@link importOnnx} restores what the graph cannot say
 * (dropout, init options).
 */
export async function exportOnnx(model: Model, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  return encodeModelProto(await exportOnnxModelProto(model, options));
}

/** Like {@link exportOnnx}, but returns the ModelProto as a plain object (for inspection or further editing). */
export async function exportOnnxModelProto(model: Model, options: OnnxExportOptions = {}): Promise<ModelProto> {
  const opset = options.opset ?? DEFAULT_EXPORT_OPSET;
  if (!SUPPORTED_EXPORT_OPSETS.includes(opset)) {
    throw new InvalidArgumentError('opset', `must be one of ${SUPPORTED_EXPORT_OPSETS.join(', ')}, got ${JSON.stringify(opset)}.`);
  }
  const cfg = model.config;
  const dict = await model.stateDict();
  const { cell, hiddenSize: H, numLayers: L } = cfg;
  const D = cfg.bidirectional ? 2 : 1;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const lstm = hasCellState(cell);
  const batchFirst = options.batchFirst ?? false;
  const g = new GraphBuilder();
  const seqDims = (last: number | string) => (batchFirst ? ['B', 'T', last] : ['T', 'B', last]);

  // ---- inputs ----
  let x: string;
  if (cfg.kind === 'lm') {
    g.inputs.push(valueInfo('tokens', DataType.INT64, batchFirst ? ['B', 'T'] : ['T', 'B']));
    const ids = batchFirst ? g.node('Transpose', ['tokens'], { attrs: { perm: [1, 0] } })[0]! : 'tokens';
    const emb = dict['embedding.weight']!;
    x = g.node('Gather', [g.floats('embedding.weight', emb.shape, emb.data), ids], { name: 'embedding', attrs: { axis: 0 } })[0]!; // [T, B, E]
  } else {
    g.inputs.push(valueInfo('input', DataType.FLOAT, seqDims(cfg.inputSize)));
    x = batchFirst ? g.node('Transpose', ['input'], { attrs: { perm: [1, 0, 2] } })[0]! : 'input';
  }
  const seqLens = options.sequenceLens ? 'sequence_lens' : '';
  if (seqLens) g.inputs.push(valueInfo(seqLens, DataType.INT32, ['B']));
  const states = options.states ?? false;
  if (states) {
    g.inputs.push(valueInfo('initial_h', DataType.FLOAT, [L * D, 'B', H]));
    if (lstm) g.inputs.push(valueInfo('initial_c', DataType.FLOAT, [L * D, 'B', H]));
  }

  // ---- recurrent layers ----
  const order = onnxGateOrder(cell);
  const finalH: string[] = [];
  const finalC: string[] = [];
  let lastY = '';
  let inputSize = cfg.inputSize;
  const opType = cell === 'lstm' ? 'LSTM' : cell === 'gru' ? 'GRU' : 'RNN';
  for (let k = 0; k < L; k++) {
    // W [D, G·H, I_k], R [D, G·H, H], B [D, 2·G·H]: gate blocks reordered, directions stacked.
    const W = new Float32Array(D * G * H * inputSize);
    const R = new Float32Array(D * G * H * H);
    const Bias = cfg.bias ? new Float32Array(D * 2 * G * H) : null;
    for (let d = 0; d < D; d++) {
      const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
      permuteBlocks(tensorOf(dict, `rnn.weight_ih${sfx}`), 0, order, H * inputSize, W, d * G * H * inputSize);
      permuteBlocks(tensorOf(dict, `rnn.weight_hh${sfx}`), 0, order, H * H, R, d * G * H * H);
      if (Bias) {
        permuteBlocks(tensorOf(dict, `rnn.bias_ih${sfx}`), 0, order, H, Bias, d * 2 * G * H);
        permuteBlocks(tensorOf(dict, `rnn.bias_hh${sfx}`), 0, order, H, Bias, d * 2 * G * H + G * H);
      }
    }
    const name = `rnn_l${k}`;
    const inputs = [x, g.floats(`${name}.W`, [D, G * H, inputSize], W), g.floats(`${name}.R`, [D, G * H, H], R), Bias ? g.floats(`${name}.B`, [D, 2 * G * H], Bias) : '', seqLens];
    if (states) {
      const slice = (src: string) => g.node('Slice', [src, g.int64s([k * D]), g.int64s([(k + 1) * D]), g.int64s([0])])[0]!;
      inputs.push(slice('initial_h'));
      if (lstm) inputs.push(slice('initial_c'));
    }
    while (inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
    const attrs: Record<string, number | string | string[]> = { hidden_size: H, direction: D === 2 ? 'bidirectional' : 'forward' };
    if (cell === 'gru') attrs['linear_before_reset'] = 1;
    if (cell === 'rnn-tanh' || cell === 'rnn-relu') attrs['activations'] = new Array<string>(D).fill(cell === 'rnn-relu' ? 'Relu' : 'Tanh');
    const [Y, Yh, Yc] = g.node(opType, inputs, { name, outputs: lstm ? [`${name}.Y`, `${name}.Y_h`, `${name}.Y_c`] : [`${name}.Y`, `${name}.Y_h`], attrs });
    finalH.push(Yh!);
    if (Yc) finalC.push(Yc);
    // Y [T, D, B, H] → [T, B, D·H]
    lastY = D === 1 ? g.node('Squeeze', [Y!, g.int64s([1])])[0]! : g.node('Reshape', [g.node('Transpose', [Y!], { attrs: { perm: [0, 2, 1, 3] } })[0]!, g.int64s([0, 0, -1])])[0]!;
    x = lastY;
    inputSize = D * H;
  }

  // ---- head ----
  const DH = D * H;
  const activation = ACTIVATION_OPS[cfg.headActivation];
  const O = cfg.outputSize;
  let out: string;
  if (cfg.kind === 'seq2one') {
    const Yh = finalH[L - 1]!; // top layer [D, B, H]
    const features = D === 1 ? g.node('Squeeze', [Yh, g.int64s([0])])[0]! : g.node('Reshape', [g.node('Transpose', [Yh], { attrs: { perm: [1, 0, 2] } })[0]!, g.int64s([0, -1])])[0]!;
    out = O !== null ? g.node('Gemm', [features, g.floats('head.weight', [O, DH], tensorOf(dict, 'head.weight')), g.floats('head.bias', [O], tensorOf(dict, 'head.bias'))], { name: 'head', attrs: { transB: 1 } })[0]! : features;
  } else {
    out = lastY;
    if (O !== null) {
      // MatMul needs weightᵀ [D·H, O]: a transpose, exact.
      const w = tensorOf(dict, 'head.weight');
      const wt = new Float32Array(DH * O);
      for (let o = 0; o < O; o++) for (let j = 0; j < DH; j++) wt[j * O + o] = w[o * DH + j] as number;
      const mm = g.node('MatMul', [out, g.floats('head.weight_t', [DH, O], wt)], { name: 'head_matmul' })[0]!;
      out = g.node('Add', [mm, g.floats('head.bias', [O], tensorOf(dict, 'head.bias'))], { name: 'head_bias' })[0]!;
    }
  }
  if (activation) out = g.node(activation, [out], { name: 'head_activation' })[0]!;
  if (cfg.kind !== 'seq2one' && batchFirst) out = g.node('Transpose', [out], { attrs: { perm: [1, 0, 2] } })[0]!;
  const outWidth = O ?? DH;
  g.node('Identity', [out], { name: 'output', outputs: ['output'] });
  g.outputs.push(valueInfo('output', DataType.FLOAT, cfg.kind === 'seq2one' ? ['B', outWidth] : seqDims(outWidth)));
  if (states) {
    const concat = (parts: string[], name: string) => g.node(parts.length === 1 ? 'Identity' : 'Concat', parts, { name, outputs: [name], ...(parts.length > 1 ? { attrs: { axis: 0 } } : {}) });
    concat(finalH, 'final_h');
    g.outputs.push(valueInfo('final_h', DataType.FLOAT, [L * D, 'B', H]));
    if (lstm) {
      concat(finalC, 'final_c');
      g.outputs.push(valueInfo('final_c', DataType.FLOAT, [L * D, 'B', H]));
    }
  }

  return {
    ir_version: irVersionFor(opset),
    opset_import: [{ domain: '', version: opset }],
    producer_name: ONNX_PRODUCER_NAME,
    producer_version: ONNX_PRODUCER_VERSION,
    doc_string: `recur ${cfg.kind} ${cfg.cell} model (${L} layer${L > 1 ? 's' : ''}, ${D === 2 ? 'bidirectional' : 'unidirectional'}, hidden ${H}).`,
    graph: g.build(options.graphName ?? `recur_${cfg.kind}_${cfg.cell}`, 'Exported by @recur/onnx.'),
    metadata_props: [
      { key: 'recur.config', value: JSON.stringify(cfg) },
      { key: 'recur.layout', value: batchFirst ? 'batch-first' : 'time-major' },
    ],
  };
}
