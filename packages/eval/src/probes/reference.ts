/**
 * A float64 re-computation of a recur model's forward pass from its `state_dict`, with PyTorch's
 * equations (DESIGN.md §4) written out, recording every gate activation. It is the source of the
 * gate traces and the oracle the probes' tests compare the backends against.
 *
 * Shapes (one sequence at a time): x [T, I], gates and states [T, H].
 */
import { GATE_COUNT, InvalidArgumentError, ShapeError, type ActivationKind, type CellKind } from '@recur/backend';
import type { HostTensor, ProbeModelConfig } from './model-like.js';

/** One direction of one layer, as float64 host arrays. */
export interface CellWeights64 {
  /** [G·H, I] */
  readonly wIh: Float64Array;
  /** [G·H, H] */
  readonly wHh: Float64Array;
  /** [G·H] (zeros without bias) */
  readonly bIh: Float64Array;
  readonly bHh: Float64Array;
  readonly inputSize: number;
}

/** Every activation of one direction of one layer over one sequence, each row-major [T, H]. */
export interface LayerTrace {
  readonly cell: CellKind;
  readonly steps: number;
  readonly hidden: number;
  /** LSTM: i, f, g, o; GRU: r, z, n; RNN: none. */
  readonly gates: Record<string, Float64Array>;
  /** Hidden state after each step. */
  readonly h: Float64Array;
  /** LSTM cell state after each step (else null). */
  readonly c: Float64Array | null;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function tensor(dict: Record<string, HostTensor>, name: string, shape: readonly number[]): Float64Array {
  const t = dict[name];
  if (!t) throw new InvalidArgumentError('stateDict', `has no "${name}"; the probes expect PyTorch names (${Object.keys(dict).slice(0, 4).join(', ')}, …).`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== size) throw new ShapeError(`stateDict["${name}"]`, shape, `${t.data.length} values`);
  return Float64Array.from(t.data);
}


/** The float64 weights of layer `layer`, direction `direction` (1 = `_reverse`). */
export function cellWeights(dict: Record<string, HostTensor>, config: ProbeModelConfig, layer: number, direction: 0 | 1): CellWeights64 {
  const H = config.hiddenSize;
  const G = GATE_COUNT[config.cell];
  const D = config.bidirectional ? 2 : 1;
  const I = layer === 0 ? config.inputSize : D * H;
  const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
  return {
    wIh: tensor(dict, `rnn.weight_ih${suffix}`, [G * H, I]),
    wHh: tensor(dict, `rnn.weight_hh${suffix}`, [G * H, H]),
    bIh: config.bias ? tensor(dict, `rnn.bias_ih${suffix}`, [G * H]) : new Float64Array(G * H),
    bHh: config.bias ? tensor(dict, `rnn.bias_hh${suffix}`, [G * H]) : new Float64Array(G * H),
    inputSize: I,
  };
}

/** out[r] = b[r] + Σ_j W[r, j]·v[j] for rows r of W [rows, n]. */
function affine(w: Float64Array, b: Float64Array, v: ArrayLike<number>, rows: number, n: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    let s = b[r] as number;
    const base = r * n;
    for (let j = 0; j < n; j++) s += (w[base + j] as number) * (v[j] as number);
    out[r] = s;
  }
}

/**
 * Run one direction of one layer over x [T, I] in float64, from zero initial states, recording
 * every gate. `reverse` walks t = T−1 … 0 (outputs still indexed by t).
 *
 * - rnn: `h' = act(W_ih x + b_ih + W_hh h + b_hh)`
 * - lstm (blocks i, f, g, o): `i,f,o = σ(·)`, `g = tanh(·)`, `c' = f⊙c + i⊙g`, `h' = o⊙tanh(c')`
 * - gru (blocks r, z, n): `r,z = σ(W_i x + b_i + W_h h + b_h)`,
 *   `n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))`, `h' = (1−z)⊙n + z⊙h`
 */
export function runLayer64(cell: CellKind, w: CellWeights64, x: ArrayLike<number>, T: number, H: number, reverse = false): LayerTrace {
  const I = w.inputSize;
  if (x.length !== T * I) throw new ShapeError('layer input', [T, I], `${x.length} values`);
  const G = GATE_COUNT[cell];
  const gi = new Float64Array(G * H);
  const gh = new Float64Array(G * H);
  const h = new Float64Array(H);
  const c = new Float64Array(H);
  const hs = new Float64Array(T * H);
  const cs = cell === 'lstm' ? new Float64Array(T * H) : null;
  const names = cell === 'lstm' ? ['i', 'f', 'g', 'o'] : cell === 'gru' ? ['r', 'z', 'n'] : [];
  const gates: Record<string, Float64Array> = Object.fromEntries(names.map((n) => [n, new Float64Array(T * H)]));
  const xt = new Float64Array(I);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    for (let j = 0; j < I; j++) xt[j] = x[t * I + j] as number;
    affine(w.wIh, w.bIh, xt, G * H, I, gi); // W_ih x + b_ih   [G·H]
    affine(w.wHh, w.bHh, h, G * H, H, gh); //  W_hh h + b_hh   [G·H]
    const o = t * H;
    if (cell === 'lstm') {
      for (let u = 0; u < H; u++) {
        const ig = sigmoid((gi[u] as number) + (gh[u] as number));
        const fg = sigmoid((gi[H + u] as number) + (gh[H + u] as number));
        const gg = Math.tanh((gi[2 * H + u] as number) + (gh[2 * H + u] as number));
        const og = sigmoid((gi[3 * H + u] as number) + (gh[3 * H + u] as number));
        c[u] = fg * (c[u] as number) + ig * gg;
        h[u] = og * Math.tanh(c[u] as number);
        gates.i![o + u] = ig;
        gates.f![o + u] = fg;
        gates.g![o + u] = gg;
        gates.o![o + u] = og;
        cs![o + u] = c[u] as number;
      }
    } else if (cell === 'gru') {
      for (let u = 0; u < H; u++) {
        const r = sigmoid((gi[u] as number) + (gh[u] as number));
        const z = sigmoid((gi[H + u] as number) + (gh[H + u] as number));
        const n = Math.tanh((gi[2 * H + u] as number) + r * (gh[2 * H + u] as number));
        gates.r![o + u] = r;
        gates.z![o + u] = z;
        gates.n![o + u] = n;
        gi[u] = (1 - z) * n + z * (h[u] as number); // new h, written after every unit read h
      }
      for (let u = 0; u < H; u++) h[u] = gi[u] as number;
    } else {
      for (let u = 0; u < H; u++) {
        const a = (gi[u] as number) + (gh[u] as number);
        gi[u] = cell === 'rnn-relu' ? Math.max(0, a) : Math.tanh(a);
      }
      for (let u = 0; u < H; u++) h[u] = gi[u] as number;
    }
    hs.set(h, o);
  }
  return { cell, steps: T, hidden: H, gates, h: hs, c: cs };
}

function activate(kind: ActivationKind, v: number): number {
  switch (kind) {
    case 'identity':
      return v;
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return sigmoid(v);
    case 'relu':
      return Math.max(0, v);
  }
}

/** The float64 forward of a whole model on one sequence. */
export interface ReferenceForward {
  /** traces[layer][direction] */
  readonly traces: LayerTrace[][];
  /** seq2one: [O]; seq2seq: [T, O] (O = D·H without a head). */
  readonly output: Float64Array;
}

/**
 * The whole model (embedding for lm, every layer and direction, the head) on one sequence
 * x [T, I] (lm: T token ids) in float64. Dropout is off (inference).
 */
export function referenceForward(dict: Record<string, HostTensor>, config: ProbeModelConfig, x: ArrayLike<number>, T: number): ReferenceForward {
  const H = config.hiddenSize;
  const D = config.bidirectional ? 2 : 1;
  let input: Float64Array;
  if (config.kind === 'lm') {
    const E = config.inputSize;
    const emb = dict['embedding.weight'];
    if (!emb) throw new InvalidArgumentError('stateDict', 'an lm needs "embedding.weight".');
    input = new Float64Array(T * E);
    for (let t = 0; t < T; t++) for (let e = 0; e < E; e++) input[t * E + e] = emb.data[(x[t] as number) * E + e] as number;
  } else {
    input = Float64Array.from(x);
  }
  const traces: LayerTrace[][] = [];
  for (let l = 0; l < config.numLayers; l++) {
    const dirs: LayerTrace[] = [];
    for (let d = 0; d < D; d++) dirs.push(runLayer64(config.cell, cellWeights(dict, config, l, d as 0 | 1), input, T, H, d === 1));
    traces.push(dirs);
    // Next layer's input: [T, D·H], directions concatenated.
    input = new Float64Array(T * D * H);
    for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) input.set(dirs[d]!.h.subarray(t * H, (t + 1) * H), (t * D + d) * H);
  }
  const top = traces[config.numLayers - 1]!;
  const DH = D * H;
  // seq2one features: the top layer's final states (forward: step T−1; reverse: step 0).
  const featureRows = config.kind === 'seq2one' ? 1 : T;
  const features = new Float64Array(featureRows * DH);
  if (config.kind === 'seq2one') {
    for (let d = 0; d < D; d++) {
      const t = d === 0 ? T - 1 : 0;
      features.set(top[d]!.h.subarray(t * H, (t + 1) * H), d * H);
    }
  } else {
    features.set(input);
  }
  if (config.outputSize === null) return { traces, output: features };
  const O = config.outputSize;
  const W = tensor(dict, 'head.weight', [O, DH]);
  const b = dict['head.bias'] ? tensor(dict, 'head.bias', [O]) : new Float64Array(O);
  const out = new Float64Array(featureRows * O);
  const row = new Float64Array(O);
  for (let r = 0; r < featureRows; r++) {
    affine(W, b, features.subarray(r * DH, (r + 1) * DH), O, DH, row);
    for (let o = 0; o < O; o++) out[r * O + o] = activate(config.headActivation, row[o] as number);
  }
  return { traces, output: out };
}
