/**
 * Argument checks every backend runs before a kernel, so that all backends reject bad input
 * with the same typed errors (and none reads out of bounds).
 */
import { GATE_COUNT, hasCellState } from './cells.js';
import { BackendMismatchError, DisposedTensorError, InvalidArgumentError, ShapeError } from './errors.js';
import type { Backend, CellBackwardParams, CellForwardParams, CellShape, GemmParams, Tensor } from './spec.js';

/** Product of a shape's dimensions, after checking each is a non-negative integer. */
export function shapeSize(shape: readonly number[], what = 'shape'): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(what, 'non-negative integer dimensions', shape);
    }
    size *= d;
  }
  return size;
}

/** A positive integer size argument. */
export function checkDim(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(name, `must be a positive integer, got ${String(value)}.`);
  }
}

/** `t` is live, belongs to `backend`, and (when given) holds at least `minSize` elements. */
export function checkTensor(backend: Pick<Backend, 'id' | 'name'>, t: Tensor, what: string, minSize?: number): void {
  if (t === null || t === undefined || typeof t !== 'object') {
    throw new InvalidArgumentError(what, 'expected a tensor handle.');
  }
  if (t.disposed) throw new DisposedTensorError(what);
  if (t.backendId !== backend.id) throw new BackendMismatchError(what, t.backendId, backend.name);
  if (minSize !== undefined && t.size < minSize) {
    throw new ShapeError(what, `at least ${minSize} elements`, `${t.size} elements`);
  }
}

/** Like {@link checkTensor} but requires an exact element count. */
export function checkExact(backend: Pick<Backend, 'id' | 'name'>, t: Tensor, what: string, size: number, shape?: readonly number[]): void {
  checkTensor(backend, t, what);
  if (t.size !== size) throw new ShapeError(what, shape ?? `${size} elements`, t.shape);
}

/** Validate a GEMM call; returns the resolved scalars. */
export function checkGemm(backend: Pick<Backend, 'id' | 'name'>, p: GemmParams): { alpha: number; beta: number } {
  checkDim('gemm.m', p.m);
  checkDim('gemm.n', p.n);
  checkDim('gemm.k', p.k);
  checkExact(backend, p.a, 'gemm.a', p.m * p.k, p.transA ? [p.k, p.m] : [p.m, p.k]);
  checkExact(backend, p.b, 'gemm.b', p.k * p.n, p.transB ? [p.n, p.k] : [p.k, p.n]);
  checkExact(backend, p.c, 'gemm.c', p.m * p.n, [p.m, p.n]);
  if (p.bias) checkExact(backend, p.bias, 'gemm.bias', p.n, [p.n]);
  return { alpha: p.alpha ?? 1, beta: p.beta ?? 0 };
}

/** Resolved layout of a cell call. */
export interface ResolvedCellShape {
  readonly G: number;
  readonly yStride: number;
  readonly yOffset: number;
  readonly reverse: boolean;
  readonly lengths: Int32Array | null;
}

function checkCellShape(backend: Pick<Backend, 'id' | 'name'>, p: CellShape, weights: { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null }): ResolvedCellShape {
  checkDim('cell.T', p.T);
  checkDim('cell.B', p.B);
  checkDim('cell.I', p.I);
  checkDim('cell.H', p.H);
  const G = GATE_COUNT[p.cell];
  if (G === undefined) throw new InvalidArgumentError('cell', `unknown cell kind "${String(p.cell)}"; use rnn-tanh, rnn-relu, lstm or gru.`);
  const yStride = p.yStride ?? p.H;
  const yOffset = p.yOffset ?? 0;
  if (!Number.isInteger(yStride) || !Number.isInteger(yOffset) || yOffset < 0 || yOffset + p.H > yStride) {
    throw new InvalidArgumentError('cell.yOffset', `columns [${yOffset}, ${yOffset + p.H}) do not fit in rows of stride ${yStride}.`);
  }
  checkExact(backend, weights.wIh, 'weight_ih', G * p.H * p.I, [G * p.H, p.I]);
  checkExact(backend, weights.wHh, 'weight_hh', G * p.H * p.H, [G * p.H, p.H]);
  if (weights.bIh) checkExact(backend, weights.bIh, 'bias_ih', G * p.H, [G * p.H]);
  if (weights.bHh) checkExact(backend, weights.bHh, 'bias_hh', G * p.H, [G * p.H]);
  let lengths: Int32Array | null = null;
  if (p.lengths) {
    if (p.lengths.length !== p.B) throw new ShapeError('lengths', [p.B], [p.lengths.length]);
    for (let b = 0; b < p.B; b++) {
      const len = p.lengths[b] as number;
      if (!Number.isInteger(len) || len < 0 || len > p.T) {
        throw new InvalidArgumentError('lengths', `lengths[${b}] = ${len} is outside [0, T=${p.T}].`);
      }
    }
    lengths = p.lengths;
  }
  return { G, yStride, yOffset, reverse: p.reverse === true, lengths };
}

/** Validate a `cellForward` call. */
export function checkCellForward(backend: Pick<Backend, 'id' | 'name'>, p: CellForwardParams): ResolvedCellShape {
  const r = checkCellShape(backend, p, p);
  const { T, B, I, H } = p;
  checkExact(backend, p.x, 'x', T * B * I, [T, B, I]);
  checkExact(backend, p.y, 'y', T * B * r.yStride, [T, B, r.yStride]);
  checkExact(backend, p.hN, 'hN', B * H, [B, H]);
  if (p.h0) checkExact(backend, p.h0, 'h0', B * H, [B, H]);
  if (hasCellState(p.cell)) {
    if (!p.cN) throw new InvalidArgumentError('cN', 'an LSTM needs a cN tensor [B, H] for its final cell state.');
    checkExact(backend, p.cN, 'cN', B * H, [B, H]);
    if (p.c0) checkExact(backend, p.c0, 'c0', B * H, [B, H]);
  }
  return r;
}

/** Validate a `cellBackward` call. */
export function checkCellBackward(backend: Pick<Backend, 'id' | 'name'>, p: CellBackwardParams): ResolvedCellShape {
  const r = checkCellShape(backend, p, p);
  const { T, B, I, H, G } = { ...p, G: r.G };
  checkExact(backend, p.x, 'x', T * B * I, [T, B, I]);
  checkTensor(backend, p.cache, 'cache');
  if (p.h0) checkExact(backend, p.h0, 'h0', B * H, [B, H]);
  if (p.dy) checkExact(backend, p.dy, 'dy', T * B * r.yStride, [T, B, r.yStride]);
  if (p.dhN) checkExact(backend, p.dhN, 'dhN', B * H, [B, H]);
  if (p.dx) checkExact(backend, p.dx, 'dx', T * B * I, [T, B, I]);
  checkExact(backend, p.dWih, 'dWih', G * H * I, [G * H, I]);
  checkExact(backend, p.dWhh, 'dWhh', G * H * H, [G * H, H]);
  if (p.dbIh) checkExact(backend, p.dbIh, 'dbIh', G * H, [G * H]);
  if (p.dbHh) checkExact(backend, p.dbHh, 'dbHh', G * H, [G * H]);
  if (p.dh0) checkExact(backend, p.dh0, 'dh0', B * H, [B, H]);
  if (hasCellState(p.cell)) {
    if (p.c0) checkExact(backend, p.c0, 'c0', B * H, [B, H]);
    if (p.dcN) checkExact(backend, p.dcN, 'dcN', B * H, [B, H]);
    if (p.dc0) checkExact(backend, p.dc0, 'dc0', B * H, [B, H]);
  }
  return r;
}

/** Whether step `t` of sequence `b` is real (not padding) under optional `lengths`. */
export function isActiveStep(lengths: Int32Array | null, b: number, t: number): boolean {
  return lengths === null || t < (lengths[b] as number);
}
