/**
 * The data movement, elementwise, reduction and pointwise kernels of a Node-API backend, written once
 * for any addon that exports these calls: the shared argument checks of @recur/backend resolve the
 * defaults (defineBackend ran them on the call already), the context hands over the tensors' buffers
 * (a Float32Array for oneDNN, a device pointer for CUDA), and each kernel is one native call.
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

/** What the addon exports for these kernels. `Buf` is how it takes a tensor's memory; `Ctx` its context handle. */
export interface NativeElementwiseAddon<Buf, Ctx> {
  copy2d(ctx: Ctx, src: Buf, srcOffset: number, srcStride: number, dst: Buf, dstOffset: number, dstStride: number, rows: number, cols: number, accumulate: boolean): void;
  fill(ctx: Ctx, x: Buf, n: number, value: number): void;
  axpy(ctx: Ctx, y: Buf, x: Buf, n: number, alpha: number): void;
  scale(ctx: Ctx, x: Buf, n: number, alpha: number): void;
  mul(ctx: Ctx, out: Buf, a: Buf, b: Buf, n: number): void;
  clip(ctx: Ctx, x: Buf, n: number, limit: number): void;
  sumSquares(ctx: Ctx, x: Buf, n: number, out: Buf): void;
  sumRows(ctx: Ctx, x: Buf, rows: number, cols: number, out: Buf, accumulate: boolean): void;
  /** op: a {@link NATIVE_ACTIVATION_CODES} code. */
  activation(ctx: Ctx, op: number, x: Buf, out: Buf, n: number): void;
  activationBackward(ctx: Ctx, op: number, y: Buf, dy: Buf, dx: Buf, n: number): void;
  softmax(ctx: Ctx, x: Buf, out: Buf, rows: number, cols: number, invTemperature: number): void;
  gather(ctx: Ctx, table: Buf, indices: Int32Array, dim: number, out: Buf): void;
  scatterAdd(ctx: Ctx, grad: Buf, indices: Int32Array, dim: number, dTable: Buf): void;
}

/** What a kernel gets from its backend (each native backend's KernelContext has this shape). */
export interface NativeKernelContext<Buf, Ctx> {
  readonly addon: NativeElementwiseAddon<Buf, Ctx>;
  /** The native context handle. */
  ctx(): Ctx;
  /** A tensor of the call (checked already): its memory. */
  live(t: Tensor, what: string, minSize?: number): Buf;
  /** A tensor of the call (checked already: exactly `size` elements): its memory. */
  exact(t: Tensor, what: string, size: number, shape?: readonly number[]): Buf;
  /** Run a native call, mapping the addon's errors to recur's typed errors. */
  call<T>(fn: () => T): T;
}

/** The activation codes of recur's native addons: 0 identity, 1 tanh, 2 sigmoid, 3 relu. */
export const NATIVE_ACTIVATION_CODES: Readonly<Record<ActivationKind, number>> = { identity: 0, tanh: 1, sigmoid: 2, relu: 3 };

type K = NativeKernelContext<unknown, unknown>;

/** `dst[dstOffset + r·dstStride + j] (+)= src[srcOffset + r·srcStride + j]` (overlaps are read first). */
function copy(k: K, p: CopyParams): void {
  const r = checkCopy(p);
  const src = k.live(p.src, 'copy.src');
  const dst = k.live(p.dst, 'copy.dst');
  if (!checkCopyExtent(p, r)) return;
  k.call(() => k.addon.copy2d(k.ctx(), src, r.srcOffset, r.srcStride, dst, r.dstOffset, r.dstStride, r.rows, r.cols, p.accumulate === true));
}

/** Every element of `t` = value. */
function fill(k: K, t: Tensor, value: number): void {
  checkFillValue(value);
  const x = k.live(t, 'fill.t');
  k.call(() => k.addon.fill(k.ctx(), x, t.size, value));
}

/** `y += alpha·x`. */
function axpy(k: K, y: Tensor, x: Tensor, alpha: number): void {
  finiteNumber('axpy.alpha', alpha);
  const yb = k.live(y, 'axpy.y');
  const xb = k.exact(x, 'axpy.x', y.size, y.shape);
  k.call(() => k.addon.axpy(k.ctx(), yb, xb, y.size, alpha));
}

/** `x *= alpha`. */
function scale(k: K, x: Tensor, alpha: number): void {
  finiteNumber('scale.alpha', alpha);
  const xb = k.live(x, 'scale.x');
  k.call(() => k.addon.scale(k.ctx(), xb, x.size, alpha));
}

/** `out = a ⊙ b`. */
function mul(k: K, out: Tensor, a: Tensor, b: Tensor): void {
  const ob = k.live(out, 'mul.out');
  const ab = k.exact(a, 'mul.a', out.size, out.shape);
  const bb = k.exact(b, 'mul.b', out.size, out.shape);
  k.call(() => k.addon.mul(k.ctx(), ob, ab, bb, out.size));
}

/** Clamp into [−limit, limit] (NaN stays NaN, so non-finite gradients are still detected). */
function clipByValue(k: K, x: Tensor, limit: number): void {
  checkClipLimit(limit);
  const xb = k.live(x, 'clipByValue.x');
  k.call(() => k.addon.clip(k.ctx(), xb, x.size, limit));
}

/** `out[0] = Σ x²` (accumulated in double). */
function sumSquares(k: K, x: Tensor, out: Tensor): void {
  const xb = k.live(x, 'sumSquares.x');
  const ob = k.live(out, 'sumSquares.out', 1);
  k.call(() => k.addon.sumSquares(k.ctx(), xb, x.size, ob));
}

/** `out[c] (+)= Σ_r x[r, c]`. */
function sumRows(k: K, x: Tensor, rows: number, cols: number, out: Tensor, accumulate = false): void {
  checkSumRows(rows, cols);
  const xb = k.exact(x, 'sumRows.x', rows * cols, [rows, cols]);
  const ob = k.exact(out, 'sumRows.out', cols, [cols]);
  k.call(() => k.addon.sumRows(k.ctx(), xb, rows, cols, ob, accumulate === true));
}

/** `out = act(x)`. */
function activation(k: K, p: ActivationParams): void {
  const op = NATIVE_ACTIVATION_CODES[checkActivation(p.op, 'activation.op')];
  const x = k.live(p.x, 'activation.x');
  const out = k.exact(p.out, 'activation.out', p.x.size, p.x.shape);
  k.call(() => k.addon.activation(k.ctx(), op, x, out, p.x.size));
}

/** `dx = act'(·)⊙dy`, act' written in terms of the forward output y. */
function activationBackward(k: K, p: ActivationBackwardParams): void {
  const op = NATIVE_ACTIVATION_CODES[checkActivation(p.op, 'activationBackward.op')];
  const y = k.live(p.y, 'activationBackward.y');
  const dy = k.exact(p.dy, 'activationBackward.dy', p.y.size, p.y.shape);
  const dx = k.exact(p.dx, 'activationBackward.dx', p.y.size, p.y.shape);
  k.call(() => k.addon.activationBackward(k.ctx(), op, y, dy, dx, p.y.size));
}

/** Row softmax of x / temperature (row maximum subtracted first). */
function softmax(k: K, p: SoftmaxParams): void {
  const { rows, cols, temperature } = checkSoftmax(p);
  const x = k.exact(p.x, 'softmax.x', rows * cols, [rows, cols]);
  const out = k.exact(p.out, 'softmax.out', rows * cols, [rows, cols]);
  k.call(() => k.addon.softmax(k.ctx(), x, out, rows, cols, 1 / temperature));
}

/** `out[r, :] = table[indices[r], :]` (indices validated on the host). */
function gather(k: K, p: GatherParams): void {
  checkGather(p);
  const table = k.live(p.table, 'gather.table');
  const n = checkGatherIndices(p);
  const out = k.exact(p.out, 'gather.out', n * p.dim, [n, p.dim]);
  k.call(() => k.addon.gather(k.ctx(), table, p.indices, p.dim, out));
}

/** `dTable[indices[r], :] += grad[r, :]` (repeated indices add up). */
function scatterAdd(k: K, p: ScatterAddParams): void {
  checkScatterAdd(p);
  const dTable = k.live(p.dTable, 'scatterAdd.dTable');
  const n = checkScatterAddIndices(p);
  const grad = k.exact(p.grad, 'scatterAdd.grad', n * p.dim, [n, p.dim]);
  k.call(() => k.addon.scatterAdd(k.ctx(), grad, p.indices, p.dim, dTable));
}

/**
 * The kernels as a table slice (spread it into the backend's `defineBackend` kernel table): copy,
 * fill, axpy, scale, mul, clipByValue, sumSquares, sumRows, activation, activationBackward, softmax,
 * gather and scatterAdd, for a backend whose context is a {@link NativeKernelContext}.
 */
export function nativeElementwiseKernels<C extends K>(): {
  copy(k: C, p: CopyParams): void;
  fill(k: C, t: Tensor, value: number): void;
  axpy(k: C, y: Tensor, x: Tensor, alpha: number): void;
  scale(k: C, x: Tensor, alpha: number): void;
  mul(k: C, out: Tensor, a: Tensor, b: Tensor): void;
  clipByValue(k: C, x: Tensor, limit: number): void;
  sumSquares(k: C, x: Tensor, out: Tensor): void;
  sumRows(k: C, x: Tensor, rows: number, cols: number, out: Tensor, accumulate?: boolean): void;
  activation(k: C, p: ActivationParams): void;
  activationBackward(k: C, p: ActivationBackwardParams): void;
  softmax(k: C, p: SoftmaxParams): void;
  gather(k: C, p: GatherParams): void;
  scatterAdd(k: C, p: ScatterAddParams): void;
} {
  return { copy, fill, axpy, scale, mul, clipByValue, sumSquares, sumRows, activation, activationBackward, softmax, gather, scatterAdd };
}
