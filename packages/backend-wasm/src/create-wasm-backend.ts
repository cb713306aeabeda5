/**
 * The factory of the WASM backend: loads the kernels, reserves memory, starts the worker pool, and
 * builds the backend with `defineBackend` from the context (wasm-context.ts) and the kernel table
 * (kernel-table.ts).
 */
import { BackendUnavailableError, InvalidArgumentError, OutOfMemoryError, RecurError, defineBackend } from '@recur/backend';
import { WASM_CAPABILITIES } from './capabilities.js';
import { WASM_KERNELS } from './kernel-table.js';
import type { KernelExports } from './kernel-exports.js';
import { compileKernels } from './load-wasm.js';
import { WasmContext } from './wasm-context.js';
import { DEFAULT_PARALLEL_MIN_STEP_FLOPS, PAGE, pagesFromMB, resolveThreadTimeout, resolveThreads, type WasmBackend, type WasmBackendOptions } from './wasm-options.js';

/**
 * Create a WASM-SIMD backend. Instantiation is async (it loads `recur.wasm`).
 *
 * @example
 * ```ts
 * const backend = await createWasmBackend();
 * const t = backend.upload([1, 2, 3], [3]);
 * ```
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  return (await createWasmBackendWithContext(options)).backend;
}

/**
 * {@link createWasmBackend}, also returning the context its kernels share (for this package's
 * tests, which reach the worker pool through it; not exported from the package).
 */
export async function createWasmBackendWithContext(options: WasmBackendOptions = {}): Promise<{ backend: WasmBackend; context: WasmContext }> {
  const initialPages = pagesFromMB(options.initialMemoryMB ?? 16, 'initialMemoryMB');
  const maximumPages = pagesFromMB(options.maximumMemoryMB ?? 2048, 'maximumMemoryMB');
  if (maximumPages < initialPages) {
    throw new InvalidArgumentError('maximumMemoryMB', `(${options.maximumMemoryMB}) must be at least initialMemoryMB (${options.initialMemoryMB ?? 16}).`);
  }
  const minFlops = options.parallelMinStepFlops ?? DEFAULT_PARALLEL_MIN_STEP_FLOPS;
  if (typeof minFlops !== 'number' || !(minFlops >= 0)) {
    throw new InvalidArgumentError('parallelMinStepFlops', `must be a number ≥ 0, got ${String(minFlops)}.`);
  }
  const threadTimeoutMs = resolveThreadTimeout(options);
  let { threads, reason } = resolveThreads(options);
  const relaxed = options.relaxedSimd !== false;
  let compiled = threads > 1 ? await compileKernels(options.wasmThreads, relaxed, true).catch((e: unknown) => {
    reason = `the shared-memory kernels could not be loaded (${e instanceof Error ? e.message : String(e)})`;
    return null;
  }) : null;
  if (compiled === null) threads = 1;
  compiled ??= await compileKernels(options.wasm, relaxed, false);
  const shared = threads > 1;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages, shared } as WebAssembly.MemoryDescriptor);
  } catch (e) {
    throw new OutOfMemoryError('wasm', initialPages * PAGE, `could not reserve a WebAssembly memory of ${initialPages * PAGE} bytes with a maximum of ${maximumPages * PAGE} (${e instanceof Error ? e.message : String(e)}); lower initialMemoryMB / maximumMemoryMB`);
  }
  const instance = await WebAssembly.instantiate(compiled.module, {
    env: {
      memory,
      abort: () => {
        throw new RecurError('E_WASM_ABORT', 'recur.wasm aborted (an internal kernel assertion failed).');
      },
    },
  });
  const context = new WasmContext(memory, instance.exports as unknown as KernelExports, maximumPages * PAGE, compiled.build, minFlops, reason);
  if (shared) {
    try {
      await context.startPool(compiled.module, instance.exports, threads, threadTimeoutMs);
    } catch (e) {
      context.destroy();
      throw new BackendUnavailableError('wasm', `could not start ${threads - 1} worker threads (${e instanceof Error ? e.message : String(e)}); pass threads: 1`, []);
    }
  }
  const backend: WasmBackend = defineBackend({
    name: context.name,
    id: context.id,
    factory: 'createWasmBackend',
    capabilities: WASM_CAPABILITIES,
    context,
    kernels: WASM_KERNELS,
    memory: {
      alloc: (shape) => context.alloc(shape),
      upload: (data, shape) => context.upload(data, shape),
      write: (t, data, offset) => context.write(t, data, offset),
      read: (t) => context.read(t),
      dispose: (t) => context.dispose(t),
      memory: () => context.memory(),
      sync: () => context.sync(),
      destroy: () => context.destroy(),
    },
    extra: {
      kernelBuild: context.kernelBuild,
      threads: context.threads,
      threadsUnavailable: context.threadsUnavailable,
      get parallelRuns(): number {
        return context.parallelRuns;
      },
    },
  });
  return { backend, context };
}
