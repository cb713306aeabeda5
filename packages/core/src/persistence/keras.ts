/**
 * Keras (TF 2.x / Keras 3) recurrent weights → recur (PyTorch layout). Dict level, no model.
 *
 * Keras stores the transpose of PyTorch's matrices, with columns in gate blocks of H:
 *
 * | Keras layer                        | kernel    | recurrent_kernel | bias            | gate blocks |
 * |------------------------------------|-----------|------------------|-----------------|-------------|
 * | `SimpleRNN`                        | [I, H]    | [H, H]           | [H]             | h           |
 * | `LSTM`                             | [I, 4H]   | [H, 4H]          | [4H]            | i, f, c, o  |
 * | `GRU(reset_after=True)` (default)  | [I, 3H]   | [H, 3H]          | [2, 3H]         | z, r, h     |
 *
 * Mapping (G gates, block g of ours reads Keras block π(g)):
 *
 * ```
 * weight_ih[g·H + j, :] = kernel[:, π(g)·H + j]ᵀ             (G·H × I)
 * weight_hh[g·H + j, :] = recurrent_kernel[:, π(g)·H + j]ᵀ   (G·H × H)
 * LSTM, SimpleRNN: π = identity (i, f, g, o ≡ i, f, c, o); bias_ih = bias, bias_hh = 0
 *                  (Keras has one bias; PyTorch adds b_ih + b_hh, so the sum is preserved exactly)
 * GRU:             π = (r←1, z←0, n←2), i.e. Keras z, r, h → ours r, z, n;
 *                  bias_ih = reorder(bias[0]) (input bias), bias_hh = reorder(bias[1]) (recurrent bias)
 * Dense head:      head.weight = kernelᵀ [O, F];  head.bias = bias (zeros if use_bias=False)
 * Embedding:       embedding.weight = embeddings [V, E] (same layout)
 * ```
 *
 * Keras' reset_after GRU computes n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) and
 * h' = z ⊙ h + (1 − z) ⊙ n, which is exactly PyTorch's GRU. A `reset_after=False` GRU applies r
 * before the recurrent matmul, a different function, so it is rejected rather than approximated.
 * The default activations are assumed (tanh, and sigmoid for gates); a `Bidirectional` wrapper
 * with `merge_mode='concat'` (the default) maps to `bidirectional: true`.
 */
import { GATE_COUNT, type ActivationKind, type CellKind } from '@recur/backend';
import { validateModelConfig, type ModelKind } from '../model/config.js';
import { ModelFormatError } from './errors.js';
import { formatShape, type HostTensor, type TensorDict } from './tensor-dict.js';
import type { TorchImport } from './torch-names.js';

/** The weights of one Keras recurrent layer (`layer.get_weights()` in order, as {shape, data}). */
export interface KerasRecurrentWeights {
  /** `kernel` [I, G·H]. */
  kernel: HostTensor;
  /** `recurrent_kernel` [H, G·H]. */
  recurrentKernel: HostTensor;
  /** `bias`: [G·H] (SimpleRNN, LSTM) or [2, 3H] (GRU reset_after=True). Absent when `use_bias=False`. */
  bias?: HostTensor;
}

/** A `Bidirectional(...)` wrapper's two layers. */
export interface KerasBidirectionalWeights {
  forward: KerasRecurrentWeights;
  backward: KerasRecurrentWeights;
}

/** A Keras model's weights, layer by layer. */
export interface KerasWeights {
  /** `'lstm'`, `'gru'` (reset_after=True), or `'rnn-tanh'` / `'rnn-relu'` for SimpleRNN. */
  cell: CellKind;
  /** The stacked recurrent layers, first to last; all unidirectional or all `Bidirectional`. */
  layers: Array<KerasRecurrentWeights | KerasBidirectionalWeights>;
  /** A trailing `Dense`: kernel [F, O], bias [O]. */
  dense?: { kernel: HostTensor; bias?: HostTensor };
  /** A leading `Embedding`'s `embeddings` [V, E]. */
  embedding?: HostTensor;
}

/** Options of {@link fromKerasWeights}: what weights cannot tell. */
export interface KerasImportOptions {
  /** Default `'lm'` with an embedding, otherwise `'seq2one'`. */
  kind?: ModelKind;
  /** Activation of the Dense head. Default `'identity'`. */
  headActivation?: ActivationKind;
  /** Dropout between layers for later training. Default 0. */
  dropout?: number;
}

/** π: for each of our gate blocks, the Keras block it comes from. */
const PERM: Record<CellKind, number[]> = { 'rnn-tanh': [0], 'rnn-relu': [0], lstm: [0, 1, 2, 3], gru: [1, 0, 2] };

function fail(message: string): never {
  throw new ModelFormatError(message);
}

function is2d(t: HostTensor | undefined, what: string): asserts t is HostTensor {
  if (t === undefined || t.shape.length !== 2) fail(`${what} must be a matrix, got ${t === undefined ? 'nothing' : formatShape(t.shape)}.`);
}

/** out[g·H + j, c] = m[c, π(g)·H + j]: transpose a Keras [C, G·H] matrix into our [G·H, C], reordering blocks. */
function transposeBlocks(m: HostTensor, G: number, H: number, perm: number[]): HostTensor {
  const C = m.shape[0]!;
  const GH = G * H;
  const out = new Float32Array(GH * C);
  for (let g = 0; g < G; g++) {
    const src = perm[g]! * H;
    for (let j = 0; j < H; j++) {
      const row = (g * H + j) * C;
      for (let c = 0; c < C; c++) out[row + c] = m.data[c * GH + src + j]!;
    }
  }
  return { shape: [GH, C], data: out };
}

function reorderVector(v: Float32Array, offset: number, G: number, H: number, perm: number[]): HostTensor {
  const out = new Float32Array(G * H);
  for (let g = 0; g < G; g++) out.set(v.subarray(offset + perm[g]! * H, offset + perm[g]! * H + H), g * H);
  return { shape: [G * H], data: out };
}

/**
 * Converts Keras recurrent (and optional Dense / Embedding) weights to a recur config and state dict,
 * ready for `createModel(config)` + `loadStateDict(stateDict)`. See the module comment for the mapping.
 *
 * @throws {ModelFormatError} for inconsistent shapes, a `reset_after=False` GRU, or mixed directions.
 */
export function fromKerasWeights(weights: KerasWeights, options: KerasImportOptions = {}): Omit<TorchImport, 'unused'> {
  const cell = weights.cell;
  if (GATE_COUNT[cell] === undefined) fail(`cell must be 'lstm', 'gru', 'rnn-tanh' or 'rnn-relu', got ${JSON.stringify(cell)}.`);
  const G = GATE_COUNT[cell];
  const perm = PERM[cell];
  if (!Array.isArray(weights.layers) || weights.layers.length === 0) fail('layers must list at least one recurrent layer.');
  const bidirectional = 'forward' in weights.layers[0]!;
  const D = bidirectional ? 2 : 1;
  const first = bidirectional ? (weights.layers[0] as KerasBidirectionalWeights).forward : (weights.layers[0] as KerasRecurrentWeights);
  is2d(first.recurrentKernel, 'layers[0].recurrentKernel');
  const H = first.recurrentKernel.shape[0]!;
  is2d(first.kernel, 'layers[0].kernel');
  const I = first.kernel.shape[0]!;
  let hasBias: boolean | undefined;
  const stateDict: TensorDict = {};

  weights.layers.forEach((layer, k) => {
    if (('forward' in layer) !== bidirectional) {
      fail(`mixing directions: layer ${k} is ${bidirectional ? 'not ' : ''}Bidirectional while layer 0 is${bidirectional ? '' : ' not'}.`);
    }
    const dirs: Array<[string, KerasRecurrentWeights]> = bidirectional
      ? [['', (layer as KerasBidirectionalWeights).forward], ['_reverse', (layer as KerasBidirectionalWeights).backward]]
      : [['', layer as KerasRecurrentWeights]];
    for (const [sfx, w] of dirs) {
      const where = `layers[${k}]${bidirectional ? (sfx ? '.backward' : '.forward') : ''}`;
      const inSize = k === 0 ? I : D * H;
      is2d(w.kernel, `${where}.kernel`);
      is2d(w.recurrentKernel, `${where}.recurrentKernel`);
      if (w.kernel.shape[0] !== inSize || w.kernel.shape[1] !== G * H) {
        fail(`${where}.kernel has shape ${formatShape(w.kernel.shape)}, expected [${inSize}, ${G * H}] (input × ${G}·H for ${cell}).`);
      }
      if (w.recurrentKernel.shape[0] !== H || w.recurrentKernel.shape[1] !== G * H) {
        fail(`${where}.recurrentKernel has shape ${formatShape(w.recurrentKernel.shape)}, expected [${H}, ${G * H}].`);
      }
      stateDict[`rnn.weight_ih_l${k}${sfx}`] = transposeBlocks(w.kernel, G, H, perm);
      stateDict[`rnn.weight_hh_l${k}${sfx}`] = transposeBlocks(w.recurrentKernel, G, H, perm);
      const layerHasBias = w.bias !== undefined;
      if (hasBias !== undefined && hasBias !== layerHasBias) fail(`${where}: some layers have a bias and others do not; recur needs all or none.`);
      hasBias = layerHasBias;
      if (w.bias === undefined) continue;
      if (cell === 'gru') {
        if (w.bias.shape.length === 1) {
          fail(
            `${where}.bias has shape ${formatShape(w.bias.shape)}: this is a GRU with reset_after=False, which applies the reset gate before the recurrent matmul — a different equation from PyTorch's and recur's. Retrain with reset_after=True (the Keras default).`,
          );
        }
        if (w.bias.shape.length !== 2 || w.bias.shape[0] !== 2 || w.bias.shape[1] !== 3 * H) {
          fail(`${where}.bias has shape ${formatShape(w.bias.shape)}, expected [2, ${3 * H}] (input bias row, recurrent bias row).`);
        }
        stateDict[`rnn.bias_ih_l${k}${sfx}`] = reorderVector(w.bias.data, 0, G, H, perm);
        stateDict[`rnn.bias_hh_l${k}${sfx}`] = reorderVector(w.bias.data, 3 * H, G, H, perm);
      } else {
        if (w.bias.shape.length !== 1 || w.bias.shape[0] !== G * H) {
          fail(`${where}.bias has shape ${formatShape(w.bias.shape)}, expected [${G * H}].`);
        }
        // One Keras bias = b_ih + b_hh: keep it whole in b_ih, zero b_hh.
        stateDict[`rnn.bias_ih_l${k}${sfx}`] = reorderVector(w.bias.data, 0, G, H, perm);
        stateDict[`rnn.bias_hh_l${k}${sfx}`] = { shape: [G * H], data: new Float32Array(G * H) };
      }
    }
  });

  let outputSize: number | null = null;
  if (weights.dense !== undefined) {
    is2d(weights.dense.kernel, 'dense.kernel');
    const [F, O] = weights.dense.kernel.shape as [number, number];
    if (F !== D * H) fail(`dense.kernel has shape ${formatShape(weights.dense.kernel.shape)}, expected [${D * H}, O] (it reads the ${D === 2 ? 'concatenated directions' : 'hidden state'}).`);
    const b = weights.dense.bias;
    if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== O)) fail(`dense.bias has shape ${formatShape(b.shape)}, expected [${O}].`);
    stateDict['head.weight'] = transposeBlocks(weights.dense.kernel, 1, O, [0]);
    stateDict['head.bias'] = { shape: [O], data: b !== undefined ? new Float32Array(b.data) : new Float32Array(O) };
    outputSize = O;
  }
  let vocabSize: number | null = null;
  if (weights.embedding !== undefined) {
    is2d(weights.embedding, 'embedding');
    if (weights.embedding.shape[1] !== I) fail(`embedding has shape ${formatShape(weights.embedding.shape)}: its width must equal the first layer's input size ${I}.`);
    vocabSize = weights.embedding.shape[0]!;
    stateDict['embedding.weight'] = { shape: [...weights.embedding.shape], data: new Float32Array(weights.embedding.data) };
  }
  const kind: ModelKind = options.kind ?? (vocabSize !== null ? 'lm' : 'seq2one');
  if (kind === 'lm') {
    if (vocabSize === null || outputSize === null) fail('kind "lm" needs both an embedding and a Dense head.');
    if (outputSize !== vocabSize) fail(`a language model's Dense head must output vocabSize=${vocabSize} logits, but dense.kernel has ${outputSize} columns.`);
  } else if (vocabSize !== null) {
    fail(`an embedding was given but kind is "${kind}"; only kind "lm" has one.`);
  }
  const config = validateModelConfig({
    kind,
    cell,
    inputSize: I,
    hiddenSize: H,
    numLayers: weights.layers.length,
    bidirectional,
    dropout: options.dropout ?? 0,
    bias: hasBias ?? true,
    outputSize,
    headActivation: options.headActivation ?? 'identity',
    ...(vocabSize !== null ? { vocabSize, embeddingDim: I } : {}),
  });
  return { config, stateDict };
}
