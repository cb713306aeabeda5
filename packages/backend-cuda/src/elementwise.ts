/**
 * Data movement, elementwise, reduction and pointwise kernels: the same argument checks as
 * backend-cpu (typed errors, never an out-of-bounds access), then one native launch each.
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

/** `dst[dstOffset + r·dstStride + j] (+)= src[srcOffset + r·srcStride + j]`. */
export function copy(k: KernelContext, p: CopyParams): void {
  const resolved = checkCopy(p);
  const { rows, cols, srcOffset, dstOffset, srcStride, dstStride } = resolved;
  const src = k.live(p.src, 'copy.src');
  const dst = k.live(p.dst, 'copy.dst');
  if (!checkCopyExtent(p, resolved)) return;
  k.call(() => k.addon.copy2d(k.ctx(), src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols, p.accumulate === true));
}

/** `t[:] = value`. */
export function fill(k: KernelContext, t: Tensor, value: number): void {
  checkFillValue(value);
  const ptr = k.live(t, 'fill.t');
  k.call(() => k.addon.fill(k.ctx(), ptr, t.size, value));
}

/** `y += alpha·x`. */
export function axpy(k: KernelContext, y: Tensor, x: Tensor, alpha: number): void {
  finiteNumber('axpy.alpha', alpha);
  const yp = k.live(y, 'axpy.y');
  const xp = k.exact(x, 'axpy.x', y.size, y.shape);
  k.call(() => k.addon.axpy(k.ctx(), yp, xp, y.size, alpha));
}

/** `x *= alpha`. */
export function scale(k: KernelContext, x: Tensor, alpha: number): void {
  finiteNumber('scale.alpha', alpha);
  const xp = k.live(x, 'scale.x');
  k.call(() => k.addon.scale(k.ctx(), xp, x.size, alpha));
}

/** `out = a ⊙ b`. */
export function mul(k: KernelContext, out: Tensor, a: Tensor, b: Tensor): void {
  const op = k.live(out, 'mul.out');
  const ap = k.exact(a, 'mul.a', out.size, out.shape);
  const bp = k.exact(b, 'mul.b', out.size, out.shape);
  k.call(() => k.addon.mul(k.ctx(), op, ap, bp, out.size));
}

/** Clamp into [−limit, limit] (NaN stays NaN, so non-finite gradients are still detected). */
export function clipByValue(k: KernelContext, x: Tensor, limit: number): void {
  checkClipLimit(limit);
  const xp = k.live(x, 'clipByValue.x');
  k.call(() => k.addon.clip(k.ctx(), xp, x.size, limit));
}

/** `out[0] = Σ x²` (double accumulation on the device). */
export function sumSquares(k: KernelContext, x: Tensor, out: Tensor): void {
  const xp = k.live(x, 'sumSquares.x');
  const op = k.live(out, 'sumSquares.out', 1);
  k.call(() => k.addon.sumSquares(k.ctx(), xp, x.size, op));
}

/** `out[c] (+)= Σ_r x[r, c]`. */
export function sumRows(k: KernelContext, x: Tensor, rows: number, cols: number, out: Tensor, accumulate = false): void {
  checkSumRows(rows, cols);
  const xp = k.exact(x, 'sumRows.x', rows * cols, [rows, cols]);
  const op = k.exact(out, 'sumRows.out', cols, [cols]);
  k.call(() => k.addon.sumRows(k.ctx(), xp, rows, cols, op, accumulate === true));
}

const ACTIVATIONS: Readonly<Record<ActivationKind, number>> = { identity: 0, tanh: 1, sigmoid: 2, relu: 3 };

function activationCode(op: string, where: string): number {
  return ACTIVATIONS[checkActivation(op, where)];
}

/** `out = act(x)`. */
export function activation(k: KernelContext, p: ActivationParams): void {
  const op = activationCode(p.op, 'activation.op');
  const x = k.live(p.x, 'activation.x');
  const out = k.exact(p.out, 'activation.out', p.x.size, p.x.shape);
  k.call(() => k.addon.activation(k.ctx(), op, x, out, p.x.size));
}

/** `dx = act'(·)⊙dy`, act' written in terms of the forward output y. */
export function activationBackward(k: KernelContext, p: ActivationBackwardParams): void {
  const op = activationCode(p.op, 'activationBackward.op');
  const y = k.live(p.y, 'activationBackward.y');
  const dy = k.exact(p.dy, 'activationBackward.dy', p.y.size, p.y.shape);
  const dx = k.exact(p.dx, 'activationBackward.dx', p.y.size, p.y.shape);
  k.call(() => k.addon.activationBackward(k.ctx(), op, y, dy, dx, p.y.size));
}

/** Row softmax of x / temperature (row maximum subtracted first). */
export function softmax(k: KernelContext, p: SoftmaxParams): void {
  const { rows, cols, temperature } = checkSoftmax(p);
  const x = k.exact(p.x, 'softmax.x', rows * cols, [rows, cols]);
  const out = k.exact(p.out, 'softmax.out', rows * cols, [rows, cols]);
  k.call(() => k.addon.softmax(k.ctx(), x, out, rows, cols, 1 / temperature));
}

/** `out[r, :] = table[indices[r], :]` (indices validated on the host, then copied to the device). */
export function gather(k: KernelContext, p: GatherParams): void {
  checkGather(p);
  const table = k.live(p.table, 'gather.table');
  const n = checkGatherIndices(p);
  const out = k.exact(p.out, 'gather.out', n * p.dim, [n, p.dim]);
  k.call(() => k.addon.gather(k.ctx(), table, p.indices, p.dim, out));
}

/** `dTable[indices[r], :] += grad[r, :]` (atomic adds: repeated indices add up). */
export function scatterAdd(k: KernelContext, p: ScatterAddParams): void {
  checkScatterAdd(p);
  const dTable = k.live(p.dTable, 'scatterAdd.dTable');
  const n = checkScatterAddIndices(p);
  const grad = k.exact(p.grad, 'scatterAdd.grad', n * p.dim, [n, p.dim]);
  k.call(() => k.addon.scatterAdd(k.ctx(), grad, p.indices, p.dim, dTable));
}
