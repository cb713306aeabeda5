/**
 * The recurrent module: stacking (numLayers) and direction (bidirectional) around the backend's
 * fused `cellForward`/`cellBackward`, which own the loop over time. PyTorch's `nn.RNN/LSTM/GRU`
 * semantics and names (`weight_ih_l{k}[_reverse]`, …).
 *
 * Shape legend: T time, B batch, I input size, H hidden size, G gates, D directions (1 or 2), L layers.
 *
 * Forward, layer l, direction d (d = 1 walks time backwards):
 *   y_l[:, :, d·H:(d+1)·H], hN[l·D+d], cN[l·D+d] = cell(x_l, h0[l·D+d], c0[l·D+d])
 *   x_{l+1} = y_l ⊙ m_l   where m_l ~ Bernoulli(1−p)/(1−p) in training (inverted dropout), else y_l
 * Backward runs the layers in reverse: dx_l = Σ_d cellBackward(dy_l, dhN_{l,d}); dy_{l−1} = dx_l ⊙ m_{l−1}.
 */
import { GATE_COUNT, hasCellState, type Backend, type CellKind, type Tensor } from '@recur/backend';
import { orthogonalRecurrentInit, uniformInit } from '../init/initializers.js';
import type { Rng } from '../random/prng.js';
import { Parameter, TensorScope } from './parameter.js';

/** Constructor options of {@link Recurrent}. */
export interface RecurrentOptions {
  readonly cell: CellKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly dropout: number;
  readonly bias: boolean;
  /** Parameter name prefix, e.g. `rnn.`. */
  readonly prefix: string;
  readonly recurrentInit: 'uniform' | 'orthogonal';
  readonly forgetBias: number | null;
  /** GRU only: initial update-gate (z) bias, or null for the default. */
  readonly updateBias?: number | null;
  /** LSTM only: initial input-gate (i) bias, or null for the default. */
  readonly inputBias?: number | null;
}

/** The four parameters of one direction of one layer. */
export interface CellParameters {
  readonly wIh: Parameter;
  readonly wHh: Parameter;
  readonly bIh: Parameter | null;
  readonly bHh: Parameter | null;
}

/** Arguments of {@link Recurrent.forward}. */
export interface RecurrentForwardArgs {
  /** Input sequence [T, B, I]. */
  readonly x: Tensor;
  readonly T: number;
  readonly B: number;
  /** Per-sequence lengths (B entries in 1..T); null for full length. */
  readonly lengths: Int32Array | null;
  /** Initial hidden states [L·D, B, H]; null for zeros. */
  readonly h0: Tensor | null;
  /** Initial cell states [L·D, B, H] (LSTM); null for zeros. */
  readonly c0: Tensor | null;
  /** Keep caches for backward and apply dropout. */
  readonly training: boolean;
  /** Source of dropout masks (needed when training with dropout > 0). */
  readonly rng: Rng | null;
}

/** What {@link Recurrent.forward} returns. All tensors belong to `scope` (dispose it when done). */
export interface RecurrentForward {
  /** Output of the top layer [T, B, D·H] (padding rows are 0). */
  readonly y: Tensor;
  /** Final hidden states [L·D, B, H]. */
  readonly hN: Tensor;
  /** Final cell states [L·D, B, H] (LSTM), else null. */
  readonly cN: Tensor | null;
  /** Per-layer internals backward needs. */
  readonly cache: RecurrentCache;
}

/** Opaque forward cache (one entry per layer). */
export interface RecurrentCache {
  readonly T: number;
  readonly B: number;
  readonly lengths: Int32Array | null;
  readonly layers: readonly LayerCache[];
  readonly scope: TensorScope;
}

interface LayerCache {
  readonly x: Tensor; // layer input [T, B, I_l]
  readonly y: Tensor; // layer output [T, B, D·H]
  readonly h0: readonly (Tensor | null)[]; // per direction [B, H]
  readonly c0: readonly (Tensor | null)[];
  readonly caches: readonly (Tensor | null)[]; // per direction
  readonly mask: Tensor | null; // dropout mask applied to y (x of the next layer = y ⊙ mask)
}

/** A stacked, optionally bidirectional recurrent module. */
export class Recurrent {
  readonly cell: CellKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly directions: 1 | 2;
  readonly dropout: number;
  readonly bias: boolean;
  /** `cells[l][d]`. */
  readonly cells: CellParameters[][] = [];

  constructor(backend: Backend, opts: RecurrentOptions, rng: Rng) {
    this.cell = opts.cell;
    this.inputSize = opts.inputSize;
    this.hiddenSize = opts.hiddenSize;
    this.numLayers = opts.numLayers;
    this.directions = opts.bidirectional ? 2 : 1;
    this.dropout = opts.dropout;
    this.bias = opts.bias;
    const H = opts.hiddenSize;
    const G = GATE_COUNT[opts.cell];
    const k = 1 / Math.sqrt(H);
    // Draw in PyTorch's parameter order: per layer, per direction: w_ih, w_hh, b_ih, b_hh.
    for (let l = 0; l < this.numLayers; l++) {
      const row: CellParameters[] = [];
      const I = this.layerInputSize(l);
      for (let d = 0; d < this.directions; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const wIh = uniformInit(rng, G * H * I, k);
        const wHh = opts.recurrentInit === 'orthogonal' ? orthogonalRecurrentInit(rng, G, H) : uniformInit(rng, G * H * H, k);
        let bIh: Float32Array | null = null;
        let bHh: Float32Array | null = null;
        if (opts.bias) {
          bIh = uniformInit(rng, G * H, k);
          bHh = uniformInit(rng, G * H, k);
          if (opts.forgetBias !== null && opts.cell === 'lstm') {
            // LSTM row blocks are i, f, g, o: the f block is rows [H, 2H).
            bIh.fill(opts.forgetBias, H, 2 * H);
            bHh.fill(0, H, 2 * H);
          }
          if (opts.inputBias != null && opts.cell === 'lstm') {
            // The i block is rows [0, H).
            bIh.fill(opts.inputBias, 0, H);
            bHh.fill(0, 0, H);
          }
          if (opts.updateBias != null && opts.cell === 'gru') {
            // GRU row blocks are r, z, n: the z block is rows [H, 2H).
            bIh.fill(opts.updateBias, H, 2 * H);
            bHh.fill(0, H, 2 * H);
          }
        }
        const p = (name: string, data: Float32Array, shape: number[]) => new Parameter(`${opts.prefix}${name}${sfx}`, shape, backend.upload(data, shape));
        row.push({
          wIh: p('weight_ih', wIh, [G * H, I]),
          wHh: p('weight_hh', wHh, [G * H, H]),
          bIh: bIh ? p('bias_ih', bIh, [G * H]) : null,
          bHh: bHh ? p('bias_hh', bHh, [G * H]) : null,
        });
      }
      this.cells.push(row);
    }
  }

  /** Input width of layer l: I for l = 0, D·H above. */
  layerInputSize(l: number): number {
    return l === 0 ? this.inputSize : this.directions * this.hiddenSize;
  }

  /** Width of the output sequence: D·H. */
  get outputSize(): number {
    return this.directions * this.hiddenSize;
  }

  /** Parameters in PyTorch `state_dict` order. */
  parameters(): Parameter[] {
    const out: Parameter[] = [];
    for (const row of this.cells) {
      for (const c of row) {
        out.push(c.wIh, c.wHh);
        if (c.bIh) out.push(c.bIh);
        if (c.bHh) out.push(c.bHh);
      }
    }
    return out;
  }

  /** Run every layer and direction. Tensors are owned by the returned cache's scope. */
  forward(backend: Backend, a: RecurrentForwardArgs): RecurrentForward {
    const { T, B, lengths } = a;
    const H = this.hiddenSize;
    const D = this.directions;
    const L = this.numLayers;
    const lstm = hasCellState(this.cell);
    const scope = new TensorScope(backend);
    const hN = scope.alloc([L * D, B, H]);
    const cN = lstm ? scope.alloc([L * D, B, H]) : null;
    const layers: LayerCache[] = [];
    // Slice [B, H] number `idx` out of a [L·D, B, H] state tensor.
    const slice = (src: Tensor | null, idx: number): Tensor | null => {
      if (!src) return null;
      const t = scope.alloc([B, H]);
      backend.copy({ src, dst: t, cols: B * H, srcOffset: idx * B * H });
      return t;
    };
    let x = a.x;
    for (let l = 0; l < L; l++) {
      const I = this.layerInputSize(l);
      const y = scope.alloc([T, B, D * H]);
      const h0s: (Tensor | null)[] = [];
      const c0s: (Tensor | null)[] = [];
      const caches: (Tensor | null)[] = [];
      for (let d = 0; d < D; d++) {
        const w = (this.cells[l] as CellParameters[])[d] as CellParameters;
        const idx = l * D + d;
        const h0 = slice(a.h0, idx);
        const c0 = lstm ? slice(a.c0, idx) : null;
        // With a single layer and direction, [L·D, B, H] is [B, H]: the kernel writes hN/cN directly.
        const single = L * D === 1;
        const hNd = single ? hN : scope.alloc([B, H]);
        const cNd = lstm ? (single ? cN : scope.alloc([B, H])) : null;
        const cache = backend.cellForward({
          cell: this.cell, T, B, I, H, reverse: d === 1, lengths, yStride: D * H, yOffset: d * H,
          wIh: w.wIh.value, wHh: w.wHh.value, bIh: w.bIh?.value ?? null, bHh: w.bHh?.value ?? null,
          x, h0, c0, y, hN: hNd, cN: cNd, training: a.training,
        });
        if (cache) scope.track(cache);
        if (!single) {
          backend.copy({ src: hNd, dst: hN, cols: B * H, dstOffset: idx * B * H });
          if (cNd && cN) backend.copy({ src: cNd, dst: cN, cols: B * H, dstOffset: idx * B * H });
        }
        h0s.push(h0);
        c0s.push(c0);
        caches.push(cache);
      }
      let mask: Tensor | null = null;
      let next = y;
      if (a.training && this.dropout > 0 && l < L - 1) {
        mask = scope.upload(dropoutMask(a.rng, T * B * D * H, this.dropout), [T, B, D * H]);
        next = scope.alloc([T, B, D * H]);
        backend.mul(next, y, mask);
      }
      layers.push({ x, y, h0: h0s, c0: c0s, caches, mask });
      x = next;
    }
    const top = layers[L - 1] as LayerCache;
    return { y: top.y, hN, cN, cache: { T, B, lengths, layers, scope } };
  }

  /**
   * Backpropagation through all layers. Accumulates into every parameter's `grad` (callers zero
   * them first) and returns dL/dx [T, B, I] when `wantDx` (owned by the cache's scope).
   *
   * @param dy dL/dy of the top layer [T, B, D·H], or null.
   * @param dhN dL/dhN [L·D, B, H], or null.
   * @param dcN dL/dcN [L·D, B, H] (LSTM), or null.
   * @param dState when given, receives dL/dh0 (and dL/dc0) [L·D, B, H] (accumulated).
   */
  backward(
    backend: Backend,
    cache: RecurrentCache,
    dy: Tensor | null,
    dhN: Tensor | null,
    dcN: Tensor | null,
    wantDx: boolean,
    dState?: { dh0: Tensor; dc0: Tensor | null },
  ): Tensor | null {
    const { T, B, lengths, scope } = cache;
    const H = this.hiddenSize;
    const D = this.directions;
    const L = this.numLayers;
    const lstm = hasCellState(this.cell);
    // Read-only [B, H] slice of a [L·D, B, H] gradient; the tensor itself when L·D = 1.
    const slice = (src: Tensor | null, idx: number): Tensor | null => {
      if (!src) return null;
      if (L * D === 1) return src;
      const t = scope.alloc([B, H]);
      backend.copy({ src, dst: t, cols: B * H, srcOffset: idx * B * H });
      return t;
    };
    let dyl = dy;
    let dx: Tensor | null = null;
    for (let l = L - 1; l >= 0; l--) {
      const lc = cache.layers[l] as LayerCache;
      const I = this.layerInputSize(l);
      dx = l > 0 || wantDx ? scope.alloc([T, B, I]) : null;
      for (let d = 0; d < D; d++) {
        const w = (this.cells[l] as CellParameters[])[d] as CellParameters;
        const idx = l * D + d;
        const c = lc.caches[d];
        if (!c) throw new Error('Recurrent.backward: the forward pass was not run with training: true.');
        const dh0 = dState ? scope.alloc([B, H]) : null;
        const dc0 = dState && lstm ? scope.alloc([B, H]) : null;
        backend.cellBackward({
          cell: this.cell, T, B, I, H, reverse: d === 1, lengths, yStride: D * H, yOffset: d * H,
          wIh: w.wIh.value, wHh: w.wHh.value, bIh: w.bIh?.value ?? null, bHh: w.bHh?.value ?? null,
          x: lc.x, h0: lc.h0[d] ?? null, c0: lc.c0[d] ?? null, cache: c,
          dy: dyl, dhN: slice(dhN, idx), dcN: lstm ? slice(dcN, idx) : null,
          dx, dWih: w.wIh.ensureGrad(backend), dWhh: w.wHh.ensureGrad(backend),
          dbIh: w.bIh ? w.bIh.ensureGrad(backend) : null, dbHh: w.bHh ? w.bHh.ensureGrad(backend) : null,
          dh0, dc0,
        });
        if (dState && dh0) backend.copy({ src: dh0, dst: dState.dh0, cols: B * H, dstOffset: idx * B * H, accumulate: true });
        if (dState?.dc0 && dc0) backend.copy({ src: dc0, dst: dState.dc0, cols: B * H, dstOffset: idx * B * H, accumulate: true });
      }
      if (l > 0) {
        const below = cache.layers[l - 1] as LayerCache;
        if (below.mask && dx) backend.mul(dx, dx, below.mask);
        dyl = dx;
      }
    }
    return wantDx ? dx : null;
  }
}

/** Inverted-dropout mask: each element is 0 with probability p, else 1/(1−p). Drawn on the host. */
export function dropoutMask(rng: Rng | null, n: number, p: number): Float32Array {
  if (!rng) throw new Error('dropoutMask: training with dropout needs the model RNG.');
  const keep = 1 / (1 - p);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.next() < p ? 0 : keep;
  return out;
}
