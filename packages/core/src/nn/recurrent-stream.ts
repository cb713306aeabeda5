/**
 * Device buffers of one stream of {@link Recurrent} steps (`Model.step`): the per-call cost is
 * the kernels alone, with no allocation, dispose or copy per step.
 *
 * Shape legend: B batch, I input size, H hidden size, L layers (unidirectional only, D = 1).
 *
 * One step (T = 1), layer l, with the carried state s = cur and the next state n = 1 − cur:
 *   ys[l], h[n][l], c[n][l] = cell(x_l, h[s][l], c[s][l])      x_0 = the input, x_{l+1} = ys[l]
 * The states are double-buffered (ping-pong): the backend contract does not promise that a cell
 * kernel may write hN into the tensor it reads h0 from, so each step reads one set and writes the
 * other, then the roles swap. `ys[L−1]` [B, H] is the step's output (the same values a full
 * sequence pass writes into its row t of y, and into hN of the top layer).
 */
import { hasCellState, type Backend, type FloatArray, type Tensor } from '@recur/backend';
import type { CellParameters, Recurrent } from './recurrent.js';

/** Persistent per-stream buffers for single-step inference through a unidirectional {@link Recurrent}. */
export class RecurrentStream {
  /** Per-layer outputs [B, H]. */
  private readonly ys: Tensor[] = [];
  /** `h[k][l]`: hidden state buffer k ∈ {0, 1} of layer l, [B, H]. */
  private readonly h: [Tensor[], Tensor[]] = [[], []];
  /** Cell state buffers (LSTM), else null. */
  private readonly c: [Tensor[], Tensor[]] | null;
  /** Which buffer set holds the carried state. */
  private cur: 0 | 1 = 0;
  /** True until the first step: the carried state is zero and is passed to the kernel as null. */
  private fresh = true;

  constructor(
    private readonly backend: Backend,
    private readonly rnn: Recurrent,
    /** Batch size of the stream. */
    readonly B: number,
  ) {
    if (rnn.directions !== 1) throw new Error('RecurrentStream: only unidirectional modules can be stepped.');
    const shape = [B, rnn.hiddenSize];
    this.c = hasCellState(rnn.cell) ? [[], []] : null;
    try {
      for (let l = 0; l < rnn.numLayers; l++) {
        this.ys.push(backend.alloc(shape));
        for (const k of [0, 1] as const) {
          this.h[k].push(backend.alloc(shape));
          this.c?.[k].push(backend.alloc(shape));
        }
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * Run one step of every layer on `x` [B, I] (a device tensor the caller owns) and carry the
   * state. Returns the top layer's output [B, H], owned by this stream and overwritten by the
   * next step. If a kernel throws, the carried state is left as it was.
   */
  step(x: Tensor): Tensor {
    const backend = this.backend;
    const rnn = this.rnn;
    const { B } = this;
    const H = rnn.hiddenSize;
    const s = this.cur;
    const n = (1 - s) as 0 | 1;
    const c = this.c;
    let input = x;
    for (let l = 0; l < rnn.numLayers; l++) {
      const w = (rnn.cells[l] as CellParameters[])[0] as CellParameters;
      const y = this.ys[l] as Tensor;
      backend.cellForward({
        cell: rnn.cell, T: 1, B, I: rnn.layerInputSize(l), H, reverse: false, lengths: null, yStride: H, yOffset: 0,
        wIh: w.wIh.value, wHh: w.wHh.value, bIh: w.bIh?.value ?? null, bHh: w.bHh?.value ?? null,
        x: input,
        h0: this.fresh ? null : (this.h[s][l] as Tensor),
        c0: c && !this.fresh ? (c[s][l] as Tensor) : null,
        y, hN: this.h[n][l] as Tensor, cN: c ? (c[n][l] as Tensor) : null, training: false,
      });
      input = y;
    }
    this.cur = n;
    this.fresh = false;
    return input;
  }

  /** The carried state on the host, [L, B, H] each (zeros before the first step). */
  async readState(): Promise<{ h: FloatArray; c: FloatArray | null }> {
    const h = await this.readStack(this.h[this.cur]);
    const c = this.c ? await this.readStack(this.c[this.cur]) : null;
    return { h, c };
  }

  /** Replace the carried state with host arrays [L, B, H] (`c` ignored without a cell state; null means zeros). */
  loadState(h: ArrayLike<number>, c: ArrayLike<number> | null): void {
    const n = this.B * this.rnn.hiddenSize;
    const set = (bufs: Tensor[], data: ArrayLike<number> | null) => {
      bufs.forEach((t, l) => {
        if (data) this.backend.write(t, sliceOf(data, l * n, n));
        else this.backend.fill(t, 0);
      });
    };
    set(this.h[this.cur], h);
    if (this.c) set(this.c[this.cur], c);
    this.fresh = false;
  }

  /** Free every buffer (idempotent). */
  dispose(): void {
    for (const t of [...this.ys, ...this.h[0], ...this.h[1], ...(this.c?.[0] ?? []), ...(this.c?.[1] ?? [])]) this.backend.dispose(t);
    this.ys.length = 0;
    for (const k of [0, 1] as const) {
      this.h[k].length = 0;
      if (this.c) this.c[k].length = 0;
    }
  }

  private async readStack(bufs: readonly Tensor[]): Promise<FloatArray> {
    if (bufs.length === 1) return this.backend.read(bufs[0] as Tensor);
    const n = this.B * this.rnn.hiddenSize;
    const parts: FloatArray[] = [];
    for (const t of bufs) parts.push(await this.backend.read(t));
    const out = parts[0] instanceof Float64Array ? new Float64Array(n * bufs.length) : new Float32Array(n * bufs.length);
    parts.forEach((p, l) => out.set(p, l * n));
    return out;
  }
}

function sliceOf(data: ArrayLike<number>, start: number, n: number): ArrayLike<number> {
  if (start === 0 && data.length === n) return data;
  if (ArrayBuffer.isView(data)) return (data as unknown as Float32Array).subarray(start, start + n);
  return Array.prototype.slice.call(data, start, start + n) as number[];
}
