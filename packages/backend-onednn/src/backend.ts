/**
 * `createOnednnBackend`: the Backend contract on the CPU through oneDNN (GEMM on `dnnl_sgemm`,
 * recurrent layers on oneDNN's RNN primitives, the rest in the addon's own C++ loops), all threaded
 * by OpenMP with `threads` threads.
 */
import { availableParallelism } from 'node:os';
import {
  BackendUnavailableError,
  InvalidArgumentError,
  SPECIFICATION_VERSION,
  ShapeError,
  checkExact,
  checkGemm,
  checkTensor,
  nonNegativeInt,
  normalizeCapabilities,
  shapeSize,
  type Backend,
  type FloatArray,
  type GemmParams,
  type MemoryInfo,
} from '@recur/backend';
import { cellBackward, cellForward } from './cells.js';
import type { KernelContext } from './context.js';
import * as ew from './elementwise.js';
import { loadAddon, type OnednnVersion } from './native.js';
import { BackendDestroyedError, mapNativeError } from './onednn-errors.js';
import { OnednnTensor, TensorStore, dataOf } from './onednn-tensor.js';
import { ONEDNN_CAPABILITIES } from './capabilities.js';
import { loss, optimizerStep } from './training.js';

/** Options of {@link createOnednnBackend}. */
export interface OnednnBackendOptions {
  /**
   * OpenMP threads for oneDNN and the addon's loops (default: the processors available to this
   * process, `os.availableParallelism()`). Set before every call, so backends with different
   * counts can live in one process.
   */
  readonly threads?: number;
}

/** A oneDNN backend: the Backend contract plus what it runs on. */
export interface OnednnBackend extends Backend {
  /** The oneDNN version, the ISA it dispatches to, and its threading runtime. */
  onednnVersion(): OnednnVersion;
  /** The thread count this backend runs with. */
  readonly threads: number;
  /** The OpenMP team size this backend's calls run with (equals `threads`; for tests). */
  ompThreads(): number;
  /** RNN primitive sets created so far (one per cell, direction and shape; for tests). */
  cachedPrimitives(): number;
}

let instances = 0;

function checkShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape)) throw new InvalidArgumentError(what, 'expected an array of non-negative integer dimensions.');
}

/** The default thread count: the processors this process may run on. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Create a oneDNN backend. Rejects with `BackendUnavailableError` (with the reason) when the addon
 * is not built or cannot load, and with `InvalidArgumentError` for a bad `threads`.
 */
export async function createOnednnBackend(options: OnednnBackendOptions = {}): Promise<OnednnBackend> {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new InvalidArgumentError('threads', `must be an integer in [1, 1024], got ${String(threads)}.`);
  }
  const load = loadAddon();
  if (!load.ok) throw new BackendUnavailableError('onednn', load.reason, []);
  const addon = load.addon;
  const name = 'onednn';
  const id = `onednn#${++instances}`;
  const self = { id, name };
  let ctxHandle;
  try {
    ctxHandle = addon.create(threads);
  } catch (e) {
    throw new BackendUnavailableError(name, `oneDNN could not create a CPU engine: ${mapNativeError(e, name).message}`, []);
  }
  const handle = ctxHandle;
  const store = new TensorStore(id, name);
  let destroyed = false;

  const call = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw mapNativeError(e, name);
    }
  };
  const alive = (): void => {
    if (destroyed) throw new BackendDestroyedError(id, 'createOnednnBackend');
  };
  const k: KernelContext = {
    name,
    id,
    addon,
    ctx() {
      alive();
      return handle;
    },
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
    call,
  };

  const backend: OnednnBackend = {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    id,
    threads,
    capabilities: normalizeCapabilities(ONEDNN_CAPABILITIES),
    onednnVersion: () => addon.version(),
    ompThreads: () => call(() => addon.ompThreads(k.ctx())),
    cachedPrimitives: () => call(() => addon.planCount(k.ctx())),

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
      if (data === null || data === undefined || typeof data.length !== 'number') throw new InvalidArgumentError('upload.data', 'expected an array of numbers.');
      if (data.length !== size) throw new ShapeError('upload.data', `${size} elements for shape [${shape.join(', ')}]`, `${data.length} elements`);
      const t = store.alloc(shape);
      t.data.set(data);
      return t;
    },
    write(t, data, offset = 0) {
      const dst = k.live(t, 'write.tensor');
      if (data === null || data === undefined || typeof data.length !== 'number') throw new InvalidArgumentError('write.data', 'expected an array of numbers.');
      nonNegativeInt('write.offset', offset);
      if (offset + data.length > dst.length) {
        throw new ShapeError('write.data', `at most ${dst.length - offset} elements at offset ${offset}`, `${data.length} elements`);
      }
      dst.set(data, offset);
    },
    read(t): Promise<FloatArray> {
      try {
        return Promise.resolve(k.live(t, 'read.tensor').slice());
      } catch (e) {
        return Promise.reject(e);
      }
    },
    dispose(t) {
      if (t === null || t === undefined || t.disposed || destroyed) return;
      checkTensor(self, t, 'dispose.tensor');
      if (!(t instanceof OnednnTensor)) throw new InvalidArgumentError('dispose.tensor', 'expected a tensor handle created by this oneDNN backend.');
      store.dispose(t);
    },
    memory(): MemoryInfo {
      return { liveTensors: store.liveTensors, liveBytes: store.liveBytes };
    },
    sync() {
      // Every kernel has finished when its call returns (oneDNN's CPU stream runs in order, and the
      // addon waits on it).
      return destroyed ? Promise.reject(new BackendDestroyedError(id, 'createOnednnBackend')) : Promise.resolve();
    },
    destroy() {
      if (destroyed) return;
      store.disposeAll();
      addon.destroy(handle);
      destroyed = true;
    },

    // ---- linear algebra and data movement ----------------------------------------------------
    gemm(p: GemmParams) {
      alive();
      const { alpha, beta } = checkGemm(self, p);
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        throw new InvalidArgumentError('gemm.alpha/beta', `must be finite numbers, got alpha=${String(alpha)}, beta=${String(beta)}.`);
      }
      const c = dataOf(p.c, 'gemm.c');
      // GEMM reads A and B while writing C: when C shares a buffer with either, read from a copy.
      const a = dataOf(p.a, 'gemm.a');
      const b = dataOf(p.b, 'gemm.b');
      const args = {
        transA: p.transA === true,
        transB: p.transB === true,
        m: p.m,
        n: p.n,
        k: p.k,
        alpha,
        beta,
        a: a === c ? a.slice() : a,
        b: b === c ? b.slice() : b,
        c,
        bias: p.bias ? dataOf(p.bias, 'gemm.bias') : null,
      };
      call(() => addon.gemm(handle, args));
    },
    copy: (p) => ew.copy(k, p),
    fill: (t, value) => ew.fill(k, t, value),
    axpy: (y, x, alpha) => ew.axpy(k, y, x, alpha),
    scale: (x, alpha) => ew.scale(k, x, alpha),
    mul: (out, a, b) => ew.mul(k, out, a, b),
    clipByValue: (x, limit) => ew.clipByValue(k, x, limit),
    sumSquares: (x, out) => ew.sumSquares(k, x, out),
    sumRows: (x, rows, cols, out, accumulate) => ew.sumRows(k, x, rows, cols, out, accumulate),

    // ---- pointwise ---------------------------------------------------------------------------
    activation: (p) => ew.activation(k, p),
    activationBackward: (p) => ew.activationBackward(k, p),
    softmax: (p) => ew.softmax(k, p),

    // ---- recurrent cells -----------------------------------------------------------------------
    cellForward(p) {
      alive();
      return cellForward(k, store, p);
    },
    cellBackward(p) {
      alive();
      cellBackward(k, p);
    },

    // ---- training --------------------------------------------------------------------------------
    loss: (p) => loss(k, p),
    optimizerStep: (p) => optimizerStep(k, p),
    gather: (p) => ew.gather(k, p),
    scatterAdd: (p) => ew.scatterAdd(k, p),
  };
  return backend;
}
