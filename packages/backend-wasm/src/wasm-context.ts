/**
 * The WASM backend's context: the state its kernels (kernels/*.ts) work on and the memory half of
 * the backend. JS passes byte offsets to one kernel call per operation; a whole recurrent sequence
 * is one call.
 */
import { OutOfMemoryError, checkTensor, shapeSize, type CellCacheMeta, type MemoryInfo, type Tensor } from '@recur/backend';
import { LinearAllocator } from './allocator.js';
import type { KernelExports } from './kernel-exports.js';
import type { KernelBuild } from './load-wasm.js';
import { CONTROL_BYTES, WorkerPool, type PoolKernel } from './worker-pool.js';
import { WasmTensor } from './wasm-tensor.js';

let instanceCounter = 0;

/**
 * The state every WASM kernel works on: the module's exports, its linear memory (a
 * {@link LinearAllocator} and typed views re-made after growth), the scratch and lengths areas,
 * training-cache records and the worker pool. It also holds the memory half of the backend
 * (alloc, upload, write, read, dispose, memory, sync, destroy); `defineBackend` in
 * create-wasm-backend.ts puts it together with the kernel table (kernel-table.ts).
 */
export class WasmContext {
  readonly name = 'wasm';
  readonly id: string;

  private readonly alloc_: LinearAllocator;
  private f32: Float32Array;
  private i32: Int32Array;
  private readonly live = new Set<WasmTensor>();
  private liveBytes = 0;
  private scratchPtr = 0;
  private scratchBytes = 0;
  private lensPtr = 0;
  private lensCap = 0;
  /** What cellForward recorded about each training cache it returned. */
  readonly caches = new WeakMap<Tensor, CellCacheMeta>();
  private viewGeneration = 0;
  /** The worker pool (null on one thread). */
  pool: WorkerPool | null = null;
  /** Byte offset of the worker pool's control block (0 without a pool). */
  ctl = 0;
  /** Cell kernel calls that ran on more than one thread. */
  parallelRuns = 0;

  constructor(
    private readonly mem: WebAssembly.Memory,
    readonly k: KernelExports,
    readonly maxBytes: number,
    readonly kernelBuild: KernelBuild,
    private readonly minStepFlops: number,
    readonly threadsUnavailable: string | null,
  ) {
    this.id = `wasm-${++instanceCounter}`;
    this.alloc_ = new LinearAllocator(mem, k.heapBase(), maxBytes, 'wasm');
    this.f32 = new Float32Array(mem.buffer);
    this.i32 = new Int32Array(mem.buffer);
  }

  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Start the worker pool (shared memory only). */
  async startPool(module: WebAssembly.Module, exports: WebAssembly.Exports, threads: number, timeoutMs: number): Promise<void> {
    this.ctl = this.alloc_.alloc(CONTROL_BYTES);
    this.view().fill(0, this.ctl >>> 2, (this.ctl + CONTROL_BYTES) >>> 2);
    this.pool = await WorkerPool.start(module, this.mem, this.ctl, threads, exports, timeoutMs);
  }

  /**
   * Threads for a sequence of this shape: 1 below the per-step FLOP threshold (2·B·G·H²), otherwise
   * the pool, with at least 8 batch rows per thread (the kernels then split rows: no barrier per
   * step) or else at least 8 hidden units per thread (they split units). The kernels pick the split
   * by the same rule (assembly/threads.ts: splitsBatch).
   */
  threadsFor(G: number, B: number, H: number): number {
    if (this.pool === null || 2 * B * G * H * H < this.minStepFlops) return 1;
    const byRows = Math.floor(B / 8);
    const byUnits = Math.ceil(H / 8);
    return Math.max(1, Math.min(this.pool.threads, Math.max(byRows, byUnits)));
  }

  /** Run a cell kernel on `nt` > 1 threads of the pool. */
  runOnThreads(kernel: PoolKernel, args: number[], nt: number): void {
    this.pool!.run(kernel, args, nt);
    this.parallelRuns++;
  }

  // ---- memory ------------------------------------------------------------------------------------

  /** Views detach when memory grows: re-create them before touching memory from JS. */
  view(): Float32Array {
    // Only the allocator grows memory (the kernels never do), so its generation tells when.
    if (this.viewGeneration !== this.alloc_.generation) {
      this.f32 = new Float32Array(this.mem.buffer);
      this.i32 = new Int32Array(this.mem.buffer);
      this.viewGeneration = this.alloc_.generation;
    }
    return this.f32;
  }

  /** Scratch of at least `bytes` (kept between calls, grown geometrically). */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      // the kernels size their scratch in i32: a negative value means the problem passed 2 GiB
      if (bytes < 0 || bytes > this.maxBytes) throw new OutOfMemoryError(this.name, bytes < 0 ? 2 ** 31 : bytes, 'kernel scratch space for this problem size');
      const want = Math.max(bytes, Math.ceil(this.scratchBytes * 1.5));
      if (this.scratchPtr !== 0) this.alloc_.free(this.scratchPtr);
      this.scratchPtr = 0;
      this.scratchBytes = 0;
      let size = want;
      try {
        this.scratchPtr = this.alloc_.alloc(want);
      } catch (e) {
        // the geometric headroom may not fit under the maximum; the exact request might
        if (want === bytes || !(e instanceof OutOfMemoryError)) throw e;
        this.scratchPtr = this.alloc_.alloc(bytes);
        size = bytes;
      }
      this.scratchBytes = size;
    }
    return this.scratchPtr;
  }

  /** Copy per-sequence lengths into linear memory; 0 when absent. */
  lengths(lengths: Int32Array | null, B: number): number {
    if (lengths === null) return 0;
    if (B > this.lensCap) {
      if (this.lensPtr !== 0) this.alloc_.free(this.lensPtr);
      this.lensPtr = 0;
      this.lensCap = 0;
      this.lensPtr = this.alloc_.alloc(B * 4);
      this.lensCap = B;
    }
    this.view();
    this.i32.set(lengths.subarray(0, B), this.lensPtr >>> 2);
    return this.lensPtr;
  }

  /** A new tensor of `shape` (contents undefined). */
  newTensor(shape: readonly number[]): WasmTensor {
    const size = shapeSize(shape);
    const ptr = this.alloc_.alloc(size * 4);
    const t = new WasmTensor(this.id, [...shape], size, ptr);
    this.live.add(t);
    this.liveBytes += size * 4;
    return t;
  }

  /** A tensor's byte offset (the shared checks have run: it is live, ours and large enough). */
  ptr(t: Tensor): number {
    return (t as WasmTensor).ptr;
  }

  /** {@link ptr}, or 0 for none. */
  optPtr(t: Tensor | null | undefined): number {
    return t ? (t as WasmTensor).ptr : 0;
  }

  // ---- the memory half of the backend (shapes, data and bounds were checked by defineBackend) ----

  alloc(shape: readonly number[]): Tensor {
    const t = this.newTensor(shape);
    this.view().fill(0, t.ptr >>> 2, (t.ptr >>> 2) + t.size);
    return t;
  }

  upload(data: ArrayLike<number>, shape: readonly number[]): Tensor {
    const t = this.newTensor(shape);
    this.view().set(data, t.ptr >>> 2);
    return t;
  }

  write(t: Tensor, data: ArrayLike<number>, offset = 0): void {
    this.view().set(data, ((t as WasmTensor).ptr >>> 2) + offset);
  }

  read(t: Tensor): Promise<Float32Array> {
    const p = (t as WasmTensor).ptr >>> 2;
    return Promise.resolve(this.view().slice(p, p + t.size));
  }

  dispose(t: Tensor): void {
    checkTensor(this, t, 'dispose.tensor');
    const wt = t as WasmTensor;
    wt.disposed = true;
    if (this.live.delete(wt)) {
      this.liveBytes -= wt.size * 4;
      this.alloc_.free(wt.ptr);
    }
  }

  memory(): MemoryInfo {
    return { liveTensors: this.live.size, liveBytes: this.liveBytes };
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  destroy(): void {
    this.pool?.close();
    this.pool = null;
    for (const t of this.live) t.disposed = true;
    this.live.clear();
    this.liveBytes = 0;
  }
}
