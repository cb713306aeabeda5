/**
 * `createCudaBackend`: the Backend contract on an NVIDIA GPU through the native addon. Built with
 * `defineBackend`: the memory functions here, the kernel table in kernels.ts.
 */
import {
  BackendUnavailableError,
  InvalidArgumentError,
  checkExact,
  checkTensor,
  defineBackend,
  type Backend,
  type FloatArray,
  type MemoryInfo,
} from '@recur/backend';
import { CUDA_CAPABILITIES } from './capabilities.js';
import type { KernelContext } from './context.js';
import { BackendDestroyedError, driverReason, mapNativeError } from './cuda-errors.js';
import { TensorStore, ptrOf, type CudaTensor } from './cuda-tensor.js';
import { CUDA_KERNELS } from './kernels.js';
import { loadAddon, type NativeAddon, type NativeContext, type NativeInfo } from './native.js';

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
  const k: KernelContext = {
    name,
    id,
    addon,
    store,
    ctx: () => ctxHandle,
    live(t, what, minSize) {
      checkTensor(self, t, what, minSize);
      return ptrOf(t, what);
    },
    exact(t, what, size, shape) {
      checkExact(self, t, what, size, shape);
      return ptrOf(t, what);
    },
    call,
  };

  // A first kernel and read: catches a GPU the addon has no kernels for (cudaErrorNoKernelImageForDevice).
  try {
    const probe = store.alloc([1]);
    CUDA_KERNELS.fill(k, probe, 1);
    await addon.read(ctxHandle, probe.ptr, 0, 1);
    store.dispose(probe);
  } catch (e) {
    store.forgetAll();
    addon.destroy(ctxHandle);
    const mapped = mapNativeError(e, name, { atInit: true });
    throw mapped instanceof BackendUnavailableError ? mapped : new BackendUnavailableError(name, `a test kernel failed on device ${device}: ${mapped.message}`, []);
  }

  return defineBackend({
    name,
    id,
    factory: 'createCudaBackend',
    capabilities: CUDA_CAPABILITIES,
    context: k,
    kernels: CUDA_KERNELS,
    // not a kernel, so it guards against destroy() itself
    extra: {
      deviceInfo: () => {
        if (destroyed) throw new BackendDestroyedError(id, 'createCudaBackend');
        return call(() => addon.info(ctxHandle));
      },
    },
    // Shapes, data lengths and bounds are checked by defineBackend (the shared checks) first.
    memory: {
      alloc: (shape) => store.alloc(shape),
      upload(data, shape) {
        const host = toFloat32(data);
        const t = store.alloc(shape);
        try {
          if (host.length > 0) call(() => addon.upload(ctxHandle, t.ptr, 0, host));
        } catch (e) {
          store.dispose(t);
          throw e;
        }
        return t;
      },
      write(t, data, offset = 0) {
        const ptr = k.live(t, 'write.tensor');
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
        checkTensor(self, t, 'dispose.tensor');
        ptrOf(t, 'dispose.tensor');
        store.dispose(t as CudaTensor);
      },
      memory: (): MemoryInfo => ({ liveTensors: store.liveTensors, liveBytes: store.liveBytes }),
      sync() {
        try {
          return call(() => addon.sync(ctxHandle)).catch((e: unknown) => {
            throw mapNativeError(e, name);
          });
        } catch (e) {
          return Promise.reject(e);
        }
      },
      destroy() {
        destroyed = true;
        store.forgetAll();
        addon.destroy(ctxHandle);
      },
    },
  });
}
