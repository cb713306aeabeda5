/**
 * `defineBackend`: build a Backend from its memory functions and a table of kernels.
 *
 * Like tfjs's kernel configs (each kernel exports a function, one loop registers them), a backend
 * here is a declaration: an id, a capability manifest, memory, and one function per kernel that
 * takes the backend's own context first. `defineBackend` does the wiring every backend used to
 * write by hand (`copy: (p) => ew.copy(ctx, p)`, the destroyed-state guard, the shared argument
 * checks through {@link checked}), so a backend's source is its kernels.
 */
import { normalizeCapabilities, type Capabilities, type CapabilityDeclaration } from './capabilities.js';
import { checked, markChecked } from './checked.js';
import { BackendDestroyedError } from './errors.js';
import { SPECIFICATION_VERSION, type Backend, type FloatArray } from './spec.js';

/** The memory methods of a Backend (everything that is not a kernel). */
export type MemoryMethodName = 'alloc' | 'upload' | 'write' | 'read' | 'dispose' | 'memory' | 'sync' | 'destroy';

/** The memory half of a backend: allocation, transfer, accounting and teardown. */
export type BackendMemory = Pick<Backend, MemoryMethodName>;

/** The name of every kernel of the contract (GEMM, data movement, pointwise, cells, training). */
export type KernelName = Exclude<keyof Backend, MemoryMethodName | 'specificationVersion' | 'name' | 'id' | 'capabilities'>;

/**
 * One function per kernel, taking the backend's context `C` first and then the Backend method's
 * own arguments. `defineBackend` binds the context.
 */
export type KernelTable<C> = {
  readonly [K in KernelName]: (ctx: C, ...args: Parameters<Backend[K]>) => ReturnType<Backend[K]>;
};

/** What {@link defineBackend} builds a backend from. */
export interface BackendDefinition<C, X extends object = object> {
  /** Registry name, e.g. `cpu`. */
  readonly name: string;
  /** Unique per instance (e.g. `cpu#3`); tensors carry it. */
  readonly id: string;
  /** The capability manifest (normalised with `false` defaults). */
  readonly capabilities: CapabilityDeclaration | Capabilities;
  /** What every kernel gets as its first argument (checked tensor access, scratch space, a device). */
  readonly context: C;
  /** Memory methods. `destroy` is called once; after it every method but `dispose` and `memory` throws. */
  readonly memory: BackendMemory;
  /** The kernels. */
  readonly kernels: KernelTable<C>;
  /** The function that makes a new instance, named in `BackendDestroyedError` (e.g. `createCpuBackend`). */
  readonly factory?: string;
  /**
   * Runs before every kernel and every memory method but `dispose`, `memory` and `destroy` (after
   * the destroyed-state guard): the place for what this backend must check or set up first, such
   * as a lost device or making its engine the active one.
   */
  readonly enter?: () => void;
  /**
   * Extra read-only fields the backend object carries besides the contract (e.g. tfjs's `engine`).
   * Getters stay getters, so a field can report a live value.
   */
  readonly extra?: X;
}

/**
 * Build a Backend from a kernel table. The result implements the current contract version, runs
 * every shared argument check once before a kernel (see {@link checked}), and throws
 * `BackendDestroyedError` from every method after `destroy()` (`dispose` and `memory` stay safe,
 * `destroy` is idempotent).
 * `examples/custom-backend` (src/backend.ts and src/kernel-table.ts) is a complete, runnable
 * backend built this way.
 */
export function defineBackend<C, X extends object = object>(definition: BackendDefinition<C, X>): Backend & X {
  const { name, id, context, memory, kernels, factory, enter } = definition;
  const bound = {} as Record<KernelName, (...args: never[]) => unknown>;
  for (const key of Object.keys(kernels) as KernelName[]) {
    const kernel = kernels[key] as (ctx: C, ...args: unknown[]) => unknown;
    bound[key] = (...args: unknown[]) => kernel(context, ...args);
  }
  const inner = checked({
    specificationVersion: SPECIFICATION_VERSION,
    name,
    id,
    capabilities: normalizeCapabilities(definition.capabilities),
    ...memory,
    ...(bound as unknown as Pick<Backend, KernelName>),
  } satisfies Backend);

  let destroyed = false;
  const dead = () => new BackendDestroyedError(id, factory);
  const alive = () => {
    if (destroyed) throw dead();
    enter?.();
  };
  const guarded = {} as Record<KernelName, (...args: never[]) => unknown>;
  for (const key of Object.keys(kernels) as KernelName[]) {
    const method = inner[key] as (...args: unknown[]) => unknown;
    guarded[key] = (...args: unknown[]) => {
      alive();
      return method(...args);
    };
  }
  const contract: Backend = {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    id,
    capabilities: inner.capabilities,
    alloc(shape) {
      alive();
      return inner.alloc(shape);
    },
    upload(data, shape) {
      alive();
      return inner.upload(data, shape);
    },
    write(t, data, offset) {
      alive();
      inner.write(t, data, offset);
    },
    read(t): Promise<FloatArray> {
      try {
        alive();
      } catch (e) {
        return Promise.reject(e);
      }
      return inner.read(t);
    },
    dispose(t) {
      if (destroyed || t === null || t === undefined || t.disposed) return;
      inner.dispose(t);
    },
    memory: () => inner.memory(),
    sync() {
      try {
        alive();
      } catch (e) {
        return Promise.reject(e);
      }
      return inner.sync();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      inner.destroy();
    },
    ...(guarded as unknown as Pick<Backend, KernelName>),
  };
  // Extra fields keep their getters (a live counter stays live); the contract's fields win.
  const backend = Object.defineProperties(
    Object.defineProperties({}, Object.getOwnPropertyDescriptors(definition.extra ?? {})),
    Object.getOwnPropertyDescriptors(contract),
  ) as Backend & X;
  return markChecked(backend);
}
