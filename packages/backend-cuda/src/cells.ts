/**
 * The recurrent cell kernels: validation with the shared checks, cache bookkeeping, then one native
 * call that runs the whole sequence on the device (cuBLAS input projection for all T·B rows, then a
 * loop of recurrent GEMM + fused step kernel per timestep; see native/sequence.cc).
 */
import { cellCacheMeta, checkCellCache, resolveCellShape, type CellBackwardParams, type CellForwardParams, type Tensor } from '@recur/backend';
import { nativeCellShape } from '@recur/native';
import type { KernelContext } from './context.js';
import { CudaTensor, optPtr, ptrOf, type TensorStore } from './cuda-tensor.js';


/** Run one direction of one layer over the sequence; returns the backward cache when training. */
export function cellForward(k: KernelContext, store: TensorStore, p: CellForwardParams): Tensor | null {
  const r = resolveCellShape(p); // the shared checks ran before this kernel (defineBackend)
  const lstm = p.cell === 'lstm';
  const shape = nativeCellShape(p, r);
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
    cache.cacheMeta = cellCacheMeta(p, r);
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
  const r = resolveCellShape(p); // the shared checks ran before this kernel (defineBackend)
  const lstm = p.cell === 'lstm';
  checkCellCache(p.cache instanceof CudaTensor ? p.cache.cacheMeta : null, p, r);
  const shape = nativeCellShape(p, r);
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
