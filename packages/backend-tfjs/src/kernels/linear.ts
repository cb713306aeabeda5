/**
 * GEMM, strided copies and the small vector kernels (fill, axpy, scale, mul, clip, reductions),
 * composed from tfjs ops. Each kernel validates with the shared checks of `@recur/backend`, then
 * computes its result in one `tf.tidy`.
 */
import {
  checkClipLimit,
  checkExact,
  checkFillValue,
  checkGemm,
  checkTensor,
  finiteNumber,
  nonNegativeInt,
  InvalidArgumentError,
  ShapeError,
  type CopyParams,
  type GemmParams,
  type Tensor,
} from '@recur/backend';
import { update, type TfjsContext } from '../context.js';
import { valueOf } from '../handle-store.js';
import type { TfTensor } from '../tf-types.js';
import { explicitTranspose, matMul } from './mat-mul.js';
import { spliceFlat } from './write-range.js';

/** `C[m×n] = alpha·op(A)·op(B) + beta·C + bias[n]`; `beta = 0` ignores the old C (NaN in it does not leak). */
export function gemm(ctx: TfjsContext, p: GemmParams): void {
  const { alpha, beta } = checkGemm(ctx.backend, p);
  finiteNumber('gemm.alpha', alpha);
  finiteNumber('gemm.beta', beta);
  const { tf } = ctx;
  const { m, n, k } = p;
  update(ctx, p.c, 'gemm.c', () => {
    let r: TfTensor; // [m, n]
    if (explicitTranspose(ctx)) {
      // Plain product of pre-transposed operands, each transpose cached with its handle (a weight
      // used transposed every call, e.g. a linear layer's, is transposed once per version).
      const a = p.transA
        ? ctx.store.derived(p.a, `transpose[${k},${m}]`, (v) => tf.transpose(tf.reshape(v, [k, m])))
        : tf.reshape(valueOf(p.a, 'gemm.a'), [m, k]);
      const b = p.transB
        ? ctx.store.derived(p.b, `transpose[${n},${k}]`, (v) => tf.transpose(tf.reshape(v, [n, k])))
        : tf.reshape(valueOf(p.b, 'gemm.b'), [k, n]);
      r = tf.matMul(a, b);
    } else {
      const a = tf.reshape(valueOf(p.a, 'gemm.a'), p.transA ? [k, m] : [m, k]);
      const b = tf.reshape(valueOf(p.b, 'gemm.b'), p.transB ? [n, k] : [k, n]);
      r = matMul(ctx, a, b, p.transA === true, p.transB === true);
    }
    if (alpha !== 1) r = tf.mul(r, alpha);
    if (beta !== 0) {
      const c = tf.reshape(valueOf(p.c, 'gemm.c'), [m, n]);
      r = tf.add(r, beta === 1 ? c : tf.mul(c, beta));
    }
    if (p.bias) r = tf.add(r, tf.reshape(valueOf(p.bias, 'gemm.bias'), [1, n]));
    return r;
  });
}

/** `dst[dstOffset + r·dstStride + j] (+)= src[srcOffset + r·srcStride + j]` for r < rows, j < cols. */
export function copy(ctx: TfjsContext, p: CopyParams): void {
  const rows = p.rows ?? 1;
  const cols = p.cols;
  nonNegativeInt('copy.rows', rows);
  nonNegativeInt('copy.cols', cols);
  const srcOffset = p.srcOffset ?? 0;
  const dstOffset = p.dstOffset ?? 0;
  const srcStride = p.srcStride ?? cols;
  const dstStride = p.dstStride ?? cols;
  nonNegativeInt('copy.srcOffset', srcOffset);
  nonNegativeInt('copy.dstOffset', dstOffset);
  nonNegativeInt('copy.srcStride', srcStride);
  nonNegativeInt('copy.dstStride', dstStride);
  if (rows > 1 && dstStride < cols) {
    throw new InvalidArgumentError('copy.dstStride', `${dstStride} is less than cols=${cols}, so destination rows would overlap.`);
  }
  checkTensor(ctx.backend, p.src, 'copy.src');
  checkTensor(ctx.backend, p.dst, 'copy.dst');
  if (rows === 0 || cols === 0) return;
  const srcEnd = srcOffset + (rows - 1) * srcStride + cols;
  const dstEnd = dstOffset + (rows - 1) * dstStride + cols;
  if (srcEnd > p.src.size) throw new ShapeError('copy.src', `at least ${srcEnd} elements`, `${p.src.size} elements`);
  if (dstEnd > p.dst.size) throw new ShapeError('copy.dst', `at least ${dstEnd} elements`, `${p.dst.size} elements`);
  const { tf } = ctx;
  const n = rows * cols;
  const contiguousSrc = rows === 1 || srcStride === cols;
  const contiguousDst = rows === 1 || dstStride === cols;
  update(ctx, p.dst, 'copy.dst', () => {
    const src = valueOf(p.src, 'copy.src');
    const dst = valueOf(p.dst, 'copy.dst');
    let values: TfTensor;
    if (contiguousSrc) {
      values = tf.slice(src, [srcOffset], [n]);
    } else {
      const idx = new Int32Array(n);
      for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) idx[r * cols + j] = srcOffset + r * srcStride + j;
      values = tf.gather(src, tf.tensor1d(idx, 'int32'));
    }
    if (contiguousDst) {
      if (p.accumulate) values = tf.add(tf.slice(dst, [dstOffset], [n]), values);
      return spliceFlat(tf, dst, dstOffset, values);
    }
    const idx = new Int32Array(n);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) idx[r * cols + j] = dstOffset + r * dstStride + j;
    const indices = tf.tensor2d(idx, [n, 1], 'int32');
    const scattered = tf.scatterND(indices, values, [dst.size]);
    if (p.accumulate) return tf.add(dst, scattered);
    const mask = tf.greater(tf.scatterND(indices, tf.ones([n]), [dst.size]), 0);
    return tf.where(mask, scattered, dst);
  });
}

/** `t[:] = value`. */
export function fill(ctx: TfjsContext, t: Tensor, value: number): void {
  checkTensor(ctx.backend, t, 'fill.t');
  checkFillValue(value);
  update(ctx, t, 'fill.t', () => ctx.tf.fill([t.size], value, 'float32'));
}

/** `y += alpha·x` (x and y of the same size). */
export function axpy(ctx: TfjsContext, y: Tensor, x: Tensor, alpha: number): void {
  finiteNumber('axpy.alpha', alpha);
  checkTensor(ctx.backend, y, 'axpy.y');
  checkExact(ctx.backend, x, 'axpy.x', y.size, y.shape);
  const { tf } = ctx;
  update(ctx, y, 'axpy.y', () => {
    const xs = valueOf(x, 'axpy.x');
    return tf.add(valueOf(y, 'axpy.y'), alpha === 1 ? xs : tf.mul(xs, alpha));
  });
}

/** `x *= alpha`. */
export function scale(ctx: TfjsContext, x: Tensor, alpha: number): void {
  checkTensor(ctx.backend, x, 'scale.x');
  finiteNumber('scale.alpha', alpha);
  update(ctx, x, 'scale.x', () => ctx.tf.mul(valueOf(x, 'scale.x'), alpha));
}

/** `out = a ⊙ b` (all of the same size). */
export function mul(ctx: TfjsContext, out: Tensor, a: Tensor, b: Tensor): void {
  checkTensor(ctx.backend, out, 'mul.out');
  checkExact(ctx.backend, a, 'mul.a', out.size, out.shape);
  checkExact(ctx.backend, b, 'mul.b', out.size, out.shape);
  const { tf } = ctx;
  update(ctx, out, 'mul.out', () => tf.mul(valueOf(a, 'mul.a'), valueOf(b, 'mul.b')));
}

/** Clamp every element into [−limit, limit] (NaN stays NaN). */
export function clipByValue(ctx: TfjsContext, x: Tensor, limit: number): void {
  checkTensor(ctx.backend, x, 'clipByValue.x');
  checkClipLimit(limit);
  if (limit === Number.POSITIVE_INFINITY) return;
  update(ctx, x, 'clipByValue.x', () => ctx.tf.clipByValue(valueOf(x, 'clipByValue.x'), -limit, limit));
}

/** `out[0] = Σ x²`; NaN/Inf in x propagate. */
export function sumSquares(ctx: TfjsContext, x: Tensor, out: Tensor): void {
  checkTensor(ctx.backend, x, 'sumSquares.x');
  checkTensor(ctx.backend, out, 'sumSquares.out', 1);
  const { tf } = ctx;
  update(ctx, out, 'sumSquares.out', () =>
    spliceFlat(tf, valueOf(out, 'sumSquares.out'), 0, tf.reshape(tf.sum(tf.square(valueOf(x, 'sumSquares.x'))), [1])),
  );
}

/** `out[c] (+)= Σ_r x[r, c]` over a rows×cols matrix. */
export function sumRows(ctx: TfjsContext, x: Tensor, rows: number, cols: number, out: Tensor, accumulate = false): void {
  nonNegativeInt('sumRows.rows', rows);
  nonNegativeInt('sumRows.cols', cols);
  checkExact(ctx.backend, x, 'sumRows.x', rows * cols, [rows, cols]);
  checkExact(ctx.backend, out, 'sumRows.out', cols, [cols]);
  if (cols === 0 || (rows === 0 && accumulate)) return;
  const { tf } = ctx;
  update(ctx, out, 'sumRows.out', () => {
    if (rows === 0) return tf.zeros([cols]);
    const s = tf.sum(tf.reshape(valueOf(x, 'sumRows.x'), [rows, cols]), 0);
    return accumulate ? tf.add(valueOf(out, 'sumRows.out'), s) : s;
  });
}
