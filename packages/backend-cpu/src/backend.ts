/**
 * `createCpuBackend`: the reference implementation of the Backend contract, in plain TypeScript.
 * Built with `defineBackend` from its memory functions and its kernel table (src/kernels/), so
 * the shared argument checks and the destroyed-state guard are @recur/backend's.
 */
import {
  InvalidArgumentError,
  checkExact,
  checkTensor,
  defineBackend,
  type Backend,
  type BackendMemory,
  type FloatArray,
  type MemoryInfo,
} from '@recur/backend';
import type { KernelContext } from './context.js';
import { CPU_KERNELS } from './kernels/table.js';
import { CPU_CAPABILITIES } from './capabilities.js';
import { CpuTensor, TensorStore, dataOf } from './tensor-store.js';
import { Workspace } from './workspace.js';

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
  const self = { id, name };

  // Checked access to a tensor's buffer: the shared checks have run already (defineBackend), so
  // this re-check is the kernels' own guard against reading outside a buffer.
  const ctx: KernelContext = {
    name,
    id,
    ctor,
    ws,
    store,
    live(t, what, minSize) {
      checkTensor(self, t, what, minSize);
      return dataOf(t, what);
    },
    exact(t, what, size, shape) {
      checkExact(self, t, what, size, shape);
      return dataOf(t, what);
    },
  };

  const memory: BackendMemory = {
    alloc: (shape) => store.alloc(shape),
    upload(data, shape) {
      const arr = new ctor(data.length);
      for (let i = 0; i < data.length; i++) arr[i] = data[i] as number;
      return store.adopt(arr, shape);
    },
    write(t, data, offset = 0) {
      const dst = ctx.live(t, 'write.tensor');
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
      checkTensor(self, t, 'dispose.tensor');
      if (!(t instanceof CpuTensor)) throw new InvalidArgumentError('dispose.tensor', 'expected a tensor handle created by this CPU backend.');
      store.dispose(t);
    },
    memory: (): MemoryInfo => ({ liveTensors: store.liveTensors, liveBytes: store.liveBytes }),
    sync: () => Promise.resolve(),
    destroy() {
      store.disposeAll();
      ws.clear();
    },
  };

  return defineBackend({
    name,
    id,
    factory: 'createCpuBackend',
    capabilities: { ...CPU_CAPABILITIES, precision, float64: precision === 'float64' },
    context: ctx,
    memory,
    kernels: CPU_KERNELS,
  });
}
