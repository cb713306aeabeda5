/**
 * `createOnednnBackend`: the Backend contract on the CPU through oneDNN (GEMM on `dnnl_sgemm`,
 * recurrent layers on oneDNN's RNN primitives, the rest in the addon's own C++ loops), all threaded
 * by OpenMP with `threads` threads. Built with `defineBackend`: the memory functions here, the
 * kernel table in kernels.ts.
 */
import { availableParallelism } from 'node:os';
import {
  BackendUnavailableError,
  InvalidArgumentError,
  checkTensor,
  defineBackend,
  type Backend,
  type FloatArray,
  type MemoryInfo,
} from '@recur/backend';
import { ONEDNN_CAPABILITIES } from './capabilities.js';
import type { KernelContext } from './context.js';
import { ONEDNN_KERNELS } from './kernels.js';
import { loadAddon, type NativeContext, type OnednnVersion } from './native.js';
import { BackendDestroyedError, mapNativeError } from './onednn-errors.js';
import { OnednnTensor, TensorStore, dataOf } from './onednn-tensor.js';
import { StepBindings } from './step-bindings.js';

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
  /** Streaming steps that ran on buffers bound in the addon, without unwrapping them again (for tests). */
  boundSteps(): number;
}

let instances = 0;

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
  const k: KernelContext = {
    name,
    id,
    addon,
    store,
    ctx: () => handle,
    // defineBackend ran the shared checks on every tensor of the call before the kernel: only the
    // buffer is fetched here
    live: (t, what) => dataOf(t, what),
    exact: (t, what) => dataOf(t, what),
    call,
    nativeError: (e) => mapNativeError(e, name),
    bindings: new StepBindings(),
  };
  // The fields beyond the contract: not kernels, so they guard against destroy() themselves.
  const live = (): NativeContext => {
    if (destroyed) throw new BackendDestroyedError(id, 'createOnednnBackend');
    return handle;
  };
  const extra = {
    threads,
    onednnVersion: () => addon.version(),
    ompThreads: () => call(() => addon.ompThreads(live())),
    cachedPrimitives: () => call(() => addon.planCount(live())),
    boundSteps: () => k.bindings.hits,
  };

  return defineBackend({
    name,
    id,
    factory: 'createOnednnBackend',
    capabilities: ONEDNN_CAPABILITIES,
    context: k,
    kernels: ONEDNN_KERNELS,
    extra,
    // Shapes, data lengths and bounds are checked by defineBackend (the shared checks) first.
    memory: {
      alloc: (shape) => store.alloc(shape),
      upload(data, shape) {
        const t = store.alloc(shape);
        t.data.set(data);
        return t;
      },
      // the tensor was checked (live, ours, in bounds) before these run
      write(t, data, offset = 0) {
        dataOf(t, 'write.tensor').set(data, offset);
      },
      read(t): Promise<FloatArray> {
        try {
          return Promise.resolve(dataOf(t, 'read.tensor').slice());
        } catch (e) {
          return Promise.reject(e);
        }
      },
      dispose(t) {
        checkTensor(self, t, 'dispose.tensor');
        if (!(t instanceof OnednnTensor)) throw new InvalidArgumentError('dispose.tensor', 'expected a tensor handle created by this oneDNN backend.');
        store.dispose(t);
      },
      memory: (): MemoryInfo => ({ liveTensors: store.liveTensors, liveBytes: store.liveBytes }),
      // Every kernel has finished when its call returns (oneDNN's CPU stream runs in order, and
      // the addon waits on it).
      sync: () => Promise.resolve(),
      destroy() {
        destroyed = true;
        store.disposeAll();
        k.bindings.clear();
        addon.destroy(handle); // also releases the buffers bound for streaming
      },
    },
  });
}
