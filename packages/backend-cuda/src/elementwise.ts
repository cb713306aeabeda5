/**
 * Data movement, elementwise, reduction and pointwise kernels: the same argument checks as
 * backend-cpu (typed errors, never an out-of-bounds access), then one native launch each.
 */
import {
  InvalidArgumentError,
  ShapeError,
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

function nonNegativeInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(name, `must be a non-negative integer, got ${String(v)}.`);
}

function finite(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(name, `must be a finite number, got ${String(v)}.`);
}

/** `dst[dstOffset + r·dstStride + j] (+)= src[srcOffset + r·srcStride + j]`. */
export function copy(k: KernelContext, p: CopyParams): void {
  const rows = p.rows ?? 1;
  const cols = p.cols;
  const srcOffset = p.srcOffset ?? 0;
  const dstOffset = p.dstOffset ?? 0;
  const srcStride = p.srcStride ?? cols;
  const dstStride = p.dstStride ?? cols;
  nonNegativeInt('copy.rows', rows);
  nonNegativeInt('copy.cols', cols);
  nonNegativeInt('copy.srcOffset', srcOffset);
  nonNegativeInt('copy.dstOffset', dstOffset);
  nonNegativeInt('copy.srcStride', srcStride);
  nonNegativeInt('copy.dstStride', dstStride);
  const src = k.live(p.src, 'copy.src');
  const dst = k.live(p.dst, 'copy.dst');
  if (rows === 0 || cols === 0) return;
  const srcEnd = srcOffset + (rows - 1) * srcStride + cols;
  const dstEnd = dstOffset + (rows - 1) * dstStride + cols;
  if (srcEnd > p.src.size) {
    throw new ShapeError('copy.src', `at least ${srcEnd} elements (offset ${srcOffset}, ${rows} rows of ${cols}, stride ${srcStride})`, `${p.src.size} elements`);
  }
  if (dstEnd > p.dst.size) {
    throw new ShapeError('copy.dst', `at least ${dstEnd} elements (offset ${dstOffset}, ${rows} rows of ${cols}, stride ${dstStride})`, `${p.dst.size} elements`);
  }
  k.call(() => k.addon.copy2d(k.ctx(), src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols, p.accumulate === true));
}

/** `t[:] = value`. */
export function fill(k: KernelContext, t: Tensor, value: number): void {
  if (typeof value !== 'number') throw new InvalidArgumentError('fill.value', `must be a number, got ${typeof value}.`);
  const ptr = k.live(t, 'fill.t');
  k.call(() => k.addon.fill(k.ctx(), ptr, t.size, value));
}

/** `y += alpha·x`. */
export function axpy(k: KernelContext, y: Tensor, x: Tensor, alpha: number): void {
  finite('axpy.alpha', alpha);
  const yp = k.live(y, 'axpy.y');
  const xp = k.exact(x, 'axpy.x', y.size, y.shape);
  k.call(() => k.addon.axpy(k.ctx(), yp, xp, y.size, alpha));
}

/** `x *= alpha`. */
export function scale(k: KernelContext, x: Tensor, alpha: number): void {
  finite('scale.alpha', alpha);
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
  if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0) {
    throw new InvalidArgumentError('clipByValue.limit', `must be a non-negative number, got ${String(limit)}.`);
  }
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
  nonNegativeInt('sumRows.rows', rows);
  nonNegativeInt('sumRows.cols', cols);
  const xp = k.exact(x, 'sumRows.x', rows * cols, [rows, cols]);
  const op = k.exact(out, 'sumRows.out', cols, [cols]);
  k.call(() => k.addon.sumRows(k.ctx(), xp, rows, cols, op, accumulate === true));
}

const ACTIVATIONS: Readonly<Record<ActivationKind, number>> = { identity: 0, tanh: 1, sigmoid: 2, relu: 3 };

function activationCode(op: string, where: string): number {
  const code = (ACTIVATIONS as Record<string, number | undefined>)[op];
  if (code === undefined) throw new InvalidArgumentError(where, `unknown activation "${String(op)}"; use identity, tanh, sigmoid or relu.`);
  return code;
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
  const { rows, cols } = p;
  const temperature = p.temperature ?? 1;
  nonNegativeInt('softmax.rows', rows);
  nonNegativeInt('softmax.cols', cols);
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError('softmax.temperature', `must be a finite number > 0, got ${String(temperature)}.`);
  }
  const x = k.exact(p.x, 'softmax.x', rows * cols, [rows, cols]);
  const out = k.exact(p.out, 'softmax.out', rows * cols, [rows, cols]);
  k.call(() => k.addon.softmax(k.ctx(), x, out, rows, cols, 1 / temperature));
}

function checkIndices(where: string, indices: Int32Array, tableRows: number): void {
  if (!(indices instanceof Int32Array)) throw new InvalidArgumentError(`${where}.indices`, 'must be an Int32Array.');
  for (let r = 0; r < indices.length; r++) {
    const ix = indices[r] as number;
    if (ix < 0 || ix >= tableRows) {
      throw new InvalidArgumentError(`${where}.indices`, `indices[${r}] = ${ix} is outside [0, ${tableRows}) (the table has ${tableRows} rows).`);
    }
  }
}

function tableRows(where: string, table: Tensor, dim: number): number {
  if (table.size % dim !== 0) throw new ShapeError(where, `a multiple of dim=${dim} elements`, `${table.size} elements`);
  return table.size / dim;
}

/** `out[r, :] = table[indices[r], :]` (indices validated on the host, then copied to the device). */
export function gather(k: KernelContext, p: GatherParams): void {
  if (!Number.isInteger(p.dim) || p.dim < 1) throw new InvalidArgumentError('gather.dim', `must be a positive integer, got ${String(p.dim)}.`);
  const table = k.live(p.table, 'gather.table');
  checkIndices('gather', p.indices, tableRows('gather.table', p.table, p.dim));
  const n = p.indices.length;
  const out = k.exact(p.out, 'gather.out', n * p.dim, [n, p.dim]);
  k.call(() => k.addon.gather(k.ctx(), table, p.indices, p.dim, out));
}

/** `dTable[indices[r], :] += grad[r, :]` (atomic adds: repeated indices add up). */
export function scatterAdd(k: KernelContext, p: ScatterAddParams): void {
  if (!Number.isInteger(p.dim) || p.dim < 1) throw new InvalidArgumentError('scatterAdd.dim', `must be a positive integer, got ${String(p.dim)}.`);
  const dTable = k.live(p.dTable, 'scatterAdd.dTable');
  checkIndices('scatterAdd', p.indices, tableRows('scatterAdd.dTable', p.dTable, p.dim));
  const n = p.indices.length;
  const grad = k.exact(p.grad, 'scatterAdd.grad', n * p.dim, [n, p.dim]);
  k.call(() => k.addon.scatterAdd(k.ctx(), grad, p.indices, p.dim, dTable));
}
