/**
 * The recurrent cell kernels: validation with the shared checks, cache bookkeeping, then one native
 * call that runs the whole sequence on the device (cuBLAS input projection for all T·B rows, then a
 * loop of recurrent GEMM + fused step kernel per timestep; see native/sequence.cc).
 */
import {
  InvalidArgumentError,
  ShapeError,
  checkCellBackward,
  checkCellForward,
  type CellBackwardParams,
  type CellForwardParams,
  type CellKind,
  type Tensor,
} from '@recur/backend';
import type { KernelContext } from './context.js';
import { CudaTensor, optPtr, ptrOf, type TensorStore } from './cuda-tensor.js';
import type { NativeCellShape } from './native.js';

const CELL_CODES: Readonly<Record<CellKind, number>> = { 'rnn-tanh': 0, 'rnn-relu': 1, lstm: 2, gru: 3 };

/** Same padding pattern (null means every sequence has length T). */
function sameLengths(a: Int32Array | null, b: Int32Array | null, T: number): boolean {
  const n = a?.length ?? b?.length ?? 0;
  for (let i = 0; i < n; i++) if ((a ? (a[i] as number) : T) !== (b ? (b[i] as number) : T)) return false;
  return true;
}

/** Run one direction of one layer over the sequence; returns the backward cache when training. */
export function cellForward(k: KernelContext, store: TensorStore, p: CellForwardParams): Tensor | null {
  const self = { id: k.id, name: k.name };
  const r = checkCellForward(self, p);
  const { cell, T, B, I, H } = p;
  const lstm = cell === 'lstm';
  const shape: NativeCellShape = { cell: CELL_CODES[cell], T, B, I, H, reverse: r.reverse, yStride: r.yStride, yOffset: r.yOffset, lengths: r.lengths };
  const args = {
    ...shape,
    x: ptrOf(p.x, 'x'),
    wIh: ptrOf(p.wIh, 'weight_ih'),
    wHh: ptrOf(p.wHh, 'weight_hh'),
    bIh: optPtr(p.bIh, 'bias_ih'),
    bHh: optPtr(p.bHh, 'bias_hh'),
    h0: optPtr(p.h0, 'h0'),
    c0: lstm ? optPtr(p.c0, 'c0') : null,
    y: ptrOf(p.y, 'y'),
    hN: ptrOf(p.hN, 'hN'),
    cN: lstm ? optPtr(p.cN, 'cN') : null,
  };
  let cache: CudaTensor | null = null;
  if (p.training) {
    cache = store.alloc([k.addon.cacheSize(shape)]);
    cache.cacheMeta = { cell, T, B, I, H, reverse: r.reverse, lengths: r.lengths ? r.lengths.slice() : null };
  }
  try {
    k.call(() => k.addon.cellForward(k.ctx(), { ...args, cache: cache ? cache.ptr : null }));
  } catch (e) {
    if (cache) store.dispose(cache);
    throw e;
  }
  return cache;
}

/** Backpropagation through time over the sequence `cellForward` ran (gradients accumulate). */
export function cellBackward(k: KernelContext, p: CellBackwardParams): void {
  const self = { id: k.id, name: k.name };
  const r = checkCellBackward(self, p);
  const { cell, T, B, I, H } = p;
  const lstm = cell === 'lstm';
  const meta = p.cache instanceof CudaTensor ? p.cache.cacheMeta : null;
  if (meta === null) throw new InvalidArgumentError('cache', 'is not a cache returned by cellForward({ training: true }) on this backend.');
  if (meta.cell !== cell || meta.T !== T || meta.B !== B || meta.I !== I || meta.H !== H || meta.reverse !== r.reverse) {
    throw new ShapeError(
      'cache',
      `a ${cell} cache for T=${T}, B=${B}, I=${I}, H=${H}${r.reverse ? ', reverse' : ''}`,
      `a ${meta.cell} cache for T=${meta.T}, B=${meta.B}, I=${meta.I}, H=${meta.H}${meta.reverse ? ', reverse' : ''}`,
      'Pass the cache from the cellForward call with the same shape and direction.',
    );
  }
  if (!sameLengths(meta.lengths, r.lengths, T)) {
    throw new InvalidArgumentError('lengths', 'differ from the lengths the forward pass (that made this cache) used. Pass the same lengths to cellBackward.');
  }
  const shape: NativeCellShape = { cell: CELL_CODES[cell], T, B, I, H, reverse: r.reverse, yStride: r.yStride, yOffset: r.yOffset, lengths: r.lengths };
  const args = {
    ...shape,
    x: ptrOf(p.x, 'x'),
    wIh: ptrOf(p.wIh, 'weight_ih'),
    wHh: ptrOf(p.wHh, 'weight_hh'),
    cache: ptrOf(p.cache, 'cache'),
    dy: optPtr(p.dy, 'dy'),
    dhN: optPtr(p.dhN, 'dhN'),
    dcN: lstm ? optPtr(p.dcN, 'dcN') : null,
    dx: optPtr(p.dx, 'dx'),
    dWih: ptrOf(p.dWih, 'dWih'),
    dWhh: ptrOf(p.dWhh, 'dWhh'),
    dbIh: optPtr(p.dbIh, 'dbIh'),
    dbHh: optPtr(p.dbHh, 'dbHh'),
    dh0: optPtr(p.dh0, 'dh0'),
    dc0: lstm ? optPtr(p.dc0, 'dc0') : null,
  };
  k.call(() => k.addon.cellBackward(k.ctx(), args));
}
