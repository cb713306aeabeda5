/**
 * `createWasmBackend`: the Backend contract over recur's AssemblyScript SIMD kernels.
 *
 * JS does argument checks (the shared `check*` helpers, so errors match every backend), memory
 * management (a {@link LinearAllocator} over the module's imported memory) and passes byte offsets
 * to one kernel call per operation. A whole recurrent sequence is one call.
 */
import {
  BackendDestroyedError,
  InvalidArgumentError,
  OutOfMemoryError,
  SPECIFICATION_VERSION,
  ShapeError,
  checkActivation,
  checkCellBackward,
  checkCellForward,
  checkClipLimit,
  checkDim,
  checkFillValue,
  checkGemm,
  checkTensor,
  finiteNumber,
  nonNegativeInt,
  normalizeCapabilities,
  optimizerStateCount,
  shapeSize,
  type ActivationBackwardParams,
  type ActivationParams,
  type CellBackwardParams,
  type CellForwardParams,
  type CopyParams,
  type GatherParams,
  type GemmParams,
  type LossParams,
  type MemoryInfo,
  type OptimizerStepParams,
  type ScatterAddParams,
  type SoftmaxParams,
  type Tensor,
} from '@recur/backend';
import { LinearAllocator } from './allocator.js';
import { ACTIVATION_CODE, CELL_CODE, LOSS_CODE, type KernelExports } from './kernel-exports.js';
import type { KernelBuild } from './load-wasm.js';
import type { WasmBackend } from './wasm-options.js';
import { CONTROL_BYTES, WorkerPool, type PoolKernel } from './worker-pool.js';
import { WasmTensor, type CacheInfo } from './wasm-tensor.js';
import { WASM_CAPABILITIES } from './capabilities.js';

let instanceCounter = 0;

/** The WASM backend object; made by {@link createWasmBackend} (create-wasm-backend.ts). */
export class WasmKernelBackend implements WasmBackend {
  readonly specificationVersion = SPECIFICATION_VERSION;
  readonly name = 'wasm';
  readonly id: string;
  readonly capabilities = normalizeCapabilities(WASM_CAPABILITIES);

  private readonly alloc_: LinearAllocator;
  private f32: Float32Array;
  private i32: Int32Array;
  private readonly live = new Set<WasmTensor>();
  private liveBytes = 0;
  private scratchPtr = 0;
  private scratchBytes = 0;
  private lensPtr = 0;
  private lensCap = 0;
  private readonly caches = new WeakMap<Tensor, CacheInfo>();
  private destroyed = false;
  private viewGeneration = 0;
  private pool: WorkerPool | null = null;
  private ctl = 0;
  parallelRuns = 0;

  constructor(
    private readonly mem: WebAssembly.Memory,
    private readonly k: KernelExports,
    private readonly maxBytes: number,
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
   * the pool, with at least 8 hidden units per thread.
   */
  private threadsFor(G: number, B: number, H: number): number {
    if (this.pool === null || 2 * B * G * H * H < this.minStepFlops) return 1;
    return Math.max(1, Math.min(this.pool.threads, Math.ceil(H / 8)));
  }

  /** Run a cell kernel on `nt` > 1 threads of the pool. */
  private runOnThreads(kernel: PoolKernel, args: number[], nt: number): void {
    this.pool!.run(kernel, args, nt);
    this.parallelRuns++;
  }

  // ---- memory ------------------------------------------------------------------------------------

  /** Views detach when memory grows: re-create them before touching memory from JS. */
  private view(): Float32Array {
    // Only the allocator grows memory (the kernels never do), so its generation tells when.
    if (this.viewGeneration !== this.alloc_.generation) {
      this.f32 = new Float32Array(this.mem.buffer);
      this.i32 = new Int32Array(this.mem.buffer);
      this.viewGeneration = this.alloc_.generation;
    }
    return this.f32;
  }

  private alive(): void {
    if (this.destroyed) throw new BackendDestroyedError(this.id, 'createWasmBackend');
  }

  /** Scratch of at least `bytes` (kept between calls, grown geometrically). */
  private scratch(bytes: number): number {
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
  private lengths(lengths: Int32Array | null, B: number): number {
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

  private newTensor(shape: readonly number[]): WasmTensor {
    this.alive();
    const size = shapeSize(shape);
    const ptr = this.alloc_.alloc(size * 4);
    const t = new WasmTensor(this.id, [...shape], size, ptr);
    this.live.add(t);
    this.liveBytes += size * 4;
    return t;
  }

  private ptr(t: Tensor, what: string, minSize?: number): number {
    checkTensor(this, t, what, minSize);
    return (t as WasmTensor).ptr;
  }

  private optPtr(t: Tensor | null | undefined, what: string, minSize?: number): number {
    return t ? this.ptr(t, what, minSize) : 0;
  }

  alloc(shape: readonly number[]): Tensor {
    const t = this.newTensor(shape);
    this.view().fill(0, t.ptr >>> 2, (t.ptr >>> 2) + t.size);
    return t;
  }

  upload(data: ArrayLike<number>, shape: readonly number[]): Tensor {
    const size = shapeSize(shape);
    if (data === null || data === undefined || typeof data.length !== 'number') throw new InvalidArgumentError('upload.data', 'expected an array of numbers.');
    if (data.length !== size) throw new ShapeError('upload.data', `${size} elements for shape [${shape.join(', ')}]`, `${data.length} elements`);
    const t = this.newTensor(shape);
    this.view().set(data, t.ptr >>> 2);
    return t;
  }

  write(t: Tensor, data: ArrayLike<number>, offset = 0): void {
    this.alive();
    checkTensor(this, t, 'write.tensor');
    if (data === null || data === undefined || typeof data.length !== 'number') throw new InvalidArgumentError('write.data', 'expected an array of numbers.');
    nonNegativeInt('write.offset', offset);
    if (offset + data.length > t.size) {
      throw new ShapeError('write.data', `at most ${t.size - offset} elements (tensor of ${t.size} from offset ${offset})`, `${data.length} elements`);
    }
    this.view().set(data, ((t as WasmTensor).ptr >>> 2) + offset);
  }

  async read(t: Tensor): Promise<Float32Array> {
    this.alive();
    checkTensor(this, t, 'read.tensor');
    const p = (t as WasmTensor).ptr >>> 2;
    return this.view().slice(p, p + t.size);
  }

  dispose(t: Tensor): void {
    if (t === null || t === undefined || t.disposed) return;
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

  async sync(): Promise<void> {
    this.alive();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.pool?.close();
    this.pool = null;
    for (const t of this.live) t.disposed = true;
    this.live.clear();
    this.liveBytes = 0;
    this.destroyed = true;
  }

  // ---- linear algebra and data movement ----------------------------------------------------------

  gemm(p: GemmParams): void {
    this.alive();
    const { alpha, beta } = checkGemm(this, p);
    finiteNumber('gemm.alpha', alpha);
    finiteNumber('gemm.beta', beta);
    const { m, n, k } = p;
    if (4 * (k * 1040 + 3 * (m + k)) + (1 << 20) >= 2 ** 31) {
      throw new OutOfMemoryError(this.name, 4 * k * 1040, `GEMM packing space for k=${k} exceeds 2 GiB; split the product along k`);
    }
    const work = this.scratch(this.k.gemmScratchBytes(m, n, k));
    this.k.gemm(
      m, n, k,
      (p.a as WasmTensor).ptr, p.transA ? m : k, p.transA ? 1 : 0,
      (p.b as WasmTensor).ptr, p.transB ? k : n, p.transB ? 1 : 0,
      alpha, beta,
      (p.c as WasmTensor).ptr, n, p.bias ? (p.bias as WasmTensor).ptr : 0, work,
    );
  }

  copy(p: CopyParams): void {
    this.alive();
    const rows = p.rows ?? 1;
    checkDim('copy.rows', rows);
    checkDim('copy.cols', p.cols);
    const srcOffset = p.srcOffset ?? 0;
    const dstOffset = p.dstOffset ?? 0;
    const srcStride = p.srcStride ?? p.cols;
    const dstStride = p.dstStride ?? p.cols;
    for (const [name, v] of [['copy.srcOffset', srcOffset], ['copy.dstOffset', dstOffset], ['copy.srcStride', srcStride], ['copy.dstStride', dstStride]] as const) {
      nonNegativeInt(name, v);
    }
    const src = this.ptr(p.src, 'copy.src', srcOffset + (rows - 1) * srcStride + p.cols);
    const dst = this.ptr(p.dst, 'copy.dst', dstOffset + (rows - 1) * dstStride + p.cols);
    this.k.copy2d(src + srcOffset * 4, dst + dstOffset * 4, rows, p.cols, srcStride, dstStride, p.accumulate ? 1 : 0);
  }

  fill(t: Tensor, value: number): void {
    this.alive();
    const ptr = this.ptr(t, 'fill.tensor');
    checkFillValue(value);
    this.k.fill(ptr, t.size, value);
  }

  axpy(y: Tensor, x: Tensor, alpha: number): void {
    this.alive();
    const yp = this.ptr(y, 'axpy.y');
    const xp = this.ptr(x, 'axpy.x', y.size);
    finiteNumber('axpy.alpha', alpha);
    this.k.axpy(yp, xp, y.size, alpha);
  }

  scale(x: Tensor, alpha: number): void {
    this.alive();
    const xp = this.ptr(x, 'scale.x');
    finiteNumber('scale.alpha', alpha);
    this.k.scale(xp, x.size, alpha);
  }

  mul(out: Tensor, a: Tensor, b: Tensor): void {
    this.alive();
    const op = this.ptr(out, 'mul.out');
    this.k.mul(op, this.ptr(a, 'mul.a', out.size), this.ptr(b, 'mul.b', out.size), out.size);
  }

  clipByValue(x: Tensor, limit: number): void {
    this.alive();
    const xp = this.ptr(x, 'clipByValue.x');
    checkClipLimit(limit);
    this.k.clip(xp, x.size, limit);
  }

  sumSquares(x: Tensor, out: Tensor): void {
    this.alive();
    const xp = this.ptr(x, 'sumSquares.x');
    const op = this.ptr(out, 'sumSquares.out', 1);
    const s = this.k.sumSquares(xp, x.size);
    this.view()[op >>> 2] = s;
  }

  sumRows(x: Tensor, rows: number, cols: number, out: Tensor, accumulate = false): void {
    this.alive();
    checkDim('sumRows.rows', rows);
    checkDim('sumRows.cols', cols);
    const xp = this.ptr(x, 'sumRows.x', rows * cols);
    const op = this.ptr(out, 'sumRows.out', cols);
    const acc = this.scratch(cols * 8);
    this.k.sumRows(xp, rows, cols, op, accumulate ? 1 : 0, acc);
  }

  // ---- pointwise ---------------------------------------------------------------------------------

  private activationCode(op: string, what: string): number {
    return (ACTIVATION_CODE as Record<string, number>)[checkActivation(op, what)] as number;
  }

  activation(p: ActivationParams): void {
    this.alive();
    const code = this.activationCode(p.op, 'activation.op');
    const xp = this.ptr(p.x, 'activation.x');
    const op = this.ptr(p.out, 'activation.out', p.x.size);
    this.k.activation(code, xp, op, p.x.size);
  }

  activationBackward(p: ActivationBackwardParams): void {
    this.alive();
    const code = this.activationCode(p.op, 'activationBackward.op');
    const n = p.y.size;
    const yp = this.ptr(p.y, 'activationBackward.y');
    this.k.activationBackward(code, yp, this.ptr(p.dy, 'activationBackward.dy', n), this.ptr(p.dx, 'activationBackward.dx', n), n);
  }

  softmax(p: SoftmaxParams): void {
    this.alive();
    checkDim('softmax.rows', p.rows);
    checkDim('softmax.cols', p.cols);
    const temperature = p.temperature ?? 1;
    if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) {
      throw new InvalidArgumentError('softmax.temperature', `must be a positive finite number, got ${String(temperature)}.`);
    }
    const n = p.rows * p.cols;
    this.k.softmax(this.ptr(p.x, 'softmax.x', n), this.ptr(p.out, 'softmax.out', n), p.rows, p.cols, 1 / temperature);
  }

  // ---- recurrent cells ---------------------------------------------------------------------------

  /**
   * The kernels compute byte sizes and offsets in 32-bit integers: refuse (before any work) a
   * sequence whose cache plus scratch could pass 2 GiB, with an error naming the size.
   */
  private checkProblemSize(G: number, T: number, B: number, I: number, H: number): void {
    const TB = T * B;
    const bytes = 4 * (TB * (3 * G * H + 4 * H + I) + G * H * (2 * H + 2 * I + 16)) + (1 << 20);
    if (bytes >= 2 ** 31) {
      throw new OutOfMemoryError(this.name, bytes, 'a sequence must fit in 2 GiB of WASM memory (cache and scratch); split it into shorter chunks or use a smaller batch');
    }
  }

  cellForward(p: CellForwardParams): Tensor | null {
    this.alive();
    const r = checkCellForward(this, p);
    const { T, B, I, H } = p;
    const kind = CELL_CODE[p.cell];
    const training = p.training === true;
    let cache: WasmTensor | null = null;
    this.checkProblemSize(r.G, T, B, I, H);
    if (training) {
      cache = this.newTensor([this.k.cacheFloats(kind, T, B, H)]);
      this.caches.set(cache, { cell: p.cell, T, B, I, H });
    }
    const lens = this.lengths(r.lengths, B);
    const nt = this.threadsFor(r.G, B, H);
    const scratch = this.scratch(this.k.forwardScratchBytes(kind, T, B, I, H, training ? 1 : 0, nt));
    const lstm = kind === 2;
    const k = this.k;
    const xp = (p.x as WasmTensor).ptr, wIh = (p.wIh as WasmTensor).ptr, wHh = (p.wHh as WasmTensor).ptr;
    const bIh = p.bIh ? (p.bIh as WasmTensor).ptr : 0, bHh = p.bHh ? (p.bHh as WasmTensor).ptr : 0;
    const h0 = p.h0 ? (p.h0 as WasmTensor).ptr : 0, c0 = lstm && p.c0 ? (p.c0 as WasmTensor).ptr : 0;
    const y = (p.y as WasmTensor).ptr, hN = (p.hN as WasmTensor).ptr, cN = lstm && p.cN ? (p.cN as WasmTensor).ptr : 0;
    const cp = cache ? cache.ptr : 0;
    const rev = r.reverse ? 1 : 0;
    if (nt > 1) {
      this.runOnThreads('cellForward', [kind, T, B, I, H, rev, lens, xp, wIh, wHh, bIh, bHh, h0, c0, y, r.yStride, r.yOffset, hN, cN, cp, scratch], nt);
    } else {
      // the calling thread alone (streaming lands here: no array, no spread on the hot path)
      k.cellForward(kind, T, B, I, H, rev, lens, xp, wIh, wHh, bIh, bHh, h0, c0, y, r.yStride, r.yOffset, hN, cN, cp, scratch, 0, 1, this.ctl, 0);
    }
    return cache;
  }

  cellBackward(p: CellBackwardParams): void {
    this.alive();
    const r = checkCellBackward(this, p);
    const { T, B, I, H } = p;
    const info = this.caches.get(p.cache);
    if (!info) {
      throw new InvalidArgumentError('cache', 'is not a cache returned by this backend\'s cellForward with training: true.');
    }
    if (info.cell !== p.cell || info.T !== T || info.B !== B || info.I !== I || info.H !== H) {
      throw new InvalidArgumentError(
        'cache',
        `was made by cellForward for ${info.cell} T=${info.T} B=${info.B} I=${info.I} H=${info.H}, but backward was called for ${p.cell} T=${T} B=${B} I=${I} H=${H}.`,
      );
    }
    const kind = CELL_CODE[p.cell];
    const lstm = kind === 2;
    this.checkProblemSize(r.G, T, B, I, H);
    const lens = this.lengths(r.lengths, B);
    const nt = this.threadsFor(r.G, B, H);
    const scratch = this.scratch(this.k.backwardScratchBytes(kind, T, B, I, H, nt));
    const args = [
      kind, T, B, I, H, r.reverse ? 1 : 0, lens,
      (p.x as WasmTensor).ptr, (p.wIh as WasmTensor).ptr, (p.wHh as WasmTensor).ptr, (p.cache as WasmTensor).ptr,
      p.dy ? (p.dy as WasmTensor).ptr : 0, r.yStride, r.yOffset,
      p.dhN ? (p.dhN as WasmTensor).ptr : 0, lstm && p.dcN ? (p.dcN as WasmTensor).ptr : 0,
      p.dx ? (p.dx as WasmTensor).ptr : 0, (p.dWih as WasmTensor).ptr, (p.dWhh as WasmTensor).ptr,
      p.dbIh ? (p.dbIh as WasmTensor).ptr : 0, p.dbHh ? (p.dbHh as WasmTensor).ptr : 0,
      p.dh0 ? (p.dh0 as WasmTensor).ptr : 0, lstm && p.dc0 ? (p.dc0 as WasmTensor).ptr : 0, scratch,
    ];
    if (nt > 1) this.runOnThreads('cellBackward', args, nt);
    else (this.k.cellBackward as (...a: number[]) => void)(...args, 0, 1, this.ctl, 0);
  }

  // ---- training ----------------------------------------------------------------------------------

  loss(p: LossParams): void {
    this.alive();
    const kind = (LOSS_CODE as Record<string, number>)[p.kind];
    if (kind === undefined) throw new InvalidArgumentError('loss.kind', `unknown loss "${String(p.kind)}"; use mse, mae, huber or cross-entropy.`);
    checkDim('loss.n', p.n);
    checkDim('loss.c', p.c);
    const { n, c } = p;
    const ce = p.kind === 'cross-entropy';
    const pred = this.ptr(p.pred, 'loss.pred', n * c);
    const target = this.ptr(p.target, 'loss.target', ce ? n : n * c);
    const weights = this.optPtr(p.weights, 'loss.weights', n);
    const lossPtr = this.ptr(p.loss, 'loss.loss', 1);
    const grad = this.optPtr(p.grad, 'loss.grad', n * c);
    const delta = p.delta ?? 1;
    if (p.kind === 'huber' && !(delta > 0 && Number.isFinite(delta))) throw new InvalidArgumentError('loss.delta', `must be a positive finite number, got ${String(delta)}.`);
    const f = this.view();
    if (ce) {
      const base = target >>> 2;
      for (let r = 0; r < n; r++) {
        const cls = f[base + r] as number;
        if (!Number.isInteger(cls) || cls < 0 || cls >= c) {
          throw new InvalidArgumentError('loss.target', `row ${r} holds class ${cls}, outside [0, ${c}); cross-entropy targets are class indices.`);
        }
      }
    }
    const value = this.k.loss(kind, pred, target, n, c, delta, weights, grad);
    this.view()[lossPtr >>> 2] = value;
  }

  optimizerStep(p: OptimizerStepParams): void {
    this.alive();
    const n = p.param.size;
    const param = this.ptr(p.param, 'optimizer.param');
    const grad = this.ptr(p.grad, 'optimizer.grad', n);
    finiteNumber('optimizer.lr', p.lr);
    if (!Number.isInteger(p.step) || p.step < 1) throw new InvalidArgumentError('optimizer.step', `must be a 1-based integer step count, got ${String(p.step)}.`);
    const momentum = p.momentum ?? 0;
    const need = optimizerStateCount(p.kind, { momentum });
    if (!Array.isArray(p.state) || p.state.length !== need) {
      throw new InvalidArgumentError('optimizer.state', `${p.kind} needs ${need} state tensors${p.kind === 'sgd' || p.kind === 'rmsprop' ? ` with momentum ${momentum}` : ''}, got ${Array.isArray(p.state) ? p.state.length : 'none'}.`);
    }
    const state = p.state.map((s, i) => this.ptr(s, `optimizer.state[${i}]`, n));
    const eps = p.eps ?? 1e-8;
    switch (p.kind) {
      case 'sgd': {
        const wd = p.weightDecay ?? 0;
        this.k.sgd(param, grad, state[0] ?? 0, n, p.lr, wd, momentum, p.dampening ?? 0, p.nesterov ? 1 : 0, p.step === 1 ? 1 : 0);
        return;
      }
      case 'adam':
      case 'adamw': {
        const beta1 = p.beta1 ?? 0.9;
        const beta2 = p.beta2 ?? 0.999;
        const wd = p.weightDecay ?? (p.kind === 'adamw' ? 0.01 : 0);
        const bc1 = 1 - beta1 ** p.step;
        const bc2 = 1 - beta2 ** p.step;
        this.k.adam(param, grad, state[0] as number, state[1] as number, n, p.lr, beta1, beta2, eps, wd, p.kind === 'adamw' ? 1 : 0, p.lr / bc1, 1 / Math.sqrt(bc2));
        return;
      }
      case 'rmsprop': {
        const wd = p.weightDecay ?? 0;
        this.k.rmsprop(param, grad, state[0] as number, state[1] ?? 0, n, p.lr, p.alpha ?? 0.99, eps, wd, momentum);
        return;
      }
      default:
        throw new InvalidArgumentError('optimizer.kind', `unknown optimizer "${String(p.kind)}"; use sgd, adam, adamw or rmsprop.`);
    }
  }

  private checkIndices(indices: Int32Array, dim: number, table: Tensor, what: string): number {
    checkDim(`${what}.dim`, dim);
    if (!(indices instanceof Int32Array)) throw new InvalidArgumentError(`${what}.indices`, 'must be an Int32Array.');
    if (table.size % dim !== 0) throw new ShapeError(`${what}.table`, `a multiple of dim=${dim} elements`, `${table.size} elements`);
    const rows = table.size / dim;
    for (let r = 0; r < indices.length; r++) {
      const ix = indices[r] as number;
      if (ix < 0 || ix >= rows) throw new InvalidArgumentError(`${what}.indices`, `indices[${r}] = ${ix} is outside [0, ${rows}).`);
    }
    return rows;
  }

  gather(p: GatherParams): void {
    this.alive();
    const table = this.ptr(p.table, 'gather.table');
    this.checkIndices(p.indices, p.dim, p.table, 'gather');
    const N = p.indices.length;
    const out = this.ptr(p.out, 'gather.out', N * p.dim);
    const f = this.view();
    const t0 = table >>> 2;
    const o0 = out >>> 2;
    for (let r = 0; r < N; r++) {
      const s = t0 + (p.indices[r] as number) * p.dim;
      f.copyWithin(o0 + r * p.dim, s, s + p.dim);
    }
  }

  scatterAdd(p: ScatterAddParams): void {
    this.alive();
    const dTable = this.ptr(p.dTable, 'scatterAdd.dTable');
    this.checkIndices(p.indices, p.dim, p.dTable, 'scatterAdd');
    const N = p.indices.length;
    const grad = this.ptr(p.grad, 'scatterAdd.grad', N * p.dim);
    for (let r = 0; r < N; r++) {
      this.k.axpy(dTable + (p.indices[r] as number) * p.dim * 4, grad + r * p.dim * 4, p.dim, 1);
    }
  }
}
