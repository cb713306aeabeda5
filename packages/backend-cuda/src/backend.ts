/**
 * `createCudaBackend`: the Backend contract on an NVIDIA GPU through the native addon.
 */
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
  type Tensor,
} from '@recur/backend';
import { cellBackward, cellForward } from './cells.js';
import type { KernelContext } from './context.js';
import { BackendDestroyedError, driverReason, mapNativeError } from './cuda-errors.js';
import { TensorStore, optPtr, ptrOf, type CudaTensor } from './cuda-tensor.js';
import * as ew from './elementwise.js';
import { loadAddon, type NativeAddon, type NativeContext, type NativeInfo } from './native.js';
import { loss, optimizerStep } from './training.js';
import { CUDA_CAPABILITIES } from './capabilities.js';

/** Options of {@link createCudaBackend}. */
export interface CudaBackendOptions {
  /** CUDA device ordinal (default 0). */
  readonly device?: number;
}

/** A CUDA backend: the Backend contract plus the device it runs on. */
export interface CudaBackend extends Backend {
  /** Device name, compute capability, memory and pool statistics. */
  deviceInfo(): NativeInfo;
}

let instances = 0;

function toFloat32(data: ArrayLike<number>): Float32Array {
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] as number;
  return out;
}

function checkShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape)) throw new InvalidArgumentError(what, 'expected an array of non-negative integer dimensions.');
}

/** Open a CUDA context, mapping "CUDA cannot run here" to BackendUnavailableError. */
function openContext(addon: NativeAddon, device: number): NativeContext {
  try {
    return addon.create(device);
  } catch (e) {
    const mapped = mapNativeError(e, 'cuda', { atInit: true });
    if (mapped instanceof BackendUnavailableError) {
      const probe = addon.probe();
      const reason = probe.ok ? mapped.reason : driverReason(probe.code, probe.name, probe.message, probe.driverVersion, probe.runtimeVersion);
      throw new BackendUnavailableError('cuda', reason, []);
    }
    if (mapped instanceof InvalidArgumentError) throw new BackendUnavailableError('cuda', mapped.message, []);
    throw mapped;
  }
}

/**
 * Create a CUDA backend on `options.device` (default 0). Rejects with `BackendUnavailableError`
 * (with the reason) when the addon is not built, or there is no driver, no device, or a driver too
 * old for the addon's CUDA runtime. Kernels are queued on one stream; `read` and `sync` resolve
 * when the queued work is done, without blocking the event loop.
 */
export async function createCudaBackend(options: CudaBackendOptions = {}): Promise<CudaBackend> {
  const device = options.device ?? 0;
  if (!Number.isInteger(device) || device < 0) throw new InvalidArgumentError('device', `must be a non-negative integer, got ${String(device)}.`);
  const load = loadAddon();
  if (!load.ok) throw new BackendUnavailableError('cuda', load.reason, []);
  const addon = load.addon;
  const ctxHandle = openContext(addon, device);
  const id = `cuda#${++instances}`;
  const name = 'cuda';
  const self = { id, name };
  let destroyed = false;

  const call = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw mapNativeError(e, name);
    }
  };
  const store = new TensorStore(
    id,
    (bytes) => call(() => addon.alloc(ctxHandle, bytes)),
    (ptr) => call(() => addon.free(ctxHandle, ptr)),
  );
  const alive = (): void => {
    if (destroyed) throw new BackendDestroyedError(id, 'createCudaBackend');
  };
  const k: KernelContext = {
    name,
    id,
    addon,
    ctx() {
      alive();
      return ctxHandle;
    },
    live(t, what, minSize) {
      alive();
      checkTensor(self, t, what, minSize);
      return ptrOf(t, what);
    },
    exact(t, what, size, shape) {
      alive();
      checkExact(self, t, what, size, shape);
      return ptrOf(t, what);
    },
    call,
  };

  // A first kernel and read: catches a GPU the addon has no kernels for (cudaErrorNoKernelImageForDevice).
  try {
    const probe = store.alloc([1]);
    ew.fill(k, probe, 1);
    await addon.read(ctxHandle, probe.ptr, 0, 1);
    store.dispose(probe);
  } catch (e) {
    store.forgetAll();
    addon.destroy(ctxHandle);
    const mapped = mapNativeError(e, name, { atInit: true });
    throw mapped instanceof BackendUnavailableError ? mapped : new BackendUnavailableError(name, `a test kernel failed on device ${device}: ${mapped.message}`, []);
  }

  const backend: CudaBackend = {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    id,
    capabilities: normalizeCapabilities(CUDA_CAPABILITIES),
    deviceInfo: () => call(() => addon.info(k.ctx())),

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
      const host = toFloat32(data);
      const t = store.alloc(shape);
      try {
        if (size > 0) call(() => addon.upload(ctxHandle, t.ptr, 0, host));
      } catch (e) {
        store.dispose(t);
        throw e;
      }
      return t;
    },
    write(t, data, offset = 0) {
      const ptr = k.live(t, 'write.tensor');
      if (data === null || data === undefined || typeof data.length !== 'number') throw new InvalidArgumentError('write.data', 'expected an array of numbers.');
      nonNegativeInt('write.offset', offset);
      if (offset + data.length > t.size) {
        throw new ShapeError('write.data', `at most ${t.size - offset} elements at offset ${offset}`, `${data.length} elements`);
      }
      if (data.length > 0) call(() => addon.upload(ctxHandle, ptr, offset, toFloat32(data)));
    },
    read(t): Promise<FloatArray> {
      try {
        const ptr = k.live(t, 'read.tensor');
        if (t.size === 0) return Promise.resolve(new Float32Array(0));
        return call(() => addon.read(ctxHandle, ptr, 0, t.size)).catch((e: unknown) => {
          throw mapNativeError(e, name);
        });
      } catch (e) {
        return Promise.reject(e);
      }
    },
    dispose(t) {
      if (t === null || t === undefined || t.disposed) return;
      if (destroyed) return;
      checkTensor(self, t, 'dispose.tensor');
      ptrOf(t, 'dispose.tensor');
      store.dispose(t as CudaTensor);
    },
    memory(): MemoryInfo {
      return { liveTensors: store.liveTensors, liveBytes: store.liveBytes };
    },
    sync() {
      if (destroyed) return Promise.reject(new BackendDestroyedError(id, 'createCudaBackend'));
      try {
        return call(() => addon.sync(ctxHandle)).catch((e: unknown) => {
          throw mapNativeError(e, name);
        });
      } catch (e) {
        return Promise.reject(e);
      }
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      store.forgetAll();
      addon.destroy(ctxHandle);
    },

    // ---- linear algebra and data movement ----------------------------------------------------
    gemm(p: GemmParams) {
      alive();
      const { alpha, beta } = checkGemm(self, p);
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        throw new InvalidArgumentError('gemm.alpha/beta', `must be finite numbers, got alpha=${String(alpha)}, beta=${String(beta)}.`);
      }
      const a = ptrOf(p.a, 'gemm.a');
      const b = ptrOf(p.b, 'gemm.b');
      const c = ptrOf(p.c, 'gemm.c');
      const bias = optPtr(p.bias, 'gemm.bias');
      call(() => addon.gemm(ctxHandle, { transA: p.transA === true, transB: p.transB === true, m: p.m, n: p.n, k: p.k, alpha, beta, a, b, c, bias }));
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
    cellForward(p): Tensor | null {
      alive();
      return cellForward(k, store, p);
    },
    cellBackward(p): void {
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
