/**
 * From the interpreted graph (layers and output value) to a recur `ModelConfig` and a PyTorch-named
 * state dict: checks that the layers form one stack, finds the model kind from what the first graph
 * output holds, and converts ONNX weights (gate order, stacked directions) to recur's layout.
 */
import type { CellKind } from '@recur/backend';
import type { ModelConfigInput, StateDict } from '@recur/core';
import { OnnxUnsupportedError, type UnsupportedFeature } from '../errors.js';
import { permuteBlocks, torchGateOrder } from '../gates.js';
import type { InterpretedGraph } from './interpret-graph.js';
import { featureAtoms, layerOfFeatures } from './rnn-node.js';
import type { RuntimeValue } from './values.js';

/** What the importer learned about the graph besides the model itself. */
export interface OnnxGraphInfo {
  /** Whether the sequence input (and seq2seq output) is batch-major [B, T, ·] rather than recur's [T, B, ·]. */
  readonly batchFirst: boolean;
  /** The graph input holding the sequence (features or token ids). */
  readonly sequenceInput: string;
  /** The graph output recur's model output corresponds to (the first one). */
  readonly output: string;
  /** Other graph outputs (final states and the like), which a recur model returns from `predict` as hN / cN. */
  readonly ignoredOutputs: string[];
  /** Whether the graph reads per-sequence lengths (`sequence_lens`). */
  readonly sequenceLens: boolean;
  /** Whether the graph reads initial states from its inputs. */
  readonly initialStates: boolean;
}

function fail(features: UnsupportedFeature[]): never {
  throw new OnnxUnsupportedError(features);
}

function graphProblem(need: string): UnsupportedFeature {
  return { node: 'graph', op: 'graph', need };
}

function sameAxisId(a: unknown, b: unknown): boolean {
  return (a as { id?: string }).id !== undefined && (a as { id?: string }).id === (b as { id?: string }).id;
}

export function assembleModel(g: InterpretedGraph): { config: ModelConfigInput; stateDict: StateDict; info: OnnxGraphInfo } {
  if (g.problems.length > 0) fail(g.problems);
  if (g.layers.length === 0) fail([graphProblem('no LSTM, GRU or RNN operator feeds the outputs; recur imports recurrent models built from these operators')]);
  const layers = [...g.layers].sort((a, b) => a.index - b.index);
  const problems: UnsupportedFeature[] = [];
  layers.forEach((l, k) => {
    if (l.index !== k) problems.push({ node: l.node, op: 'graph', need: `the recurrent layers do not form one stack (missing layer ${k})` });
  });
  const top = layers[0]!;
  const cellOps: Record<CellKind, string> = { lstm: 'LSTM', gru: 'GRU', 'rnn-tanh': 'RNN', 'rnn-relu': 'RNN' };
  for (const l of layers) {
    if (l.cell !== top.cell || l.D !== top.D || l.H !== top.H) {
      problems.push({ node: l.node, op: cellOps[l.cell], need: `every layer of a recur model has the same cell, directions and hidden size (layer 0: ${top.cell}, D=${top.D}, H=${top.H}; this: ${l.cell}, D=${l.D}, H=${l.H})` });
    }
  }
  if (problems.length > 0) fail(problems);
  const L = layers.length;
  const { cell, D, H } = top;
  const layer0 = layers[0]!;
  const main = g.outputs[0];
  if (!main || main.value.kind !== 'runtime') return fail([graphProblem(`the first graph output '${main?.name ?? ''}' is not computed from the inputs by the recurrent layers`)]);
  const out = main.value;
  const features: RuntimeValue = out.head ? out.head.input : out;
  const featureLayer = layerOfFeatures(featureAtoms(features), (k) => layers[k]?.D);
  if (featureLayer !== L - 1) fail([graphProblem(`output '${main.name}' is not computed from the complete output of the top recurrent layer (all directions, in order)`)]);
  let kind: 'seq2one' | 'seq2seq' | 'lm';
  let batchFirst = false;
  const usesLens = layers.some((l) => l.usesSequenceLens);
  if (features.steps === 'all') {
    // The layout of what the graph returns (a head may be followed by a Transpose).
    const [a0, a1] = [out.axes[0]?.[0], out.axes[1]?.[0]];
    const timeMajor = sameAxisId(a0, layer0.timeAtom) && sameAxisId(a1, layer0.batchAtom);
    batchFirst = sameAxisId(a0, layer0.batchAtom) && sameAxisId(a1, layer0.timeAtom);
    if (features.axes.length !== 3 || out.axes.length !== 3 || (!timeMajor && !batchFirst)) fail([graphProblem(`output '${main.name}' is not a [T, B, features] or [B, T, features] sequence`)]);
    kind = layer0.embedding ? 'lm' : 'seq2seq';
  } else {
    if (layer0.embedding) fail([graphProblem('a language model (embedding input) whose output is not a sequence; recur language models output logits at every step')]);
    if (features.axes.length !== 2 || out.axes.length !== 2 || !sameAxisId(features.axes[0]?.[0], layer0.batchAtom) || !sameAxisId(out.axes[0]?.[0], layer0.batchAtom)) fail([graphProblem(`output '${main.name}' is not a [B, features] tensor`)]);
    if (features.steps === 'last' && (D === 2 || usesLens)) {
      fail([graphProblem(
        D === 2
          ? "the output takes the last time step of a bidirectional layer (its reverse half has seen one step); recur's seq2one reads each direction's final state (Y_h / h_n): use h_n instead"
          : "the output takes the last time step with sequence_lens (padded steps are zero); recur's seq2one reads the final state (Y_h / h_n): use h_n instead",
      )]);
    }
    kind = 'seq2one';
  }
  // Input atoms are named `<input>#<axis>`: the time axis at position 1 means a batch-major input.
  const timeId = (layer0.timeAtom as { id?: string }).id ?? '';
  if (kind === 'seq2one') batchFirst = timeId.endsWith('#1');
  const head = out.head;
  if (kind === 'lm' && (!head || head.outFeatures !== layer0.embedding!.V || head.activation !== 'identity')) {
    fail([graphProblem('a language model needs a dense head from the hidden features to vocabulary logits (no activation)')]);
  }
  // ---- weights: ONNX [D, G·H, ·] gates i,o,f,c / z,r,h → PyTorch names, gates i,f,g,o / r,z,n ----
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const order = torchGateOrder(cell);
  const bias = layers.some((l) => l.B !== null);
  const stateDict: StateDict = {};
  if (layer0.embedding) stateDict['embedding.weight'] = { shape: [layer0.embedding.V, layer0.embedding.E], data: layer0.embedding.weight };
  for (const l of layers) {
    const I = l.inputSize;
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l.index}${d === 1 ? '_reverse' : ''}`;
      const wih = new Float32Array(G * H * I);
      const whh = new Float32Array(G * H * H);
      permuteBlocks(l.W, d * G * H * I, order, H * I, wih, 0);
      permuteBlocks(l.R, d * G * H * H, order, H * H, whh, 0);
      stateDict[`rnn.weight_ih${sfx}`] = { shape: [G * H, I], data: wih };
      stateDict[`rnn.weight_hh${sfx}`] = { shape: [G * H, H], data: whh };
      if (bias) {
        const bih = new Float32Array(G * H);
        const bhh = new Float32Array(G * H);
        if (l.B) {
          permuteBlocks(l.B, d * 2 * G * H, order, H, bih, 0);
          permuteBlocks(l.B, d * 2 * G * H + G * H, order, H, bhh, 0);
        }
        stateDict[`rnn.bias_ih${sfx}`] = { shape: [G * H], data: bih };
        stateDict[`rnn.bias_hh${sfx}`] = { shape: [G * H], data: bhh };
      }
    }
  }
  if (head) {
    stateDict['head.weight'] = { shape: [head.outFeatures, head.inFeatures], data: head.weight };
    stateDict['head.bias'] = { shape: [head.outFeatures], data: head.bias ?? new Float32Array(head.outFeatures) };
  }
  const config: ModelConfigInput = {
    kind, cell, hiddenSize: H, numLayers: L, bidirectional: D === 2, bias,
    outputSize: head ? head.outFeatures : null, headActivation: head ? head.activation : 'identity',
    ...(layer0.embedding ? { vocabSize: layer0.embedding.V, embeddingDim: layer0.embedding.E } : { inputSize: layer0.inputSize }),
  };
  const info: OnnxGraphInfo = {
    batchFirst,
    sequenceInput: timeId.slice(0, timeId.lastIndexOf('#')),
    output: main.name,
    ignoredOutputs: g.outputs.slice(1).map((o) => o.name),
    sequenceLens: usesLens,
    initialStates: layers.some((l) => l.usesInitialState),
  };
  return { config, stateDict, info };
}
