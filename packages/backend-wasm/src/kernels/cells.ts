/**
 * The recurrent cell kernels: one whole sequence per call (assembly/cells.ts and
 * cells-backward.ts), on the calling thread or split across the worker pool (see the README's
 * Threads section). Kept here: the 2 GiB problem-size limit and the cache-matches-shape check.
 */
import {
  OutOfMemoryError,
  cellCacheMeta,
  checkCellCache,
  resolveCellShape,
  type CellBackwardParams,
  type CellForwardParams,
  type Tensor,
} from '@recur/backend';
import { CELL_CODE } from '../kernel-exports.js';
import type { WasmContext } from '../wasm-context.js';
import type { WasmTensor } from '../wasm-tensor.js';

function checkProblemSize(c: WasmContext, G: number, T: number, B: number, I: number, H: number): void {
  const TB = T * B;
  const bytes = 4 * (TB * (3 * G * H + 4 * H + I) + G * H * (2 * H + 2 * I + 16)) + (1 << 20);
  if (bytes >= 2 ** 31) {
    throw new OutOfMemoryError(c.name, bytes, 'a sequence must fit in 2 GiB of WASM memory (cache and scratch); split it into shorter chunks or use a smaller batch');
  }
}

export function cellForward(c: WasmContext, p: CellForwardParams): Tensor | null {
  const r = resolveCellShape(p); // checked before this kernel (defineBackend)
  const { T, B, I, H } = p;
  const kind = CELL_CODE[p.cell];
  const training = p.training === true;
  let cache: WasmTensor | null = null;
  checkProblemSize(c, r.G, T, B, I, H);
  if (training) {
    cache = c.newTensor([c.k.cacheFloats(kind, T, B, H)]);
    c.caches.set(cache, cellCacheMeta(p, r));
  }
  const lens = c.lengths(r.lengths, B);
  const nt = c.threadsFor(r.G, B, H);
  const scratch = c.scratch(c.k.forwardScratchBytes(kind, T, B, I, H, training ? 1 : 0, nt));
  const lstm = kind === 2;
  const k = c.k;
  const xp = (p.x as WasmTensor).ptr, wIh = (p.wIh as WasmTensor).ptr, wHh = (p.wHh as WasmTensor).ptr;
  const bIh = p.bIh ? (p.bIh as WasmTensor).ptr : 0, bHh = p.bHh ? (p.bHh as WasmTensor).ptr : 0;
  const h0 = p.h0 ? (p.h0 as WasmTensor).ptr : 0, c0 = lstm && p.c0 ? (p.c0 as WasmTensor).ptr : 0;
  const y = (p.y as WasmTensor).ptr, hN = (p.hN as WasmTensor).ptr, cN = lstm && p.cN ? (p.cN as WasmTensor).ptr : 0;
  const cp = cache ? cache.ptr : 0;
  const rev = r.reverse ? 1 : 0;
  if (nt > 1) {
    c.runOnThreads('cellForward', [kind, T, B, I, H, rev, lens, xp, wIh, wHh, bIh, bHh, h0, c0, y, r.yStride, r.yOffset, hN, cN, cp, scratch], nt);
  } else {
    // the calling thread alone (streaming lands here: no array, no spread on the hot path)
    k.cellForward(kind, T, B, I, H, rev, lens, xp, wIh, wHh, bIh, bHh, h0, c0, y, r.yStride, r.yOffset, hN, cN, cp, scratch, 0, 1, c.ctl, 0);
  }
  return cache;
}

export function cellBackward(c: WasmContext, p: CellBackwardParams): void {
  const r = resolveCellShape(p); // checked before this kernel (defineBackend)
  const { T, B, I, H } = p;
  checkCellCache(c.caches.get(p.cache) ?? null, p, r);
  const kind = CELL_CODE[p.cell];
  const lstm = kind === 2;
  checkProblemSize(c, r.G, T, B, I, H);
  const lens = c.lengths(r.lengths, B);
  const nt = c.threadsFor(r.G, B, H);
  const scratch = c.scratch(c.k.backwardScratchBytes(kind, T, B, I, H, nt));
  const args = [
    kind, T, B, I, H, r.reverse ? 1 : 0, lens,
    (p.x as WasmTensor).ptr, (p.wIh as WasmTensor).ptr, (p.wHh as WasmTensor).ptr, (p.cache as WasmTensor).ptr,
    p.dy ? (p.dy as WasmTensor).ptr : 0, r.yStride, r.yOffset,
    p.dhN ? (p.dhN as WasmTensor).ptr : 0, lstm && p.dcN ? (p.dcN as WasmTensor).ptr : 0,
    p.dx ? (p.dx as WasmTensor).ptr : 0, (p.dWih as WasmTensor).ptr, (p.dWhh as WasmTensor).ptr,
    p.dbIh ? (p.dbIh as WasmTensor).ptr : 0, p.dbHh ? (p.dbHh as WasmTensor).ptr : 0,
    p.dh0 ? (p.dh0 as WasmTensor).ptr : 0, lstm && p.dc0 ? (p.dc0 as WasmTensor).ptr : 0, scratch,
  ];
  if (nt > 1) c.runOnThreads('cellBackward', args, nt);
  else (c.k.cellBackward as (...a: number[]) => void)(...args, 0, 1, c.ctl, 0);
}
