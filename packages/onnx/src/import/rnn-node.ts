/**
 * Reading one ONNX `LSTM`, `GRU` or `RNN` node into a recur layer: checks every attribute and
 * optional input against what recur's cells compute, and describes the node's outputs (Y [T, D, B, H],
 * Y_h / Y_c [D, B, H], or batch-major with `layout=1`) as runtime values.
 */
import { ShapeError, type CellKind } from '@recur/backend';
import type { NodeProto } from '../proto/onnx-codec.js';
import { NodeAttrs, nodeName } from './node-attrs.js';
import { refuse, type RefusalItem } from './refusal.js';
import { normalise, type Atom, type Block, type ConstValue, type RuntimeValue, type Value } from './values.js';

/** One recurrent layer as found in the graph (ONNX layout, gates in ONNX order). */
export interface LayerRecord {
  readonly node: string;
  readonly index: number;
  readonly cell: CellKind;
  /** Directions: 1 or 2. */
  readonly D: number;
  readonly H: number;
  readonly inputSize: number;
  /** [D, G·H, I] */
  readonly W: Float32Array;
  /** [D, G·H, H] */
  readonly R: Float32Array;
  /** [D, 2·G·H], or null without bias. */
  readonly B: Float32Array | null;
  readonly usesSequenceLens: boolean;
  readonly usesInitialState: boolean;
  /** Layer 0 only: the time and batch atoms of its input, and the features' atoms. */
  readonly timeAtom: Atom;
  readonly batchAtom: Atom;
  readonly features: Atom[];
  readonly input: string | null;
  /** Layer 0 of a language model: the embedding table its input was looked up in. */
  readonly embedding: { readonly weight: Float32Array; readonly V: number; readonly E: number } | null;
}

const DEFAULT_ACTIVATIONS: Record<string, string[]> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] };

function floatsOf(v: Value | undefined, name: string, node: string): ConstValue {
  if (v?.kind !== 'const' || v.dtype !== 'float') return refuse(`${name} must be a constant (an initializer) for recur to read the weights; node '${node}' computes it at run time`, name);
  return v;
}

function checkShape(what: string, v: ConstValue, expected: number[]): void {
  if (v.dims.length !== expected.length || v.dims.some((d, i) => d !== expected[i])) throw new ShapeError(what, expected, v.dims);
}

/** All features atoms of a runtime value's last axis, with its floating (layer, direction) blocks first. */
export function featureAtoms(v: RuntimeValue): Atom[] {
  const blocks = v.floating.filter((a) => a.kind === 'blocks');
  return [...blocks, ...(v.axes[v.axes.length - 1] ?? [])];
}

/** The layer whose complete output (all directions in order, then hidden) `atoms` are, or null. */
export function layerOfFeatures(atoms: readonly Atom[], D: (layer: number) => number | undefined): number | null {
  const [b, h] = atoms;
  if (atoms.length !== 2 || b?.kind !== 'blocks' || h?.kind !== 'hidden' || h.cell) return null;
  const blocks = b.blocks;
  const first = blocks[0];
  if (!first) return null;
  const layer = first.layer;
  const n = D(layer);
  if (n === undefined || blocks.length !== n || blocks.some((b: Block, i: number) => b.layer !== layer || b.dir !== i)) return null;
  return layer;
}

/**
 * Interprets a recurrent node. `layerDirections(k)` gives layer k's direction count when known;
 * `layer0` is the first layer's record (for the time / batch atoms) when already seen.
 */
export function interpretRnn(
  node: NodeProto,
  ins: (Value | undefined)[],
  layerDirections: (k: number) => number | undefined,
  layer0: LayerRecord | undefined,
): { outputs: Value[]; layer: LayerRecord; issues: RefusalItem[] } {
  const op = node.op_type as 'LSTM' | 'GRU' | 'RNN';
  const name = nodeName(node);
  const a = new NodeAttrs(node);
  const G = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
  const known = new Set(['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'layout', 'input_forget', 'linear_before_reset']);
  // Every attribute or input that changes the maths is noted and returned (the structure is still
  // followed, so problems further down the graph are reported too).
  const issues: RefusalItem[] = [];
  const note = (need: string, attribute?: string): void => {
    issues.push({ need, ...(attribute !== undefined ? { attribute } : {}) });
  };
  for (const attr of a.names()) if (!known.has(attr)) note(`unknown ${op} attribute ${attr}`, attr);
  // Attributes that change the maths.
  const direction = a.string('direction', 'forward');
  if (direction === 'reverse') note("a reverse-only layer: recur layers are forward or bidirectional (re-export with direction 'forward' and reversed inputs, or bidirectional)", 'direction');
  if (direction !== 'forward' && direction !== 'bidirectional') note(`direction '${direction}'`, 'direction');
  const D = direction === 'bidirectional' ? 2 : 1;
  if (a.has('clip')) note('cell clipping (clip) is not part of recur cells; remove it before export', 'clip');
  if (a.has('activation_alpha') || a.has('activation_beta')) note('parameterised activations (activation_alpha/beta)', a.has('activation_alpha') ? 'activation_alpha' : 'activation_beta');
  if (op === 'LSTM' && a.int('input_forget', 0) !== 0) note('coupled input-forget gate (input_forget=1) is not a recur LSTM; recur needs independent i and f gates', 'input_forget');
  if (op === 'GRU' && a.int('linear_before_reset', 0) !== 1) {
    note("linear_before_reset=0 (reset gate applied before the recurrent matmul, Keras reset_after=False) differs from recur's PyTorch GRU; recur needs linear_before_reset=1", 'linear_before_reset');
  }
  const layout = a.int('layout', 0);
  if (layout !== 0 && layout !== 1) note(`layout=${layout}`, 'layout');
  const acts = a.strings('activations');
  let cell: CellKind = op === 'LSTM' ? 'lstm' : op === 'GRU' ? 'gru' : 'rnn-tanh';
  if (acts) {
    const per = DEFAULT_ACTIVATIONS[op]!.length;
    if (acts.length !== per * D) note(`activations [${acts.join(', ')}] (expected ${per * D} names)`, 'activations');
    const lower = acts.map((s) => s.toLowerCase());
    if (op === 'RNN') {
      if (lower.some((s) => s !== lower[0]) || (lower[0] !== 'tanh' && lower[0] !== 'relu')) {
        note(`RNN activations [${acts.join(', ')}]: recur's RNN uses Tanh or Relu, the same in both directions`, 'activations');
      }
      cell = lower[0] === 'relu' ? 'rnn-relu' : 'rnn-tanh';
    } else {
      const expected = DEFAULT_ACTIVATIONS[op]!.map((s) => s.toLowerCase());
      if (lower.some((s, i) => s !== expected[i % per])) note(`${op} activations [${acts.join(', ')}]: recur's ${op} uses ${DEFAULT_ACTIVATIONS[op]!.join(', ')}`, 'activations');
    }
  }
  // Optional inputs: sequence_lens (4), initial_h (5), initial_c (6), peepholes P (7).
  const optional = (i: number) => (node.input?.[i] ? ins[i] : undefined);
  const seqLens = optional(4);
  if (seqLens && seqLens.kind !== 'runtime') note('constant sequence_lens (fixes the lengths of one batch); feed sequence_lens as a graph input', 'sequence_lens');
  let usesInitialState = false;
  for (const [i, what] of [[5, 'initial_h'], [6, 'initial_c']] as const) {
    const v = optional(i);
    if (!v || v.kind === 'zeros') continue;
    if (v.kind === 'runtime') usesInitialState = true;
    else if (v.kind === 'const' && Array.from(v.data).every((x) => x === 0)) continue;
    else note(`a constant non-zero ${what} (a learned initial state) is not part of a recur model`, what);
  }
  if (op === 'LSTM') {
    const P = optional(7);
    if (P && !(P.kind === 'zeros' || (P.kind === 'const' && Array.from(P.data).every((x) => x === 0)))) {
      note('peephole connections (input P) are not part of recur LSTMs; recur needs P absent or zero', 'P');
    }
  }
  // X: [T, B, F] (layout 0) or [B, T, F] (layout 1).
  const X = ins[0];
  if (X?.kind !== 'runtime') return refuse(`input X of ${op} must come from the graph inputs`, 'X');
  if (X.partial) refuse(`${op} input X is part of a graph input (a slice of the features, batch or time); recur models read whole sequences`, 'X');
  if (X.head) refuse(`${op} after a dense layer (recur models are embedding → recurrent → head)`, 'X');
  if (X.steps !== 'all' || X.axes.length !== 3 || X.axes[0]!.length !== 1 || X.axes[1]!.length !== 1) {
    refuse(`${op} input X must be a whole [T, B, features] sequence`, 'X');
  }
  const [timeAtom, batchAtom] = (layout === 0 ? [X.axes[0]![0]!, X.axes[1]![0]!] : [X.axes[1]![0]!, X.axes[0]![0]!]) as [Atom, Atom];
  const features = featureAtoms(X);
  const prev = layerOfFeatures(features, layerDirections);
  const index = prev === null ? 0 : prev + 1;
  if (prev === null && features.some((f) => f.kind === 'hidden' || f.kind === 'blocks' || f.kind === 'head')) {
    refuse(`${op} input X is not the complete output of the previous recurrent layer (all directions, in order)`, 'X');
  }
  if (index > 0) {
    if (!layer0) refuse(`${op} input X comes from a recurrent layer that is not the first`, 'X');
    if (timeAtom.kind !== 'axis' || batchAtom.kind !== 'axis' || (layer0.timeAtom as { id: string }).id !== timeAtom.id || (layer0.batchAtom as { id: string }).id !== batchAtom.id) {
      refuse(`${op} input X has its time and batch axes swapped relative to the first layer`, 'X');
    }
  }
  // Weights: W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H].
  const W = floatsOf(ins[1], 'W', name);
  const R = floatsOf(ins[2], 'R', name);
  const H = a.has('hidden_size') ? a.int('hidden_size', 0) : (R.dims[2] ?? 0);
  const I = W.dims[2] ?? 0;
  const featureCount = features.reduce((n, f) => n * (f.kind === 'blocks' ? f.blocks.length : f.kind === 'axis' ? (f.fixed ?? -1) : f.size), 1);
  if (featureCount > 0 && featureCount !== I) throw new ShapeError(`${op} node '${name}' W (input features)`, [D, G * H, featureCount], W.dims);
  checkShape(`${op} node '${name}' W`, W, [D, G * H, I]);
  checkShape(`${op} node '${name}' R`, R, [D, G * H, H]);
  let B: Float32Array | null = null;
  if (node.input?.[3]) {
    const b = ins[3];
    if (b?.kind !== 'zeros') {
      const bc = floatsOf(b, 'B', name);
      checkShape(`${op} node '${name}' B`, bc, [D, 2 * G * H]);
      B = Float32Array.from(bc.data);
    }
  }
  const layer: LayerRecord = {
    node: name, index, cell, D, H, inputSize: I, W: Float32Array.from(W.data), R: Float32Array.from(R.data), B,
    usesSequenceLens: seqLens !== undefined, usesInitialState, timeAtom, batchAtom, features, input: X.input, embedding: X.embedding ?? null,
  };
  const blocks: Block[] = Array.from({ length: D }, (_, d) => ({ layer: index, dir: d }));
  const dirs: Atom = { kind: 'blocks', blocks };
  const hidden: Atom = { kind: 'hidden', size: H, cell: false };
  const base = { floating: [] as Atom[], input: null, head: null, embedding: null };
  const Y = normalise({ ...base, axes: layout === 0 ? [[timeAtom], [dirs], [batchAtom], [hidden]] : [[batchAtom], [timeAtom], [dirs], [hidden]], steps: 'all', time: (timeAtom as { id?: string }).id ?? null });
  const state = (h: Atom) => normalise({ ...base, axes: layout === 0 ? [[dirs], [batchAtom], [h]] : [[batchAtom], [dirs], [h]], steps: 'final', time: null });
  const outputs: Value[] = [Y, state(hidden)];
  if (op === 'LSTM') outputs.push(state({ kind: 'hidden', size: H, cell: true }));
  return { outputs, layer, issues };
}
