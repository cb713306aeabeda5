/**
 * One device and everything shared by the kernels: buffer pools, compiled pipelines, error and
 * device-loss tracking, and {@link PassBuilder}, which turns one backend call into one command
 * buffer (a whole sequence included) with a single submit.
 */
import { DeviceLostError, InvalidArgumentError, OutOfMemoryError } from '@recur/backend';
import { BufferPool } from './buffer-pool.js';
import { BackendDestroyedError, DeviceLimitError, WebgpuError } from './errors.js';

// GPUBufferUsage / GPUMapMode / GPUShaderStage values, spelled out so the code does not depend on
// Dawn's globals being installed on globalThis.
const USAGE_MAP_READ = 1;
const USAGE_COPY_SRC = 4;
const USAGE_COPY_DST = 8;
const USAGE_UNIFORM = 64;
const USAGE_STORAGE = 128;
const MAP_MODE_READ = 1;
const STAGE_COMPUTE = 4;

/** Bytes of one uniform parameter slot (the struct of every kernel fits in 64 scalars). */
const SLOT_BYTES = 256;

/** A compute kernel: WGSL source and the access of its storage bindings 1..n ('r' read, 'w' read-write). */
export interface KernelSpec {
  readonly name: string;
  readonly code: string;
  readonly bindings: string;
}

interface Compiled {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** The limits the backend checks requests against. */
export interface DeviceLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly minUniformBufferOffsetAlignment: number;
}

/** The few adapter facts the backend looks at. */
export interface AdapterFacts {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

/** True for software adapters (SwiftShader, lavapipe/llvmpipe, WARP). */
export function isCpuEmulated(info: AdapterFacts | null): boolean {
  if (!info) return false;
  if (info.isFallbackAdapter === true) return true;
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`.toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|microsoft basic render|warp/.test(text);
}

/** Shared state of one backend instance's device. */
export class GpuContext {
  readonly limits: DeviceLimits;
  readonly storage: BufferPool;
  readonly staging: BufferPool;
  readonly uniforms: BufferPool;
  private readonly pipelines = new Map<string, Compiled>();
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  private pendingError: Error | null = null;
  private lostDetail: string | null = null;
  private destroyed = false;
  /** The adapter is a CPU emulation (SwiftShader, lavapipe): kernels avoid workgroup barriers. */
  readonly cpuEmulated: boolean;
  /** GEMM kernel choice ('auto': by shape and adapter). */
  gemmKernel: 'auto' | 'tiled' | 'direct' = 'auto';
  /** Read-only and writable placeholders bound where an optional tensor is absent. */
  readonly dummyRead: GPUBuffer;
  readonly dummyWrite: readonly GPUBuffer[];

  constructor(
    readonly name: string,
    readonly device: GPUDevice,
    private readonly owned: boolean,
    /** Objects kept referenced while the device lives (Dawn's GPU instance and adapter). */
    private owners: readonly unknown[] = [],
    adapterInfo: AdapterFacts | null = null,
  ) {
    const info = adapterInfo ?? (device as { adapterInfo?: AdapterFacts }).adapterInfo ?? null;
    this.cpuEmulated = isCpuEmulated(info);
    const l = device.limits;
    this.limits = {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      minUniformBufferOffsetAlignment: Math.max(SLOT_BYTES, l.minUniformBufferOffsetAlignment),
    };
    const storageUsage = USAGE_STORAGE | USAGE_COPY_SRC | USAGE_COPY_DST;
    this.storage = new BufferPool((size) => this.createBuffer(size, storageUsage, 'recur tensor'), this.limits.maxBufferSize);
    this.staging = new BufferPool((size) => this.createBuffer(size, USAGE_MAP_READ | USAGE_COPY_DST, 'recur staging'), this.limits.maxBufferSize, 64 * 1024 * 1024);
    this.uniforms = new BufferPool((size) => this.createBuffer(size, USAGE_UNIFORM | USAGE_COPY_DST, 'recur params'), this.limits.maxBufferSize, 16 * 1024 * 1024);
    this.dummyRead = this.createBuffer(256, storageUsage, 'recur dummy');
    this.dummyWrite = [0, 1, 2].map(() => this.createBuffer(256, storageUsage, 'recur dummy'));
    device.lost.then(
      (info) => {
        if (!this.destroyed) this.lostDetail = `${info.reason === 'destroyed' ? 'the device was destroyed' : `the device was lost (${String(info.reason)})`}${info.message ? `: ${info.message}` : ''}`;
      },
      () => undefined,
    );
    const onError = (ev: Event) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      this.recordGpuError(err, 0);
    };
    if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
    else (device as { onuncapturederror: unknown }).onuncapturederror = onError;
  }

  private recordGpuError(err: GPUError | null | undefined, bytes: number): void {
    if (!err || this.pendingError) return;
    const isOom = (typeof GPUOutOfMemoryError !== 'undefined' && err instanceof GPUOutOfMemoryError) || err.constructor?.name === 'GPUOutOfMemoryError';
    this.pendingError = isOom ? new OutOfMemoryError(this.name, bytes, err.message || 'the GPU reported out-of-memory') : new WebgpuError(this.name, err.message);
  }

  /** Throws if the backend was destroyed, the device lost, or the GPU reported an error since the last call. */
  check(): void {
    if (this.destroyed) throw new BackendDestroyedError(this.name, 'createWebgpuBackend');
    if (this.lostDetail !== null) throw new DeviceLostError(this.name, this.lostDetail);
    if (this.pendingError) {
      const e = this.pendingError;
      this.pendingError = null;
      throw e;
    }
  }

  /** True once `device.lost` resolved (not through `destroy`). */
  get lost(): boolean {
    return this.lostDetail !== null;
  }

  private createBuffer(size: number, usage: number, label: string): GPUBuffer {
    if (size > this.limits.maxBufferSize) {
      throw new DeviceLimitError(this.name, `a buffer of ${size} bytes`, 'maxBufferSize', size, this.limits.maxBufferSize);
    }
    this.device.pushErrorScope('out-of-memory');
    let buffer: GPUBuffer;
    try {
      buffer = this.device.createBuffer({ size, usage, label });
    } catch (e) {
      void this.device.popErrorScope();
      throw new OutOfMemoryError(this.name, size, e instanceof Error ? e.message : String(e));
    }
    this.device.popErrorScope().then(
      (err) => this.recordGpuError(err, size),
      () => undefined,
    );
    return buffer;
  }

  /** Check that a tensor of `bytes` can be bound as one storage buffer. */
  checkBindable(bytes: number, what: string): void {
    if (bytes > this.limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(this.name, `${what} (${bytes} bytes)`, 'maxStorageBufferBindingSize', bytes, this.limits.maxStorageBufferBindingSize);
    }
  }

  /** A stable small id per buffer (bind group cache keys). */
  idOf(b: GPUBuffer): number {
    let id = this.ids.get(b);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(b, id);
    }
    return id;
  }

  /** The compiled pipeline of a kernel (compiled on first use). */
  compiled(spec: KernelSpec): Compiled {
    let c = this.pipelines.get(spec.name);
    if (c) return c;
    const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: STAGE_COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 0 } }];
    for (let i = 0; i < spec.bindings.length; i++) {
      entries.push({ binding: i + 1, visibility: STAGE_COMPUTE, buffer: { type: spec.bindings[i] === 'w' ? 'storage' : 'read-only-storage' } });
    }
    const layout = this.device.createBindGroupLayout({ label: spec.name, entries });
    const module = this.device.createShaderModule({ label: spec.name, code: spec.code });
    const pipeline = this.device.createComputePipeline({
      label: spec.name,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    c = { pipeline, layout };
    this.pipelines.set(spec.name, c);
    return c;
  }

  /** A builder for one command buffer. */
  pass(): PassBuilder {
    this.check();
    return new PassBuilder(this);
  }

  /** Copy `bytes` bytes of `src` back to the host. */
  async readBytes(src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.check();
    if (bytes === 0) return new ArrayBuffer(0);
    const staging = this.staging.acquire(bytes);
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, staging, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, bytes);
    } catch (e) {
      this.check();
      throw new WebgpuError(this.name, `reading back a buffer failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const out = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.staging.release(staging);
    this.check();
    return out;
  }

  /** Wait for every submitted command buffer. */
  async sync(): Promise<void> {
    this.check();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  /** Free the pools and (when recur created it) the device. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.storage.clear();
    this.staging.clear();
    this.uniforms.clear();
    this.dummyRead.destroy();
    for (const b of this.dummyWrite) b.destroy();
    this.pipelines.clear();
    if (this.owned) this.device.destroy();
    this.owners = [];
  }
}

type Op =
  | { readonly kind: 'dispatch'; readonly spec: KernelSpec; readonly slot: number; readonly buffers: readonly GPUBuffer[]; readonly x: number; readonly y: number; readonly z: number }
  | { readonly kind: 'encoder'; readonly run: (enc: GPUCommandEncoder) => void };

/**
 * Collects the work of one backend call: compute dispatches (each with a uniform parameter slot,
 * bound through a dynamic offset into one uniform buffer) and copy/clear commands. `submit()`
 * encodes them into ONE command buffer, with consecutive dispatches sharing one compute pass.
 */
export class PassBuilder {
  private readonly ops: Op[] = [];
  private readonly slotData: ArrayBuffer[] = [];
  private readonly temps: GPUBuffer[] = [];

  constructor(private readonly ctx: GpuContext) {}

  /** A scratch storage buffer of at least `bytes` bytes, returned to the pool after submit. */
  temp(bytes: number): GPUBuffer {
    this.ctx.checkBindable(bytes, 'a scratch buffer');
    const b = this.ctx.storage.acquire(Math.max(bytes, 4));
    this.temps.push(b);
    return b;
  }

  /** A scratch buffer holding `data` (written through the queue before this submit). */
  tempWith(data: Int32Array | Uint32Array | Float32Array): GPUBuffer {
    const b = this.temp(data.byteLength);
    if (data.byteLength > 0) this.ctx.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  }

  /**
   * One uniform parameter slot. `types` has one letter per value: `u` u32, `i` i32, `f` f32 —
   * in the order of the kernel's `struct P` fields.
   */
  slot(types: string, values: readonly number[]): number {
    const buf = new ArrayBuffer(SLOT_BYTES);
    const dv = new DataView(buf);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      const t = types[i];
      if (t === 'f') dv.setFloat32(i * 4, v, true);
      else if (t === 'i') dv.setInt32(i * 4, v, true);
      else dv.setUint32(i * 4, v >>> 0, true);
    }
    this.slotData.push(buf);
    return this.slotData.length - 1;
  }

  /**
   * Dispatch `spec` over an x × y grid of workgroups with parameter `slot`. A buffer bound both
   * for reading and for writing is read from a copy taken just before this dispatch (so results
   * are as if every input were read first); two writable bindings of one buffer are refused.
   */
  dispatch(spec: KernelSpec, slot: number, buffers: readonly GPUBuffer[], x: number, y = 1, z = 1): void {
    if (x === 0 || y === 0 || z === 0) return;
    const max = this.ctx.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) {
      throw new DeviceLimitError(this.ctx.name, `kernel ${spec.name} (a grid of ${x}×${y}×${z} workgroups)`, 'maxComputeWorkgroupsPerDimension', Math.max(x, y, z), max);
    }
    const bound = [...buffers];
    for (let i = 0; i < bound.length; i++) {
      if (spec.bindings[i] !== 'w') continue;
      for (let j = 0; j < bound.length; j++) {
        if (j === i || bound[j] !== bound[i]) continue;
        if (spec.bindings[j] === 'w') {
          throw new InvalidArgumentError(spec.name, 'the same tensor was passed for two outputs; pass distinct tensors.');
        }
        const src = bound[j] as GPUBuffer;
        const copy = this.temp(src.size);
        this.encoder((enc) => enc.copyBufferToBuffer(src, 0, copy, 0, src.size));
        for (let k = 0; k < bound.length; k++) if (bound[k] === src && spec.bindings[k] !== 'w') bound[k] = copy;
      }
    }
    this.ops.push({ kind: 'dispatch', spec, slot, buffers: bound, x, y, z });
  }

  /** Dispatch one invocation per element of `n`, with workgroups of `wg` threads (1-D, folded into 2-D when large). */
  dispatchFlat(spec: KernelSpec, slot: number, buffers: readonly GPUBuffer[], n: number, wg = 64): void {
    const groups = Math.ceil(n / wg);
    if (groups === 0) return;
    const max = this.ctx.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(groups, max);
    this.dispatch(spec, slot, buffers, x, Math.ceil(groups / x));
  }

  /** A copy/clear command between dispatches (it ends the current compute pass). */
  encoder(run: (enc: GPUCommandEncoder) => void): void {
    this.ops.push({ kind: 'encoder', run });
  }

  /** Encode everything into one command buffer and submit it. */
  submit(): void {
    const ctx = this.ctx;
    const device = ctx.device;
    const align = ctx.limits.minUniformBufferOffsetAlignment;
    let uniform: GPUBuffer | null = null;
    if (this.slotData.length > 0) {
      const data = new Uint8Array(this.slotData.length * align);
      this.slotData.forEach((s, i) => data.set(new Uint8Array(s), i * align));
      uniform = ctx.uniforms.acquire(data.byteLength);
      device.queue.writeBuffer(uniform, 0, data);
    }
    const groups = new Map<string, GPUBindGroup>();
    const enc = device.createCommandEncoder({ label: 'recur' });
    let pass: GPUComputePassEncoder | null = null;
    for (const op of this.ops) {
      if (op.kind === 'encoder') {
        if (pass) {
          pass.end();
          pass = null;
        }
        op.run(enc);
        continue;
      }
      if (!uniform) throw new Error('internal: dispatch without a parameter slot');
      const { pipeline, layout } = ctx.compiled(op.spec);
      const key = `${op.spec.name}|${op.buffers.map((b) => ctx.idOf(b)).join(',')}`;
      let group = groups.get(key);
      if (!group) {
        const maxBind = ctx.limits.maxStorageBufferBindingSize;
        const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform, offset: 0, size: SLOT_BYTES } }];
        op.buffers.forEach((b, i) => entries.push({ binding: i + 1, resource: { buffer: b, offset: 0, size: Math.min(b.size, maxBind - (maxBind % 4)) } }));
        group = device.createBindGroup({ layout, entries });
        groups.set(key, group);
      }
      pass ??= enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group, [op.slot * align]);
      pass.dispatchWorkgroups(op.x, op.y, op.z);
    }
    if (pass) pass.end();
    device.queue.submit([enc.finish()]);
    // Safe to reuse at once: later uses are queued after this submit.
    for (const t of this.temps) ctx.storage.release(t);
    if (uniform) ctx.uniforms.release(uniform);
  }
}
