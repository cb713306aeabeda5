/**
 * The worker pool of the threaded build: `threads − 1` workers (Node `worker_threads` or browser
 * Web Workers), each with its own instance of `recur-threads.wasm` over the backend's one SHARED
 * `WebAssembly.Memory`. The calling thread is thread 0 and runs its share itself.
 *
 * A job is one kernel export called on every thread with the same arguments plus
 * `(tid, nt, ctl, canBlock)`. Dispatch goes through a control block in linear memory, no messages:
 *
 *   i32 words at ctl:  [0] barrier arrivals  [1] barrier generation  [2] abort  (assembly/threads.ts)
 *                      [3] a barrier gave up waiting                  [10] wait limit (ms)
 *                      [4] job generation    [5] workers done        [6] kernel index  [7] nt
 *                      [8] shutdown          [9] error               [11] workers that exited
 *   f64 words at ctl + 64: the kernel's arguments (at most {@link MAX_ARGS}).
 *   i32 words at ctl + 512: per worker (index tid, up to 255), the last job generation it finished.
 *
 * The host writes the arguments, bumps the job generation and wakes the workers (`Atomics.notify`),
 * runs thread 0, then waits until every worker has counted itself done. Workers spin briefly on the
 * generation word and then sleep in `Atomics.wait`, so an idle pool costs no CPU.
 *
 * Nothing waits forever. A barrier gives up after the wait limit (`threadTimeoutMs`, default 60 s)
 * and releases every thread; the host gives up waiting for "done" after the same limit; a worker
 * that leaves its loop for any reason but shutdown says so (word 11). Each of these closes the pool
 * and throws a {@link WorkerKernelError} with the control block's state (which worker finished
 * which job), instead of hanging the process.
 */
import { RecurError } from '@recur/backend';

/** Bytes of the control block (allocated by the backend, 16-byte aligned). */
export const CONTROL_BYTES = 1536;
const ARGS_END = 512;
const MAX_ARGS = (ARGS_END - 64) / 8;
/** Most workers the per-worker status words have room for. */
export const MAX_WORKERS = (CONTROL_BYTES - ARGS_END) / 4 - 1;
const W_TIMED_OUT = 3;
const W_LIMIT = 10;
const W_EXITED = 11;
const W_STATUS = ARGS_END / 4;
/** Default of `threadTimeoutMs`: how long any thread waits for another before the run fails. */
export const DEFAULT_THREAD_TIMEOUT_MS = 60_000;
const W_JOB = 4;
const W_DONE = 5;
const W_OP = 6;
const W_NT = 7;
const W_SHUTDOWN = 8;
const W_ERROR = 9;
const W_ABORT = 2;
/** Host-side spins on the done counter before it sleeps (where it may) or checks the clock. */
const HOST_SPIN = 1 << 16;

/** The kernels a job may name (their index is what travels). */
export const POOL_KERNELS = ['cellForward', 'cellBackward'] as const;
/** A kernel the pool can run. */
export type PoolKernel = (typeof POOL_KERNELS)[number];

/** A kernel worker failed; the backend is unusable afterwards. */
export class WorkerKernelError extends RecurError {
  override name = 'WorkerKernelError';
  constructor(detail: string) {
    super('E_WASM_WORKER', `a recur.wasm worker thread failed (${detail}); create a new backend, or pass threads: 1.`);
  }
}

interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

interface InitMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctl: number;
  tid: number;
  workers: number;
  kernels: readonly string[];
}

/**
 * The code each worker runs. It is serialised with `Function.prototype.toString`, so it must not
 * reference anything outside itself (no imports, no module-level names).
 */
function workerMain(): void {
  type Port = { on?: (ev: string, f: (m: unknown) => void) => void; postMessage(m: unknown): void };
  const g = globalThis as unknown as { require?: (id: string) => { parentPort: Port }; postMessage?: (m: unknown) => void; addEventListener?: (ev: string, f: (e: { data: unknown }) => void) => void };
  const node = typeof g.require === 'function';
  const port: Port = node ? g.require!('node:worker_threads').parentPort : { postMessage: (m) => g.postMessage!(m) };
  const start = (msg: unknown): void => {
    const init = msg as InitMessage;
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(init.module, {
        env: {
          memory: init.memory,
          abort: () => {
            throw new Error('recur.wasm aborted');
          },
        },
      });
    } catch (e) {
      port.postMessage({ error: e instanceof Error ? e.message : String(e) });
      return;
    }
    const i32 = new Int32Array(init.memory.buffer, init.ctl, 256);
    const f64 = new Float64Array(init.memory.buffer, init.ctl + 64, (512 - 64) / 8);
    const fns = init.kernels.map((k) => instance.exports[k] as (...a: number[]) => void);
    // read the job generation BEFORE saying ready: the host may post the first job right after
    let seen = Atomics.load(i32, 4);
    port.postMessage({ ready: true });
    let shutdown = false;
    try {
      for (;;) {
        let spins = 0;
        // the timed sleep is a safety net only: a job always comes with an Atomics.notify
        while (Atomics.load(i32, 4) === seen) {
          if (++spins > 4096) Atomics.wait(i32, 4, seen, 200);
        }
        seen = Atomics.load(i32, 4);
        if (Atomics.load(i32, 8) !== 0) {
          shutdown = true;
          break;
        }
        const nt = i32[7] as number;
        if (init.tid < nt) {
          try {
            const fn = fns[i32[6] as number]!;
            const n = fn.length - 4;
            const args: number[] = [];
            for (let i = 0; i < n; i++) args.push(f64[i] as number);
            fn(...args, init.tid, nt, init.ctl, 1);
          } catch {
            // release everyone: the barrier checks the abort word; the host checks the error word
            Atomics.store(i32, 9, 1);
            Atomics.store(i32, 2, 1);
            Atomics.notify(i32, 1);
          }
        }
        Atomics.store(i32, 128 + init.tid, seen);
        if (Atomics.add(i32, 5, 1) === init.workers - 1) Atomics.notify(i32, 5);
      }
    } finally {
      if (!shutdown) {
        // leaving the loop any other way: tell the host now rather than let it wait for the limit
        Atomics.add(i32, 11, 1);
        Atomics.store(i32, 2, 1);
        Atomics.notify(i32, 1);
        Atomics.notify(i32, 5);
      }
    }
    if (node) process.exit(0);
    else (globalThis as unknown as { close(): void }).close();
  };
  if (node) port.on!('message', start);
  else g.addEventListener!('message', (e) => start(e.data));
}

const WORKER_SOURCE = `(${workerMain.toString()})();`;

const isNode = typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

interface NodeWorkerCtor {
  new (src: string, opts: { eval: true }): WorkerHandle & { on(ev: string, f: (m: unknown) => void): void; removeAllListeners(ev: string): void; unref(): void };
}

async function nodeWorkerCtor(): Promise<NodeWorkerCtor> {
  const proc = process as unknown as { getBuiltinModule?: (id: string) => unknown };
  const builtin = proc.getBuiltinModule?.('node:worker_threads') as { Worker: NodeWorkerCtor } | undefined;
  if (builtin) return builtin.Worker;
  const id = 'node:worker_threads';
  return ((await import(/* @vite-ignore */ id)) as { Worker: NodeWorkerCtor }).Worker;
}

/** Start one worker and resolve when its instance is ready. */
async function spawnWorker(init: InitMessage): Promise<WorkerHandle> {
  if (isNode) {
    const Worker = await nodeWorkerCtor();
    const w = new Worker(WORKER_SOURCE, { eval: true });
    await new Promise<void>((resolve, reject) => {
      w.on('message', (m) => ((m as { error?: string }).error ? reject(new Error((m as { error: string }).error)) : resolve()));
      w.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
      w.postMessage(init);
    });
    // A 'message' listener re-refs the worker's port: drop it once ready and unref, so an idle
    // pool never keeps the process alive (jobs go through shared memory, not messages).
    w.removeAllListeners('message');
    w.unref();
    return w;
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  URL.revokeObjectURL(url);
  await new Promise<void>((resolve, reject) => {
    w.onmessage = (e: MessageEvent) => ((e.data as { error?: string }).error ? reject(new Error((e.data as { error: string }).error)) : resolve());
    w.onerror = (e) => reject(new Error(e.message || 'worker failed to start'));
    w.postMessage(init);
  });
  return w;
}

/** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
function hostCanBlock(i32: Int32Array): boolean {
  try {
    Atomics.wait(i32, W_SHUTDOWN, 1, 0); // the value differs: returns at once where waiting is allowed
    return true;
  } catch {
    return false;
  }
}

/** A started pool. `run` executes one kernel on all `nt` threads and returns when all are done. */
export class WorkerPool {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly canBlock: boolean;
  private closed = false;

  private constructor(
    private readonly workers: WorkerHandle[],
    memory: WebAssembly.Memory,
    private readonly ctl: number,
    private readonly exports: Record<PoolKernel, (...a: number[]) => void>,
    private readonly timeoutMs: number,
  ) {
    this.i32 = new Int32Array(memory.buffer, ctl, CONTROL_BYTES / 4);
    this.f64 = new Float64Array(memory.buffer, ctl + 64, MAX_ARGS);
    this.canBlock = hostCanBlock(this.i32);
    Atomics.store(this.i32, W_LIMIT, timeoutMs);
  }

  /** Threads in all (the workers plus the calling thread). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Start `threads − 1` workers over `memory` (shared) running `module`; `ctl` is a zeroed
   * {@link CONTROL_BYTES} block in that memory. A run fails with {@link WorkerKernelError} when a
   * thread waits for another longer than `timeoutMs`.
   */
  static async start(
    module: WebAssembly.Module, memory: WebAssembly.Memory, ctl: number, threads: number, hostExports: WebAssembly.Exports,
    timeoutMs = DEFAULT_THREAD_TIMEOUT_MS,
  ): Promise<WorkerPool> {
    const n = threads - 1;
    if (n > MAX_WORKERS) throw new RangeError(`a pool has at most ${MAX_WORKERS + 1} threads, asked for ${threads}`);
    const workers: WorkerHandle[] = [];
    try {
      for (const w of await Promise.allSettled(
        Array.from({ length: n }, (_, i) => spawnWorker({ module, memory, ctl, tid: i + 1, workers: n, kernels: POOL_KERNELS })),
      )) {
        if (w.status === 'rejected') throw w.reason;
        workers.push(w.value);
      }
    } catch (e) {
      // never leave the workers that did start behind
      for (const w of workers) void w.terminate();
      throw e;
    }
    const fns = Object.fromEntries(POOL_KERNELS.map((k) => [k, hostExports[k]])) as Record<PoolKernel, (...a: number[]) => void>;
    return new WorkerPool(workers, memory, ctl, fns, timeoutMs);
  }

  /** Run `kernel(...args, tid, nt, ctl, canBlock)` on threads 0 … nt−1 (nt ≤ {@link threads}). */
  run(kernel: PoolKernel, args: readonly number[], nt: number): void {
    if (this.closed) throw new WorkerKernelError('the pool was shut down after an earlier failure');
    const i32 = this.i32;
    if (i32[W_ERROR] !== 0) throw new WorkerKernelError('an earlier kernel trapped in a worker');
    if (args.length > MAX_ARGS) throw new RangeError(`worker job with ${args.length} arguments`);
    this.f64.set(args);
    i32[W_OP] = POOL_KERNELS.indexOf(kernel);
    i32[W_NT] = nt;
    Atomics.store(i32, W_DONE, 0);
    Atomics.add(i32, W_JOB, 1);
    Atomics.notify(i32, W_JOB);
    let failure: unknown = null;
    try {
      this.exports[kernel](...args, 0, nt, this.ctl, this.canBlock ? 1 : 0);
    } catch (e) {
      failure = e;
      Atomics.store(i32, W_ABORT, 1);
      Atomics.notify(i32, 1);
    }
    const stuck = this.waitForWorkers();
    const barrierGaveUp = Atomics.load(i32, W_TIMED_OUT) !== 0;
    if (stuck !== null || barrierGaveUp) {
      const why = [
        ...(barrierGaveUp ? [`a thread waited more than ${this.timeoutMs} ms at a per-step barrier for one that never arrived`] : []),
        ...(stuck !== null ? [stuck] : []),
      ];
      this.fail(`${kernel}: ${why.join(', and ')}`);
    }
    if (failure !== null || i32[W_ERROR] !== 0) {
      // barrier state is unknown after an abort: this pool is finished
      this.close();
      throw failure ?? new WorkerKernelError(`${kernel} trapped`);
    }
  }

  /**
   * Wait until every worker has counted itself done; null when they have, else why not (a worker
   * exited, or the time limit passed).
   */
  private waitForWorkers(): string | null {
    const i32 = this.i32;
    const want = this.workers.length;
    let spins = 0;
    let since = 0;
    for (let done = Atomics.load(i32, W_DONE); done < want; done = Atomics.load(i32, W_DONE)) {
      if (++spins <= HOST_SPIN) continue;
      // past the spin budget: sleep a little where this thread may (else check every HOST_SPIN
      // spins), and look at the exits and the clock
      if (this.canBlock) Atomics.wait(i32, W_DONE, done, 5);
      else if (spins % HOST_SPIN !== 0) continue;
      if (Atomics.load(i32, W_EXITED) !== 0) return 'a worker thread exited';
      const now = performance.now();
      if (since === 0) since = now;
      else if (now - since > this.timeoutMs) return `the workers did not finish within ${this.timeoutMs} ms`;
    }
    return null;
  }

  /** Close the pool and throw, with the control block's state for the report. */
  private fail(why: string): never {
    const state = this.describe();
    this.close();
    throw new WorkerKernelError(`${why}; ${state}`);
  }

  /** The control block, in words: which job each worker finished, the barrier's count. */
  private describe(): string {
    const i32 = this.i32;
    const job = Atomics.load(i32, W_JOB);
    const lagging = this.workers
      .map((_, i) => ({ tid: i + 1, last: Atomics.load(i32, W_STATUS + i + 1) }))
      .filter((w) => w.last !== job && w.tid < Atomics.load(i32, W_NT))
      .map((w) => `worker ${w.tid} last finished job ${w.last}`);
    return (
      `job ${job} on ${Atomics.load(i32, W_NT)} threads, ${Atomics.load(i32, W_DONE)} of ${this.workers.length} workers done` +
      `${lagging.length > 0 ? ` (${lagging.join(', ')})` : ''}, barrier ${Atomics.load(i32, 0)} arrived` +
      `${Atomics.load(i32, W_EXITED) !== 0 ? `, ${Atomics.load(i32, W_EXITED)} worker(s) exited` : ''}`
    );
  }

  /** Stop the workers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.i32, W_SHUTDOWN, 1);
    Atomics.add(this.i32, W_JOB, 1);
    Atomics.notify(this.i32, W_JOB);
    for (const w of this.workers) void w.terminate();
  }
}
