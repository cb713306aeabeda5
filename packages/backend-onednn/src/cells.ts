/**
 * The recurrent cell kernels: the shared checks of @recur/backend (every shape error is thrown here,
 * before any native call), cache bookkeeping, then one native call that runs one direction of one
 * layer over the whole sequence on oneDNN's RNN primitive (native/rnn.cc; the README says which
 * cases take a path of their own).
 */
import {
  InvalidArgumentError,
  ShapeError,
  checkCellBackward,
  checkCellForward,
  type CellBackwardParams,
  type CellForwardParams,
  type CellKind,
  type ResolvedCellShape,
  type Tensor,
} from '@recur/backend';
import type { KernelContext } from './context.js';
import type { NativeCellShape } from './native.js';
import { OnednnTensor, dataOf, optData, type TensorStore } from './onednn-tensor.js';

const CELL_CODES: Readonly<Record<CellKind, number>> = { 'rnn-tanh': 0, 'rnn-relu': 1, lstm: 2, gru: 3 };

function nativeShape(p: CellForwardParams | CellBackwardParams, r: ResolvedCellShape): NativeCellShape {
  return { cell: CELL_CODES[p.cell], T: p.T, B: p.B, I: p.I, H: p.H, reverse: r.reverse, yStride: r.yStride, yOffset: r.yOffset, lengths: r.lengths };
}

// A streaming step is a few µs of native work, so the forward call passes its arguments
// positionally, and the backward call's object literal writes every field in one order (no spreads),
// so V8 gives it one stable hidden class.

/** Same padding pattern (null means every sequence has length T). */
function sameLengths(a: Int32Array | null, b: Int32Array | null, T: number): boolean {
  const n = a?.length ?? b?.length ?? 0;
  for (let i = 0; i < n; i++) if ((a ? (a[i] as number) : T) !== (b ? (b[i] as number) : T)) return false;
  return true;
}

/** Run one direction of one layer over the sequence; returns the backward cache when training. */
export function cellForward(k: KernelContext, store: TensorStore, p: CellForwardParams): Tensor | null {
  const r = checkCellForward({ id: k.id, name: k.name }, p);
  const lstm = p.cell === 'lstm';
  const shape = nativeShape(p, r);
  let cache: OnednnTensor | null = null;
  if (p.training) {
    // The cache: per group of equal lengths, dst_layer, dst_iter(, dst_iter_c) and oneDNN's workspace.
    const size = k.call(() => k.addon.cacheSize(k.ctx(), shape));
    cache = store.alloc([size], { elements: size });
    cache.cacheMeta = { cell: p.cell, T: p.T, B: p.B, I: p.I, H: p.H, reverse: r.reverse, lengths: r.lengths ? r.lengths.slice() : null };
  }
  const dims = Int32Array.of(shape.cell, shape.T, shape.B, shape.I, shape.H, shape.reverse ? 1 : 0, shape.yStride, shape.yOffset);
  const x = dataOf(p.x, 'x');
  const wIh = dataOf(p.wIh, 'weight_ih');
  const wHh = dataOf(p.wHh, 'weight_hh');
  const bIh = optData(p.bIh, 'bias_ih');
  const bHh = optData(p.bHh, 'bias_hh');
  const h0 = optData(p.h0, 'h0');
  const c0 = lstm ? optData(p.c0, 'c0') : null;
  const y = dataOf(p.y, 'y');
  const hN = dataOf(p.hN, 'hN');
  const cN = lstm ? optData(p.cN, 'cN') : null;
  const cacheData = cache ? cache.data : null;
  try {
    k.call(() => k.addon.cellForward(k.ctx(), dims, shape.lengths, x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN, cacheData));
  } catch (e) {
    if (cache) store.dispose(cache);
    throw e;
  }
  return cache;
}

/** Backpropagation through time over the sequence `cellForward` ran (gradients accumulate). */
export function cellBackward(k: KernelContext, p: CellBackwardParams): void {
  const r = checkCellBackward({ id: k.id, name: k.name }, p);
  const { cell, T, B, I, H } = p;
  const lstm = cell === 'lstm';
  const meta = p.cache instanceof OnednnTensor ? p.cache.cacheMeta : null;
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
  const shape = nativeShape(p, r);
  const args = {
    cell: shape.cell,
    T: shape.T,
    B: shape.B,
    I: shape.I,
    H: shape.H,
    reverse: shape.reverse,
    yStride: shape.yStride,
    yOffset: shape.yOffset,
    lengths: shape.lengths,
    x: dataOf(p.x, 'x'),
    wIh: dataOf(p.wIh, 'weight_ih'),
    wHh: dataOf(p.wHh, 'weight_hh'),
    bIh: optData(p.bIh, 'bias_ih'),
    bHh: optData(p.bHh, 'bias_hh'),
    h0: optData(p.h0, 'h0'),
    c0: lstm ? optData(p.c0, 'c0') : null,
    cache: dataOf(p.cache, 'cache'),
    dy: optData(p.dy, 'dy'),
    dhN: optData(p.dhN, 'dhN'),
    dcN: lstm ? optData(p.dcN, 'dcN') : null,
    dx: optData(p.dx, 'dx'),
    dWih: dataOf(p.dWih, 'dWih'),
    dWhh: dataOf(p.dWhh, 'dWhh'),
    dbIh: optData(p.dbIh, 'dbIh'),
    dbHh: optData(p.dbHh, 'dbHh'),
    dh0: optData(p.dh0, 'dh0'),
    dc0: lstm ? optData(p.dc0, 'dc0') : null,
  };
  k.call(() => k.addon.cellBackward(k.ctx(), args));
}
