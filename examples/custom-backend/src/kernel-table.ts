/**
 * Steps 4 and 5 of the checklist: the kernels, one function per contract method, each taking the
 * backend's context first. The shared argument checks (live tensors of this backend, sizes,
 * scalars, index ranges) have already run when a kernel is called (`defineBackend` applies
 * `checked`), so a kernel only computes. Checks that only this backend can make stay here: its
 * own cache's size, and class indices it reads from a tensor.
 */
import {
  InvalidArgumentError,
  ShapeError,
  checkCellBackward,
  checkCellForward,
  checkCopy,
  type KernelTable,
  type Tensor,
} from '@recur/backend';
import { cacheWidth, naiveCellBackward, naiveCellForward } from './cells.js';
import { activationGrad, applyActivation, naiveGemm, naiveLoss, naiveOptimizerStep } from './kernels.js';
import { buf, type F64Tensor } from './tensor.js';

/** What every kernel gets: the backend's identity and its tensor maker (for training caches). */
export interface F64Context {
  readonly id: string;
  readonly name: string;
  make(shape: readonly number[], data: Float64Array): F64Tensor;
}

/** Every kernel of the float64 backend. */
export const F64_KERNELS: KernelTable<F64Context> = {
  gemm(_ctx, p) {
    naiveGemm(buf(p.a), buf(p.b), buf(p.c), p.m, p.n, p.k, !!p.transA, !!p.transB, p.alpha ?? 1, p.beta ?? 0, p.bias ? buf(p.bias) : null);
  },
  copy(_ctx, p) {
    const { rows, cols, srcOffset: so, dstOffset: d0, srcStride: ss, dstStride: ds } = checkCopy(p); // defaults
    const src = p.src === p.dst ? buf(p.src).slice() : buf(p.src);
    const dst = buf(p.dst);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) {
        const v = src[so + r * ss + j]!;
        dst[d0 + r * ds + j] = p.accumulate ? dst[d0 + r * ds + j]! + v : v;
      }
    }
  },
  fill(_ctx, t, value) {
    buf(t).fill(value);
  },
  axpy(_ctx, y, x, alpha) {
    const yb = buf(y), xb = buf(x);
    for (let i = 0; i < yb.length; i++) yb[i] = yb[i]! + alpha * xb[i]!;
  },
  scale(_ctx, x, alpha) {
    const xb = buf(x);
    for (let i = 0; i < xb.length; i++) xb[i] = xb[i]! * alpha;
  },
  mul(_ctx, out, a, b) {
    const o = buf(out), ab = buf(a), bb = buf(b);
    for (let i = 0; i < o.length; i++) o[i] = ab[i]! * bb[i]!;
  },
  clipByValue(_ctx, x, limit) {
    const xb = buf(x);
    for (let i = 0; i < xb.length; i++) xb[i] = Math.min(limit, Math.max(-limit, xb[i]!));
  },
  sumSquares(_ctx, x, out) {
    let s = 0;
    for (const v of buf(x)) s += v * v;
    buf(out)[0] = s;
  },
  sumRows(_ctx, x, rows, cols, out, accumulate = false) {
    const xb = buf(x), o = buf(out);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += xb[r * cols + j]!;
      o[j] = accumulate ? o[j]! + s : s;
    }
  },

  activation(_ctx, p) {
    const x = buf(p.x), o = buf(p.out);
    for (let i = 0; i < x.length; i++) o[i] = applyActivation(p.op, x[i]!);
  },
  activationBackward(_ctx, p) {
    const y = buf(p.y), dy = buf(p.dy), dx = buf(p.dx);
    for (let i = 0; i < y.length; i++) dx[i] = dy[i]! * activationGrad(p.op, y[i]!);
  },
  // out[r, j] = exp(x[r, j]/τ − max_j x[r, j]/τ) / Σ_j exp(…)
  softmax(_ctx, p) {
    const x = buf(p.x), o = buf(p.out), temp = p.temperature ?? 1;
    for (let r = 0; r < p.rows; r++) {
      let max = -Infinity;
      for (let j = 0; j < p.cols; j++) max = Math.max(max, x[r * p.cols + j]! / temp);
      let sum = 0;
      for (let j = 0; j < p.cols; j++) sum += o[r * p.cols + j] = Math.exp(x[r * p.cols + j]! / temp - max);
      for (let j = 0; j < p.cols; j++) o[r * p.cols + j] = o[r * p.cols + j]! / sum;
    }
  },

  cellForward(ctx, p): Tensor | null {
    const r = checkCellForward(ctx, p); // resolves strides and lengths
    const cache = naiveCellForward(p, r);
    return cache ? ctx.make([p.T, p.B, cacheWidth(r.G, p.H)], cache) : null;
  },
  cellBackward(ctx, p) {
    const r = checkCellBackward(ctx, p); // resolves strides and lengths
    const want = p.T * p.B * cacheWidth(r.G, p.H);
    if (p.cache.size !== want) throw new ShapeError('cache', `${want} elements (from cellForward with the same shape)`, `${p.cache.size} elements`);
    naiveCellBackward(p, r);
  },

  loss(_ctx, p) {
    if (p.kind === 'cross-entropy') {
      const target = buf(p.target);
      for (let r = 0; r < p.n; r++) {
        const cls = target[r]!;
        if (!Number.isInteger(cls) || cls < 0 || cls >= p.c) {
          throw new InvalidArgumentError('loss.target', `row ${r} has class ${cls}, outside [0, ${p.c}).`);
        }
      }
    }
    naiveLoss(p);
  },
  optimizerStep(_ctx, p) {
    naiveOptimizerStep(p);
  },
  gather(_ctx, p) {
    const table = buf(p.table), out = buf(p.out);
    p.indices.forEach((ix, r) => out.set(table.subarray(ix * p.dim, ix * p.dim + p.dim), r * p.dim));
  },
  scatterAdd(_ctx, p) {
    const g = buf(p.grad), d = buf(p.dTable);
    p.indices.forEach((ix, r) => {
      for (let j = 0; j < p.dim; j++) d[ix * p.dim + j] = d[ix * p.dim + j]! + g[r * p.dim + j]!;
    });
  },
};
