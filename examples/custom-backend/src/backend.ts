/**
 * Steps 2, 3 and 6 of docs/contributing/add-a-backend.md: the factory. It declares the
 * capabilities, the memory functions and the kernel table (kernel-table.ts); `defineBackend`
 * from @recur/backend wires them, runs every shared argument check before a kernel and throws
 * `BackendDestroyedError` after `destroy()`.
 */
import { defineBackend, registerBackend, shapeSize, type Backend } from '@recur/backend';
import { F64_KERNELS, type F64Context } from './kernel-table.js';
import { F64Tensor, buf } from './tensor.js';

let instances = 0;

/**
 * A float64 backend written for clarity, outside `packages/`, from the add-a-backend checklist.
 * Every result is computed in IEEE double precision, one (t, b) at a time.
 */
export function createFloat64Backend(): Backend {
  const id = `naive-f64#${++instances}`;
  const live = new Set<F64Tensor>();
  const make = (shape: readonly number[], data: Float64Array): F64Tensor => {
    const t = new F64Tensor(id, [...shape], data);
    live.add(t);
    return t;
  };
  const dispose = (t: F64Tensor) => {
    t.disposed = true;
    t.data = new Float64Array(0);
    live.delete(t);
  };
  const context: F64Context = { id, name: 'naive-f64', make };

  return defineBackend({
    name: context.name,
    id,
    factory: 'createFloat64Backend',
    capabilities: {
      precision: 'float64',
      training: true,
      fusedSequence: true, // the loop over time runs inside cellForward, no host round trips
      variableLength: true,
    },
    context,
    memory: {
      alloc: (shape) => make(shape, new Float64Array(shapeSize(shape))),
      upload: (data, shape) => make(shape, Float64Array.from(data)),
      write: (t, data, offset = 0) => buf(t).set(Array.from(data), offset),
      read: (t) => Promise.resolve(Float64Array.from(buf(t))),
      dispose: (t) => dispose(t as F64Tensor),
      memory() {
        let bytes = 0;
        for (const t of live) bytes += t.data.byteLength;
        return { liveTensors: live.size, liveBytes: bytes };
      },
      sync: () => Promise.resolve(),
      destroy: () => [...live].forEach(dispose),
    },
    kernels: F64_KERNELS,
  });
}

/** Step 6: make it selectable with `useBackend('naive-f64')`. */
export function registerFloat64Backend(): void {
  registerBackend('naive-f64', {
    create: () => createFloat64Backend(),
    probe: () => ({ available: true }),
    priority: -10, // a reference backend: never picked by 'auto' over a fast one
    description: 'Plain float64 reference backend (examples/custom-backend)',
  });
}
