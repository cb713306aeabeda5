/**
 * The recurrent cell kernels: behind the shared checks of @recur/backend (defineBackend runs them,
 * so every shape error is thrown before any native call), cache bookkeeping, then one native call that runs one direction of one
 * layer over the whole sequence on oneDNN's RNN primitive (native/rnn.cc; the README says which
 * cases take a path of their own).
 */
import {
  GATE_COUNT,
  cellCacheMeta,
  checkCellCache,
  resolveCellShape,
  type CellBackwardParams,
  type CellForwardParams,
  type Tensor,
} from '@recur/backend';
import type { KernelContext } from './context.js';
import { NATIVE_CELL_CODES, nativeCellShape } from '@recur/native';
import { OnednnTensor, dataOf, optData, readOnlyDataOf, type PackedWeights, type TensorStore } from './onednn-tensor.js';


/** Inference over at most this many steps takes the addon's own loop (native/short-forward.h). */
const SHORT_FORWARD_MAX_T = 4;
/** Batches up to this size use packed weights there (native/short-forward.cc, DOT_MAX_B). */
const PACKED_MAX_B = 4;

/**
 * The packed copy (native/packed-matvec.h: N rounded up to 16, times K floats, + 16 to align it) of weight tensor `w`
 * [N, K] for the streaming path, allocated on first use and kept on the tensor until it is disposed.
 * The addon must (re)pack it when its `version` differs from the tensor's: the tensor changed since
 * (any access other than a forward pass's read of the weights counts as a change).
 */
function packOf(w: OnednnTensor, N: number, K: number): PackedWeights {
  w.packs ??= [];
  for (const q of w.packs) if (q.N === N && q.K === K) return q;
  const pack = { N, K, data: new Float32Array(Math.ceil(N / 16) * 16 * K + 16), version: -1 };
  w.packs.push(pack);
  return pack;
}

// A streaming step is a few µs of native work, so the forward call passes its arguments
// positionally, and the backward call's object literal writes every field in one order (no spreads),
// so V8 gives it one stable hidden class.

/** The dims argument of the native cellForward, reused (calls are synchronous; no allocation per step). */
const DIMS = new Int32Array(9);

/** Run one direction of one layer over the sequence; returns the backward cache when training. */
export function cellForward(k: KernelContext, store: TensorStore, p: CellForwardParams): Tensor | null {
  // the shared checks ran before this kernel (defineBackend): only the defaults are resolved here
  const r = resolveCellShape(p);
  const lstm = p.cell === 'lstm';
  let cache: OnednnTensor | null = null;
  if (p.training) {
    // The cache: per group of equal lengths, dst_layer, dst_iter(, dst_iter_c) and oneDNN's workspace.
    const shape = nativeCellShape(p, r);
    const size = k.call(() => k.addon.cacheSize(k.ctx(), shape));
    cache = store.alloc([size], { elements: size });
    cache.cacheMeta = cellCacheMeta(p, r);
  }
  // The forward pass only reads the weights: their versions stay (packed copies remain valid).
  const wIh = readOnlyDataOf(p.wIh, 'weight_ih');
  const wHh = readOnlyDataOf(p.wHh, 'weight_hh');
  const bIh = p.bIh ? readOnlyDataOf(p.bIh, 'bias_ih') : null;
  const bHh = p.bHh ? readOnlyDataOf(p.bHh, 'bias_hh') : null;
  // Streaming (short inference, small batch): weights packed once per version, see packOf.
  let packIh: PackedWeights | null = null;
  let packHh: PackedWeights | null = null;
  let repack = 0;
  const versionIh = (p.wIh as OnednnTensor).version;
  const versionHh = (p.wHh as OnednnTensor).version;
  if (!p.training && p.T <= SHORT_FORWARD_MAX_T && p.B <= PACKED_MAX_B && p.wIh !== p.wHh) {
    const GH = GATE_COUNT[p.cell] * p.H;
    packIh = packOf(p.wIh as OnednnTensor, GH, p.I);
    packHh = packOf(p.wHh as OnednnTensor, GH, p.H);
    repack = (packIh.version !== versionIh ? 1 : 0) | (packHh.version !== versionHh ? 2 : 0);
  }
  const dims = DIMS;
  dims[0] = NATIVE_CELL_CODES[p.cell];
  dims[1] = p.T;
  dims[2] = p.B;
  dims[3] = p.I;
  dims[4] = p.H;
  dims[5] = r.reverse ? 1 : 0;
  dims[6] = r.yStride;
  dims[7] = r.yOffset;
  dims[8] = repack;
  const lengths = r.lengths;
  // Every other buffer may be written (an output aliasing a weight moves its version past the pack's).
  const x = dataOf(p.x, 'x');
  const h0 = optData(p.h0, 'h0');
  const c0 = lstm ? optData(p.c0, 'c0') : null;
  const y = dataOf(p.y, 'y');
  const hN = dataOf(p.hN, 'hN');
  const cN = lstm ? optData(p.cN, 'cN') : null;
  const cacheData = cache ? cache.data : null;
  try {
    if (packIh && packHh) {
      const pi = packIh.data;
      const ph = packHh.data;
      // a stream calls again and again with the same buffers: bound in the addon (step-bindings.ts)
      const slot = lengths === null ? k.bindings.find(x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN, pi, ph) : -1;
      if (slot >= 0) {
        // (no closure for k.call here: this is every step of a stream)
        try {
          k.addon.cellForwardBound(k.ctx(), dims, slot);
        } catch (e) {
          throw k.nativeError(e);
        }
      } else {
        const into = lengths === null ? k.bindings.spare() : -1;
        k.call(() => k.addon.cellForward(k.ctx(), dims, lengths, x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN, null, pi, ph, into));
        if (into >= 0) k.bindings.record(into, [x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN, pi, ph]);
      }
      packIh.version = versionIh;
      packHh.version = versionHh;
    } else {
      k.call(() => k.addon.cellForward(k.ctx(), dims, lengths, x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN, cacheData));
    }
  } catch (e) {
    if (cache) store.dispose(cache);
    throw e;
  }
  return cache;
}

/** Backpropagation through time over the sequence `cellForward` ran (gradients accumulate). */
export function cellBackward(k: KernelContext, p: CellBackwardParams): void {
  const r = resolveCellShape(p); // checked before this kernel (defineBackend)
  const lstm = p.cell === 'lstm';
  checkCellCache(p.cache instanceof OnednnTensor ? p.cache.cacheMeta : null, p, r);
  const shape = nativeCellShape(p, r);
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
