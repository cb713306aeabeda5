/**
 * Options of the WASM backend, its public interface, and the rules that turn the options into a
 * thread count and a memory size (kept apart from the backend class and its factory).
 */
import { InvalidArgumentError, type Backend } from '@recur/backend';
import { threadsUnavailableReason, type KernelBuild, type WasmSource } from './load-wasm.js';
import { DEFAULT_THREAD_TIMEOUT_MS } from './worker-pool.js';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * The compiled kernels: bytes, a compiled `WebAssembly.Module`, or where to load them from (a
   * `URL`, a URL string, or in Node a file path). Default: `recur.wasm` next to this module
   * (`new URL('./recur.wasm', import.meta.url)`), which bundlers resolve and copy.
   */
  readonly wasm?: WasmSource;
  /** Initial linear memory in MiB (default 16). */
  readonly initialMemoryMB?: number;
  /** Ceiling for linear memory in MiB (default 2048; at most 4096, the wasm32 limit). */
  readonly maximumMemoryMB?: number;
  /**
   * Load `recur-relaxed.wasm` (fused multiply-add in the GEMM inner loops) where the runtime
   * supports WebAssembly relaxed SIMD (default true). Ignored when `wasm` is given.
   */
  readonly relaxedSimd?: boolean;
  /**
   * Threads for large sequences: the calling thread plus `threads − 1` workers (`worker_threads`
   * in Node, Web Workers in browsers) over one shared memory. Default: the cores available
   * (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers), at most 8.
   * `1` starts no workers. Where `SharedArrayBuffer` is missing (a page that is not cross-origin
   * isolated) the backend runs single-threaded and `threadsUnavailable` says why.
   */
  readonly threads?: number;
  /**
   * The shared-memory kernels the threads run (default `recur-threads.wasm`, or
   * `recur-relaxed-threads.wasm`, next to this module). When `wasm` is given and this is not, the
   * backend runs single-threaded.
   */
  readonly wasmThreads?: WasmSource;
  /**
   * A sequence runs on threads when one step's recurrent GEMM has at least this many FLOPs,
   * 2·B·G·H² (default {@link DEFAULT_PARALLEL_MIN_STEP_FLOPS} = 2²⁰, about 30 µs on one core):
   * below it, waking workers and a barrier per step cost more than they save (streaming with B = 1
   * always stays on one thread). Each thread also gets at least 8 hidden units. `0` puts every
   * sequence with H > 8 on threads (the tests use it).
   */
  readonly parallelMinStepFlops?: number;
  /**
   * The longest any thread waits for another (at a per-step barrier, or the calling thread for the
   * workers to finish), in ms (default 60 000). Past it the run throws a `WorkerKernelError` that
   * says which worker did not arrive, and the backend's pool is closed: a worker that died or was
   * never scheduled gives an error, never a hang. Healthy threads wait microseconds.
   */
  readonly threadTimeoutMs?: number;
}

/** Default of {@link WasmBackendOptions.parallelMinStepFlops}: 2²⁰ FLOPs per recurrent step. */
export const DEFAULT_PARALLEL_MIN_STEP_FLOPS = 2 ** 20;
/** Most threads the default picks (more cores rarely pay for H ≤ 256: see the README). */
const DEFAULT_MAX_THREADS = 8;

/** The WASM backend: the Backend contract plus which kernel build it runs. */
export interface WasmBackend extends Backend {
  /** `relaxed` (recur-relaxed.wasm), `baseline` (recur.wasm) or `custom` (the `wasm` option). */
  readonly kernelBuild: KernelBuild;
  /** Threads large sequences run on (1: no workers). */
  readonly threads: number;
  /** Why fewer threads than asked for run (e.g. no SharedArrayBuffer), or null. */
  readonly threadsUnavailable: string | null;
  /** Cell kernel calls (forward or backward) so far that ran on more than one thread. */
  readonly parallelRuns: number;
}

/** The cores this runtime reports: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers. */
export function availableCores(): number {
  const proc = typeof process !== 'undefined' ? (process as unknown as { getBuiltinModule?: (id: string) => unknown }) : undefined;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  const n = os?.availableParallelism?.() ?? os?.cpus?.().length ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** {@link WasmBackendOptions.threadTimeoutMs}, checked (default 60 000). */
export function resolveThreadTimeout(options: WasmBackendOptions): number {
  const ms = options.threadTimeoutMs ?? DEFAULT_THREAD_TIMEOUT_MS;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > 2 ** 31 - 1) {
    throw new InvalidArgumentError('threadTimeoutMs', `must be a whole number of milliseconds from 1 to 2147483647, got ${String(ms)}.`);
  }
  return ms;
}

/** The threads to run and, when fewer than asked for, why. */
export function resolveThreads(options: WasmBackendOptions): { threads: number; reason: string | null } {
  const asked = options.threads;
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1 || asked > 256)) {
    throw new InvalidArgumentError('threads', `must be an integer from 1 to 256, got ${String(asked)}.`);
  }
  const want = asked ?? Math.min(DEFAULT_MAX_THREADS, availableCores());
  if (want === 1) return { threads: 1, reason: null };
  if (options.wasm !== undefined && options.wasmThreads === undefined) {
    return { threads: 1, reason: 'custom `wasm` kernels were given without `wasmThreads` (the shared-memory build)' };
  }
  const reason = threadsUnavailableReason();
  return reason === null ? { threads: want, reason: null } : { threads: 1, reason };
}


/** Bytes in a WebAssembly page. */
export const PAGE = 65536;
const MAX_PAGES = 65536;
/** MiB → WebAssembly pages (checked, capped at the wasm32 limit). */
export function pagesFromMB(mb: number, what: string): number {
  if (!Number.isFinite(mb) || mb <= 0) throw new InvalidArgumentError(what, `must be a positive number of MiB, got ${String(mb)}.`);
  return Math.min(MAX_PAGES, Math.ceil((mb * 2 ** 20) / PAGE));
}
