/**
 * Data movement, elementwise, reduction and pointwise kernels in C++ (native/kernels.cc, OpenMP
 * above 32 K elements): the shared argument checks of @recur/backend first (typed errors, never an
 * out-of-bounds access), then one native call on the tensors' buffers.
 */
import {
  checkActivation,
  checkClipLimit,
  checkCopy,
  checkCopyExtent,
  checkFillValue,
  checkGather,
  checkGatherIndices,
  checkScatterAdd,
  checkScatterAddIndices,
  checkSoftmax,
  checkSumRows,
  finiteNumber,
  type ActivationBackwardParams,
  type ActivationKind,
  type ActivationParams,
  type CopyParams,
  type GatherParams,
  type ScatterAddParams,
  type SoftmaxParams,
  type Tensor,
} from '@recur/backend';
import type { KernelContext } from './context.js';

const ACTIVATION_CODES: Readonly<Record<ActivationKind, number>> = { identity: 0, tanh: 1, sigmoid: 2, relu: 3 };

/** `dst[dstOffset + r·dstStride + j] (+)= src[srcOffset + r·srcStride + j]` (overlaps read first). */
export function copy(k: KernelContext, p: CopyParams): void {
  const r = checkCopy(p);
  const src = k.live(p.src, 'copy.src');
  const dst = k.live(p.dst, 'copy.dst');
  if (!checkCopyExtent(p, r)) return;
  k.call(() => k.addon.copy2d(k.ctx(), src, r.srcOffset, r.srcStride, dst, r.dstOffset, r.dstStride, r.rows, r.cols, p.accumulate === true));
}

/** `t[:] = value`. */
export function fill(k: KernelContext, t: Tensor, value: number): void {
  checkFillValue(value);
  const x = k.live(t, 'fill.t');
  k.call(() => k.addon.fill(k.ctx(), x, value));
}

/** `y += alpha·x`. */
export function axpy(k: KernelContext, y: Tensor, x: Tensor, alpha: number): void {
  finiteNumber('axpy.alpha', alpha);
  const yd = k.live(y, 'axpy.y');
  const xd = k.exact(x, 'axpy.x', y.size, y.shape);
  k.call(() => k.addon.axpy(k.ctx(), yd, xd, alpha));
}

/** `x *= alpha`. */
export function scale(k: KernelContext, x: Tensor, alpha: number): void {
  finiteNumber('scale.alpha', alpha);
  const xd = k.live(x, 'scale.x');
  k.call(() => k.addon.scale(k.ctx(), xd, alpha));
}

/** `out = a ⊙ b`. */
export function mul(k: KernelContext, out: Tensor, a: Tensor, b: Tensor): void {
  const od = k.live(out, 'mul.out');
  const ad = k.exact(a, 'mul.a', out.size, out.shape);
  const bd = k.exact(b, 'mul.b', out.size, out.shape);
  k.call(() => k.addon.mul(k.ctx(), od, ad, bd));
}

/** Clamp into [−limit, limit] (NaN stays NaN, so non-finite gradients are still detected). */
export function clipByValue(k: KernelContext, x: Tensor, limit: number): void {
  checkClipLimit(limit);
  const xd = k.live(x, 'clipByValue.x');
  k.call(() => k.addon.clip(k.ctx(), xd, limit));
}

/** `out[0] = Σ x²` (accumulated in double). */
export function sumSquares(k: KernelContext, x: Tensor, out: Tensor): void {
  const xd = k.live(x, 'sumSquares.x');
  const od = k.live(out, 'sumSquares.out', 1);
  k.call(() => k.addon.sumSquares(k.ctx(), xd, od));
}

/** `out[c] (+)= Σ_r x[r, c]` (double per column). */
export function sumRows(k: KernelContext, x: Tensor, rows: number, cols: number, out: Tensor, accumulate = false): void {
  checkSumRows(rows, cols);
  const xd = k.exact(x, 'sumRows.x', rows * cols, [rows, cols]);
  const od = k.exact(out, 'sumRows.out', cols, [cols]);
  k.call(() => k.addon.sumRows(k.ctx(), xd, rows, cols, od, accumulate === true));
}

/** `out = act(x)`. */
export function activation(k: KernelContext, p: ActivationParams): void {
  const op = ACTIVATION_CODES[checkActivation(p.op, 'activation.op')];
  const x = k.live(p.x, 'activation.x');
  const out = k.exact(p.out, 'activation.out', p.x.size, p.x.shape);
  k.call(() => k.addon.activation(k.ctx(), op, x, out));
}

/** `dx = act'(·)⊙dy`, act' in terms of the forward output y. */
export function activationBackward(k: KernelContext, p: ActivationBackwardParams): void {
  const op = ACTIVATION_CODES[checkActivation(p.op, 'activationBackward.op')];
  const y = k.live(p.y, 'activationBackward.y');
  const dy = k.exact(p.dy, 'activationBackward.dy', p.y.size, p.y.shape);
  const dx = k.exact(p.dx, 'activationBackward.dx', p.y.size, p.y.shape);
  k.call(() => k.addon.activationBackward(k.ctx(), op, y, dy, dx));
}

/** Row softmax of x / temperature (row maximum subtracted first). */
export function softmax(k: KernelContext, p: SoftmaxParams): void {
  const { rows, cols, temperature } = checkSoftmax(p);
  const x = k.exact(p.x, 'softmax.x', rows * cols, [rows, cols]);
  const out = k.exact(p.out, 'softmax.out', rows * cols, [rows, cols]);
  k.call(() => k.addon.softmax(k.ctx(), x, out, rows, cols, 1 / temperature));
}

/** `out[r, :] = table[indices[r], :]`. */
export function gather(k: KernelContext, p: GatherParams): void {
  checkGather(p);
  const table = k.live(p.table, 'gather.table');
  const n = checkGatherIndices(p);
  const out = k.exact(p.out, 'gather.out', n * p.dim, [n, p.dim]);
  k.call(() => k.addon.gather(k.ctx(), table, p.indices, p.dim, out));
}

/** `dTable[indices[r], :] += grad[r, :]` (repeated indices add up). */
export function scatterAdd(k: KernelContext, p: ScatterAddParams): void {
  checkScatterAdd(p);
  const dTable = k.live(p.dTable, 'scatterAdd.dTable');
  const n = checkScatterAddIndices(p);
  const grad = k.exact(p.grad, 'scatterAdd.grad', n * p.dim, [n, p.dim]);
  k.call(() => k.addon.scatterAdd(k.ctx(), grad, p.indices, p.dim, dTable));
}
