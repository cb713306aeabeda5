/**
 * `createCpuBackend`: the reference implementation of the Backend contract, in plain TypeScript.
 */
import {
  BackendDestroyedError,
  InvalidArgumentError,
  SPECIFICATION_VERSION,
  ShapeError,
  checkCellBackward,
  checkCellForward,
  checkExact,
  checkGemm,
  checkTensor,
  nonNegativeInt,
  normalizeCapabilities,
  shapeSize,
  type Backend,
  type CellBackwardParams,
  type CellForwardParams,
  type FloatArray,
  type GemmParams,
  type MemoryInfo,
  type Tensor,
} from '@recur/backend';
import type { KernelContext } from './context.js';
import * as ew from './elementwise.js';
import { gemmRaw } from './gemm.js';
import { loss } from './loss.js';
import { optimizerStep } from './optimizers.js';
import { cacheLayout, sequenceBackward, sequenceForward } from './sequence.js';
import { CpuTensor, TensorStore, dataOf, type CpuArray } from './tensor-store.js';
import { Workspace } from './workspace.js';
import { CPU_CAPABILITIES } from './package-info.js';

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /**
   * Storage and arithmetic precision. `float32` (default) stores in Float32Array;
   * `float64` stores and computes in Float64Array and is the conformance suite's oracle.
   */
  readonly precision?: 'float32' | 'float64';
}

let instances = 0;

/**
 * Create a CPU backend instance. Synchronous; nothing is registered (see `registerCpuBackend`).
 *
 * @example
 * const be = createCpuBackend({ precision: 'float64' });
 * const a = be.upload([1, 2, 3, 4], [2, 2]);
 */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend {
  const precision = options.precision ?? 'float32';
  if (precision !== 'float32' && precision !== 'float64') {
    throw new InvalidArgumentError('precision', `must be "float32" or "float64", got ${String(precision)}.`);
  }
  const ctor = precision === 'float64' ? Float64Array : Float32Array;
  const id = `cpu#${++instances}`;
  const name = 'cpu';
  const store = new TensorStore(id, ctor);
  const ws = new Workspace(ctor);
  let destroyed = false;
  const self = { id, name };

  function alive(): void {
    if (destroyed) throw new BackendDestroyedError(id, 'createCpuBackend');
  }

  const ctx: KernelContext = {
    name,
    id,
    ctor,
    ws,
    live(t, what, minSize) {
      alive();
      checkTensor(self, t, what, minSize);
      return dataOf(t, what);
    },
    exact(t, what, size, shape) {
      alive();
      checkExact(self, t, what, size, shape);
      return dataOf(t, what);
    },
  };
  const opt = (t: Tensor | null | undefined, what: string, size: number, shape?: readonly number[]): CpuArray | null =>
    t ? ctx.exact(t, what, size, shape) : null;

  const backend: Backend = {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    id,
    capabilities: normalizeCapabilities({ ...CPU_CAPABILITIES, precision, float64: precision === 'float64' }),

    // ---- memory ---------------------------------------------------------------------------
    alloc(shape) {
      alive();
      checkShape(shape, 'alloc.shape');
      return store.alloc(shape);
    },
    upload(data, shape) {
      alive();
      checkShape(shape, 'upload.shape');
      const size = shapeSize(shape, 'upload.shape');
      if (data === null || data === undefined || typeof data.length !== 'number') {
        throw new InvalidArgumentError('upload.data', 'expected an array of numbers.');
      }
      if (data.length !== size) throw new ShapeError('upload.data', `${size} elements for shape [${shape.join(', ')}]`, `${data.length} elements`);
      const arr = new ctor(size);
      for (let i = 0; i < size; i++) arr[i] = data[i] as number;
      return store.adopt(arr, shape);
    },
    write(t, data, offset = 0) {
      const dst = ctx.live(t, 'write.tensor');
      if (data === null || data === undefined || typeof data.length !== 'number') {
        throw new InvalidArgumentError('write.data', 'expected an array of numbers.');
      }
      nonNegativeInt('write.offset', offset);
      if (offset + data.length > dst.length) {
        throw new ShapeError('write.data', `at most ${dst.length - offset} elements at offset ${offset}`, `${data.length} elements`);
      }
      for (let i = 0; i < data.length; i++) dst[offset + i] = data[i] as number;
    },
    read(t): Promise<FloatArray> {
      try {
        return Promise.resolve(ctx.live(t, 'read.tensor').slice());
      } catch (e) {
        return Promise.reject(e);
      }
    },
    dispose(t) {
      if (t === null || t === undefined || t.disposed) return;
      if (destroyed) return;
      checkTensor(self, t, 'dispose.tensor');
      if (!(t instanceof CpuTensor)) throw new InvalidArgumentError('dispose.tensor', 'expected a tensor handle created by this CPU backend.');
      store.dispose(t);
    },
    memory(): MemoryInfo {
      return { liveTensors: store.liveTensors, liveBytes: store.liveBytes };
    },
    sync() {
      return destroyed ? Promise.reject(new BackendDestroyedError(id, 'createCpuBackend')) : Promise.resolve();
    },
    destroy() {
      if (destroyed) return;
      store.disposeAll();
      ws.clear();
      destroyed = true;
    },

    // ---- linear algebra and data movement ---------------------------------------------------
    gemm(p: GemmParams) {
      alive();
      const { alpha, beta } = checkGemm(self, p);
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        throw new InvalidArgumentError('gemm.alpha/beta', `must be finite numbers, got alpha=${String(alpha)}, beta=${String(beta)}.`);
      }
      const a = dataOf(p.a, 'gemm.a');
      const b = dataOf(p.b, 'gemm.b');
      const c = dataOf(p.c, 'gemm.c');
      const bias = p.bias ? dataOf(p.bias, 'gemm.bias') : null;
      const { m, n, k } = p;
      const transA = p.transA === true;
      const transB = p.transB === true;
      // GEMM reads A and B while writing C: if C shares a buffer with either, compute from a copy.
      const aSrc = a === c ? a.slice() : a;
      const bSrc = b === c ? b.slice() : b;
      gemmRaw(
        m,
        n,
        k,
        alpha,
        { data: aSrc, offset: 0, ld: transA ? m : k, trans: transA },
        { data: bSrc, offset: 0, ld: transB ? k : n, trans: transB },
        beta,
        { data: c, offset: 0, ld: n },
        bias,
        0,
        ws.gemm,
      );
    },
    copy: (p) => ew.copy(ctx, p),
    fill: (t, value) => ew.fill(ctx, t, value),
    axpy: (y, x, alpha) => ew.axpy(ctx, y, x, alpha),
    scale: (x, alpha) => ew.scale(ctx, x, alpha),
    mul: (out, a, b) => ew.mul(ctx, out, a, b),
    clipByValue: (x, limit) => ew.clipByValue(ctx, x, limit),
    sumSquares: (x, out) => ew.sumSquares(ctx, x, out),
    sumRows: (x, rows, cols, out, accumulate) => ew.sumRows(ctx, x, rows, cols, out, accumulate),

    // ---- pointwise -----------------------------------------------------------------------------
    activation: (p) => ew.activation(ctx, p),
    activationBackward: (p) => ew.activationBackward(ctx, p),
    softmax: (p) => ew.softmax(ctx, p),

    // ---- recurrent cells --------------------------------------------------------------------------
    cellForward(p: CellForwardParams): Tensor | null {
      alive();
      const r = checkCellForward(self, p);
      const { cell, T, B, I, H } = p;
      const lstm = cell === 'lstm';
      let cache: CpuTensor | null = null;
      if (p.training) {
        const layout = cacheLayout(cell, T, B, H, r.G);
        cache = store.alloc([layout.size]);
        cache.cacheMeta = { cell, T, B, I, H, reverse: r.reverse, lengths: r.lengths ? r.lengths.slice() : null };
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
        ws,
      );
      return cache;
    },
    cellBackward(p: CellBackwardParams): void {
      alive();
      const r = checkCellBackward(self, p);
      const { cell, T, B, I, H } = p;
      const lstm = cell === 'lstm';
      const cache = p.cache;
      const meta = cache instanceof CpuTensor ? cache.cacheMeta : null;
      if (meta === null) {
        throw new InvalidArgumentError('cache', 'is not a cache returned by cellForward({ training: true }) on this backend.');
      }
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
      sequenceBackward(
        { cell, T, B, I, H, G: r.G, reverse: r.reverse, lengths: r.lengths, yStride: r.yStride, yOffset: r.yOffset },
        {
          x: dataOf(p.x, 'x'),
          wIh: dataOf(p.wIh, 'weight_ih'),
          wHh: dataOf(p.wHh, 'weight_hh'),
          cache: dataOf(cache, 'cache'),
          dy: p.dy ? dataOf(p.dy, 'dy') : null,
          dhN: p.dhN ? dataOf(p.dhN, 'dhN') : null,
          dcN: lstm ? opt(p.dcN, 'dcN', B * H, [B, H]) : null,
          dx: p.dx ? dataOf(p.dx, 'dx') : null,
          dWih: dataOf(p.dWih, 'dWih'),
          dWhh: dataOf(p.dWhh, 'dWhh'),
          dbIh: p.dbIh ? dataOf(p.dbIh, 'dbIh') : null,
          dbHh: p.dbHh ? dataOf(p.dbHh, 'dbHh') : null,
          dh0: p.dh0 ? dataOf(p.dh0, 'dh0') : null,
          dc0: lstm ? opt(p.dc0, 'dc0', B * H, [B, H]) : null,
        },
        ws,
      );
    },

    // ---- training ----------------------------------------------------------------------------------
    loss: (p) => loss(ctx, p),
    optimizerStep: (p) => optimizerStep(ctx, p),
    gather: (p) => ew.gather(ctx, p),
    scatterAdd: (p) => ew.scatterAdd(ctx, p),
  };
  return backend;
}

/** Same padding pattern (null means every sequence has length T). */
function sameLengths(a: Int32Array | null, b: Int32Array | null, T: number): boolean {
  const n = a?.length ?? b?.length ?? 0;
  for (let i = 0; i < n; i++) if ((a ? (a[i] as number) : T) !== (b ? (b[i] as number) : T)) return false;
  return true;
}

function checkShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape)) throw new InvalidArgumentError(what, 'expected an array of non-negative integer dimensions.');
}
