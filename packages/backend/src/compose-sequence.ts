/**
 * `composeSequence(backend)`: a whole sequence from single-step cell kernels, for a backend that
 * declares `capabilities.fusedSequence: false`.
 *
 * Such a backend implements `cellForward` / `cellBackward` for T = 1 only (one fused step: every
 * other option, `lengths`, `yStride`/`yOffset`, still applies). This wrapper answers T > 1 by
 * looping over time on the host, like candle's `trait RNN { step; seq by default }`:
 *
 *   forward, step s = 0 … T−1, t = s (or T−1−s when `reverse`):
 *     x_t  = x[t]                                          [1, B, I]  (copied out)
 *     (h_s, c_s), y_t = cell(x_t, h_{s−1}, c_{s−1})        one T = 1 call; h_{−1} = h0
 *     y[t, :, yOffset : yOffset+H] = y_t                   (copied in, stride yStride)
 *     hN, cN = h_{T−1}, c_{T−1}
 *   backward, s = T−1 … 0, with dh = dhN, dc = dcN:
 *     (dh, dc) ← cellBackward(step s; dy_t, dhN = dh, dcN = dc) into dh0/dc0 of that step
 *     dx[t] += dx_t; dW, db accumulate across the steps; finally dh0 += dh, dc0 += dc
 *
 * Padding needs nothing special: step t of sequence b is padding when t ≥ lengths[b], which a
 * T = 1 call expresses as lengths_t[b] = (t < lengths[b] ? 1 : 0); a padded step carries the state
 * forward and its gradient backward, exactly as the fused kernels do.
 *
 * The training cache is a 1-element handle tensor of the wrapped backend; the per-step caches and
 * states it stands for are freed with it (`dispose`), so memory accounting and leak checks work as
 * for a fused backend. Shape legend: B batch, T steps, I input size, H hidden size.
 *
 * The cost is a host round trip and three small copies per step; `pnpm bench` has a
 * `recur/cpu (composed steps)` row that measures it against the CPU backend's fused sequence.
 */
import { hasCellState } from './cells.js';
import { InvalidArgumentError } from './errors.js';
import { overrideMethods } from './override.js';
import type { Backend, CellBackwardParams, CellForwardParams, Tensor } from './spec.js';
import { checkCellBackward, checkCellForward } from './validate.js';

/** What one composed forward keeps for backward. */
interface ComposedCache {
  /** Per step s: the wrapped backend's cache of that step. */
  readonly steps: Tensor[];
  /** Per step s: h_s (and c_s for an LSTM), the state after step s. */
  readonly h: Tensor[];
  readonly c: Tensor[];
}

/** Marks a composed backend, so composing twice is a no-op. */
const COMPOSED: unique symbol = Symbol.for('@recur/backend/composed-sequence');

/** Per-step lengths of a T = 1 call at time t: 1 where step t is real, 0 where it is padding. */
function stepLengths(lengths: Int32Array | null | undefined, t: number): Int32Array | null {
  if (!lengths) return null;
  return Int32Array.from(lengths, (len) => (t < len ? 1 : 0));
}

/**
 * Wrap `backend` so `cellForward` / `cellBackward` accept any T by composing its single-step
 * kernels (see the file comment). A backend with `capabilities.fusedSequence` is returned
 * unchanged, as is one already composed; every other method and property reads through.
 * `@recur/core` applies this to every model's backend, and the conformance suite to every backend
 * it checks, so a new backend runs end to end with step kernels alone.
 *
 * @example
 * import { createCpuBackend } from '@recur/backend-cpu';
 * const be = composeSequence(createCpuBackend()); // fused already: the same object comes back
 * console.log(be.capabilities.fusedSequence); // true
 */
export function composeSequence<B extends Backend>(backend: B): B {
  if (backend.capabilities.fusedSequence || (backend as B & { [COMPOSED]?: true })[COMPOSED] === true) return backend;
  // one wrapper per backend: a cache made through it must come back to the same one
  const made = composedOf.get(backend);
  if (made) return made as B;
  const composed = wrap(backend);
  composedOf.set(backend, composed);
  return composed;
}

/** The wrapper already made for a backend. */
const composedOf = new WeakMap<Backend, Backend>();

function wrap<B extends Backend>(backend: B): B {
  const b: Backend = backend;
  const caches = new WeakMap<Tensor, ComposedCache>();

  const freeAll = (ts: readonly (Tensor | null)[]): void => {
    for (const t of ts) if (t) b.dispose(t);
  };

  /** x[t] as its own [1, B, cols] tensor (cols = I), or dy[t]'s columns of this direction (stride). */
  const sliceStep = (src: Tensor, t: number, B: number, cols: number, stride: number, offset: number): Tensor => {
    const out = b.alloc([1, B, cols]);
    b.copy({ src, dst: out, rows: B, cols, srcOffset: t * B * stride + offset, srcStride: stride, dstStride: cols });
    return out;
  };

  function cellForward(p: CellForwardParams): Tensor | null {
    checkCellForward(b, p);
    const { T, B, I, H } = p;
    if (T <= 1) return b.cellForward(p);
    const lstm = hasCellState(p.cell);
    const yStride = p.yStride ?? H;
    const yOffset = p.yOffset ?? 0;
    const training = p.training === true;
    const kept: ComposedCache = { steps: [], h: [], c: [] };
    let hPrev: Tensor | null = p.h0;
    let cPrev: Tensor | null = lstm ? (p.c0 ?? null) : null;
    const yStep = b.alloc([1, B, H]);
    try {
      for (let s = 0; s < T; s++) {
        const t = p.reverse ? T - 1 - s : s;
        const xStep = sliceStep(p.x, t, B, I, I, 0);
        const hNext = b.alloc([B, H]);
        const cNext = lstm ? b.alloc([B, H]) : null;
        let stepCache: Tensor | null = null;
        try {
          stepCache = b.cellForward({
            cell: p.cell, T: 1, B, I, H, lengths: stepLengths(p.lengths, t),
            wIh: p.wIh, wHh: p.wHh, bIh: p.bIh, bHh: p.bHh,
            x: xStep, h0: hPrev, c0: cPrev, y: yStep, hN: hNext, cN: cNext, training,
          });
        } catch (e) {
          freeAll([hNext, cNext]);
          throw e;
        } finally {
          b.dispose(xStep);
        }
        // y[t] columns [yOffset, yOffset + H) of each row ← y_t
        b.copy({ src: yStep, dst: p.y, rows: B, cols: H, srcStride: H, dstOffset: t * B * yStride + yOffset, dstStride: yStride });
        if (training) {
          if (!stepCache) {
            freeAll([hNext, cNext]);
            throw new InvalidArgumentError('cellForward', `${b.name}: a training step (T = 1) returned no cache tensor; a backend's cellForward must return one when training is true.`);
          }
          kept.steps.push(stepCache);
          kept.h.push(hNext);
          if (cNext) kept.c.push(cNext);
        } else if (s > 0) {
          // inference keeps only the running state (h0/c0 are the caller's)
          freeAll([hPrev, cPrev]);
        }
        hPrev = hNext;
        cPrev = cNext;
      }
      b.copy({ src: hPrev as Tensor, dst: p.hN, cols: B * H });
      if (lstm && p.cN) b.copy({ src: cPrev as Tensor, dst: p.cN, cols: B * H });
    } catch (e) {
      freeAll([...kept.steps, ...kept.h, ...kept.c]);
      throw e;
    } finally {
      b.dispose(yStep);
      if (!training) freeAll([hPrev, cPrev].filter((x) => x !== p.h0 && x !== p.c0));
    }
    if (!training) return null;
    const handle = b.alloc([1]);
    caches.set(handle, kept);
    return handle;
  }

  function cellBackward(p: CellBackwardParams): void {
    checkCellBackward(b, p);
    const kept = caches.get(p.cache);
    if (!kept) {
      b.cellBackward(p); // T = 1 (or a cache the wrapped backend made itself)
      return;
    }
    const { T, B, I, H } = p;
    const lstm = hasCellState(p.cell);
    const yStride = p.yStride ?? H;
    const yOffset = p.yOffset ?? 0;
    // running gradients w.r.t. the state after the current step
    let dh: Tensor = b.alloc([B, H]);
    let dc: Tensor | null = lstm ? b.alloc([B, H]) : null;
    try {
      if (p.dhN) b.copy({ src: p.dhN, dst: dh, cols: B * H });
      if (dc && p.dcN) b.copy({ src: p.dcN, dst: dc, cols: B * H });
      for (let s = T - 1; s >= 0; s--) {
        const t = p.reverse ? T - 1 - s : s;
        const xStep = sliceStep(p.x, t, B, I, I, 0);
        const dyStep = p.dy ? sliceStep(p.dy, t, B, H, yStride, yOffset) : null;
        const dxStep = p.dx ? b.alloc([1, B, I]) : null;
        const dhPrev = b.alloc([B, H]);
        const dcPrev = lstm ? b.alloc([B, H]) : null;
        try {
          b.cellBackward({
            cell: p.cell, T: 1, B, I, H, lengths: stepLengths(p.lengths, t),
            wIh: p.wIh, wHh: p.wHh, bIh: p.bIh, bHh: p.bHh,
            x: xStep, h0: s > 0 ? (kept.h[s - 1] as Tensor) : p.h0, c0: lstm ? (s > 0 ? (kept.c[s - 1] as Tensor) : (p.c0 ?? null)) : null,
            cache: kept.steps[s] as Tensor, dy: dyStep, dhN: dh, dcN: dc,
            dx: dxStep, dWih: p.dWih, dWhh: p.dWhh, dbIh: p.dbIh, dbHh: p.dbHh, dh0: dhPrev, dc0: dcPrev,
          });
          if (p.dx && dxStep) b.copy({ src: dxStep, dst: p.dx, cols: B * I, dstOffset: t * B * I, accumulate: true });
        } catch (e) {
          freeAll([dhPrev, dcPrev]);
          throw e;
        } finally {
          freeAll([xStep, dyStep, dxStep]);
        }
        freeAll([dh, dc]);
        dh = dhPrev;
        dc = dcPrev;
      }
      if (p.dh0) b.axpy(p.dh0, dh, 1);
      if (lstm && p.dc0 && dc) b.axpy(p.dc0, dc, 1);
    } finally {
      freeAll([dh, dc]);
    }
  }

  function dispose(t: Tensor): void {
    const kept = caches.get(t);
    if (kept) {
      caches.delete(t);
      freeAll([...kept.steps, ...kept.h, ...kept.c]);
    }
    b.dispose(t);
  }

  return overrideMethods(backend, { cellForward, cellBackward, dispose } as Partial<B>, COMPOSED);
}
