/**
 * Data movement, elementwise, reduction and pointwise kernels. The shared argument checks run
 * before them (`checked`, applied by defineBackend); each one fetches its buffers through the
 * context's checked accessors (never an out-of-bounds read), then runs a flat loop.
 */
import {
  checkCopy,
  checkCopyExtent,
  checkSoftmax,
  type ActivationBackwardParams,
  type ActivationParams,
  type CopyParams,
  type GatherParams,
  type ScatterAddParams,
  type SoftmaxParams,
  type Tensor,
} from '@recur/backend';
import { relu, sigmoid, tanh } from '../cell-math.js';
import type { KernelContext } from '../context.js';

/** `dst[dstOffset + r·dstStride + j] (+)= src[srcOffset + r·srcStride + j]`, r < rows, j < cols. */
export function copy(ctx: KernelContext, p: CopyParams): void {
  const resolved = checkCopy(p);
  const { rows, cols, srcOffset, dstOffset, srcStride, dstStride, srcEnd } = resolved;
  const src = ctx.live(p.src, 'copy.src');
  const dst = ctx.live(p.dst, 'copy.dst');
  if (!checkCopyExtent(p, resolved)) return;
  // Overlapping copies inside one buffer go through a temporary so the result is as if read first.
  const source = src === dst ? src.slice(srcOffset, srcEnd) : src;
  const base = src === dst ? 0 : srcOffset;
  for (let r = 0; r < rows; r++) {
    const s = base + r * srcStride;
    const d = dstOffset + r * dstStride;
    if (p.accumulate) {
      for (let j = 0; j < cols; j++) dst[d + j] = (dst[d + j] as number) + (source[s + j] as number);
    } else {
      for (let j = 0; j < cols; j++) dst[d + j] = source[s + j] as number;
    }
  }
}

/** `t[:] = value`. */
export function fill(ctx: KernelContext, t: Tensor, value: number): void {
  ctx.live(t, 'fill.t').fill(value);
}

/** `y += alpha·x`. */
export function axpy(ctx: KernelContext, yT: Tensor, xT: Tensor, alpha: number): void {
  const y = ctx.live(yT, 'axpy.y');
  const x = ctx.exact(xT, 'axpy.x', y.length, yT.shape);
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + alpha * (x[i] as number);
}

/** `x *= alpha`. */
export function scale(ctx: KernelContext, xT: Tensor, alpha: number): void {
  const x = ctx.live(xT, 'scale.x');
  for (let i = 0; i < x.length; i++) x[i] = alpha * (x[i] as number);
}

/** `out = a ⊙ b`. */
export function mul(ctx: KernelContext, outT: Tensor, aT: Tensor, bT: Tensor): void {
  const out = ctx.live(outT, 'mul.out');
  const a = ctx.exact(aT, 'mul.a', out.length, outT.shape);
  const b = ctx.exact(bT, 'mul.b', out.length, outT.shape);
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) * (b[i] as number);
}

/** Clamp into [−limit, limit] (NaN stays NaN, so non-finite gradients are still detected). */
export function clipByValue(ctx: KernelContext, xT: Tensor, limit: number): void {
  const x = ctx.live(xT, 'clipByValue.x');
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v > limit) x[i] = limit;
    else if (v < -limit) x[i] = -limit;
  }
}

/** `out[0] = Σ x²` (accumulated in double precision). */
export function sumSquares(ctx: KernelContext, xT: Tensor, outT: Tensor): void {
  const x = ctx.live(xT, 'sumSquares.x');
  const out = ctx.live(outT, 'sumSquares.out', 1);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    s += v * v;
  }
  out[0] = s;
}

/** `out[c] (+)= Σ_r x[r, c]`. */
export function sumRows(ctx: KernelContext, xT: Tensor, rows: number, cols: number, outT: Tensor, accumulate = false): void {
  const x = ctx.exact(xT, 'sumRows.x', rows * cols, [rows, cols]);
  const out = ctx.exact(outT, 'sumRows.out', cols, [cols]);
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) acc[j] = (acc[j] as number) + (x[base + j] as number);
  }
  for (let j = 0; j < cols; j++) out[j] = (accumulate ? (out[j] as number) : 0) + (acc[j] as number);
}

/** `out = act(x)`. */
export function activation(ctx: KernelContext, p: ActivationParams): void {
  const x = ctx.live(p.x, 'activation.x');
  const out = ctx.exact(p.out, 'activation.out', x.length, p.x.shape);
  const n = x.length;
  switch (p.op) {
    case 'identity':
      out.set(x);
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = tanh(x[i] as number);
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[i] as number);
      break;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = relu(x[i] as number);
      break;
  }
}

/** `dx = act'(·)⊙dy`, with act' written in terms of the forward output y. */
export function activationBackward(ctx: KernelContext, p: ActivationBackwardParams): void {
  const y = ctx.live(p.y, 'activationBackward.y');
  const dy = ctx.exact(p.dy, 'activationBackward.dy', y.length, p.y.shape);
  const dx = ctx.exact(p.dx, 'activationBackward.dx', y.length, p.y.shape);
  const n = y.length;
  switch (p.op) {
    case 'identity':
      dx.set(dy);
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const v = y[i] as number;
        dx[i] = (dy[i] as number) * (1 - v * v);
      }
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = y[i] as number;
        dx[i] = (dy[i] as number) * v * (1 - v);
      }
      break;
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = (y[i] as number) > 0 ? (dy[i] as number) : 0;
      break;
  }
}

/** Row softmax of x / temperature, with the row maximum subtracted first (no overflow). */
export function softmax(ctx: KernelContext, p: SoftmaxParams): void {
  const { rows, cols, temperature } = checkSoftmax(p);
  const x = ctx.exact(p.x, 'softmax.x', rows * cols, [rows, cols]);
  const out = ctx.exact(p.out, 'softmax.out', rows * cols, [rows, cols]);
  const inv = 1 / temperature;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, (x[base + j] as number) * inv);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp((x[base + j] as number) * inv - max);
      out[base + j] = e;
      sum += e;
    }
    const s = 1 / sum;
    for (let j = 0; j < cols; j++) out[base + j] = (out[base + j] as number) * s;
  }
}

/** `out[r, :] = table[indices[r], :]`. */
export function gather(ctx: KernelContext, p: GatherParams): void {
  const table = ctx.live(p.table, 'gather.table');
  const n = p.indices.length;
  const out = ctx.exact(p.out, 'gather.out', n * p.dim, [n, p.dim]);
  const dim = p.dim;
  for (let r = 0; r < n; r++) {
    const src = (p.indices[r] as number) * dim;
    out.set(table.subarray(src, src + dim), r * dim);
  }
}

/** `dTable[indices[r], :] += grad[r, :]` (repeated indices add up). */
export function scatterAdd(ctx: KernelContext, p: ScatterAddParams): void {
  const dTable = ctx.live(p.dTable, 'scatterAdd.dTable');
  const n = p.indices.length;
  const dim = p.dim;
  const grad = ctx.exact(p.grad, 'scatterAdd.grad', n * dim, [n, dim]);
  for (let r = 0; r < n; r++) {
    const d = (p.indices[r] as number) * dim;
    const s = r * dim;
    for (let j = 0; j < dim; j++) dTable[d + j] = (dTable[d + j] as number) + (grad[s + j] as number);
  }
}
