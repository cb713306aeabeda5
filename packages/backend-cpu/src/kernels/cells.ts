/**
 * The recurrent-cell kernels: `cellForward` runs one direction of one layer over the whole
 * sequence (x [T, B, I] → y [T, B, yStride], hN [B, H], LSTM cN [B, H]) and returns the cache
 * that `cellBackward` (backpropagation through time) reads. The per-step equations live in
 * rnn-cell.ts, lstm-cell.ts and gru-cell.ts; the loop over time in sequence.ts. Arguments are
 * checked by `checked` (defineBackend); only the cache's origin is checked here, since only
 * this backend knows what its caches are.
 */
import {
  cellCacheMeta,
  checkCellBackward,
  checkCellCache,
  checkCellForward,
  type CellBackwardParams,
  type CellForwardParams,
  type Tensor,
} from '@recur/backend';
import type { KernelContext } from '../context.js';
import { cacheLayout, sequenceBackward, sequenceForward } from '../sequence.js';
import { CpuTensor, dataOf } from '../tensor-store.js';

/** Forward over the sequence; returns the backward cache when `training`. */
export function cellForward(ctx: KernelContext, p: CellForwardParams): Tensor | null {
  const r = checkCellForward(ctx, p); // resolves defaults (strides, lengths)
  const { cell, T, B, I, H } = p;
  const lstm = cell === 'lstm';
  let cache: CpuTensor | null = null;
  if (p.training) {
    const layout = cacheLayout(cell, T, B, H, r.G);
    cache = ctx.store.alloc([layout.size]);
    cache.cacheMeta = cellCacheMeta(p, r);
  }
  sequenceForward(
    { cell, T, B, I, H, G: r.G, reverse: r.reverse, lengths: r.lengths, yStride: r.yStride, yOffset: r.yOffset },
    {
      x: dataOf(p.x, 'x'),
      wIh: dataOf(p.wIh, 'weight_ih'),
      wHh: dataOf(p.wHh, 'weight_hh'),
      bIh: p.bIh ? dataOf(p.bIh, 'bias_ih') : null,
      bHh: p.bHh ? dataOf(p.bHh, 'bias_hh') : null,
      h0: p.h0 ? dataOf(p.h0, 'h0') : null,
      c0: lstm && p.c0 ? dataOf(p.c0, 'c0') : null,
      y: dataOf(p.y, 'y'),
      hN: dataOf(p.hN, 'hN'),
      cN: lstm && p.cN ? dataOf(p.cN, 'cN') : null,
      cache: cache ? cache.data : null,
    },
    ctx.ws,
  );
  return cache;
}

/** Backpropagation through time over the sequence `cellForward` ran. */
export function cellBackward(ctx: KernelContext, p: CellBackwardParams): void {
  const r = checkCellBackward(ctx, p); // resolves defaults (strides, lengths)
  const { cell, T, B, I, H } = p;
  const lstm = cell === 'lstm';
  const cache = p.cache;
  const meta = cache instanceof CpuTensor ? cache.cacheMeta : null;
  checkCellCache(meta, p, r);
  const opt = (t: Tensor | null | undefined, what: string): ReturnType<typeof dataOf> | null => (lstm && t ? dataOf(t, what) : null);
  sequenceBackward(
    { cell, T, B, I, H, G: r.G, reverse: r.reverse, lengths: r.lengths, yStride: r.yStride, yOffset: r.yOffset },
    {
      x: dataOf(p.x, 'x'),
      wIh: dataOf(p.wIh, 'weight_ih'),
      wHh: dataOf(p.wHh, 'weight_hh'),
      cache: dataOf(cache, 'cache'),
      dy: p.dy ? dataOf(p.dy, 'dy') : null,
      dhN: p.dhN ? dataOf(p.dhN, 'dhN') : null,
      dcN: opt(p.dcN, 'dcN'),
      dx: p.dx ? dataOf(p.dx, 'dx') : null,
      dWih: dataOf(p.dWih, 'dWih'),
      dWhh: dataOf(p.dWhh, 'dWhh'),
      dbIh: p.dbIh ? dataOf(p.dbIh, 'dbIh') : null,
      dbHh: p.dbHh ? dataOf(p.dbHh, 'dbHh') : null,
      dh0: p.dh0 ? dataOf(p.dh0, 'dh0') : null,
      dc0: opt(p.dc0, 'dc0'),
    },
    ctx.ws,
  );
}

