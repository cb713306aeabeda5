/**
 * `createWebgpuBackend`: the Backend contract on WebGPU compute shaders (WGSL), in browsers
 * (`navigator.gpu`) and in Node (the `webgpu` package, Dawn).
 */
import {
  InvalidArgumentError,
  SPECIFICATION_VERSION,
  ShapeError,
  checkCellBackward,
  checkCellForward,
  checkExact,
  checkGemm,
  checkTensor,
  nonNegativeInt,
  normalizeCapabilities,
  shapeSize,
  type Backend,
  type CellBackwardParams,
  type CellForwardParams,
  type FloatArray,
  type GemmParams,
  type MemoryInfo,
  type Tensor,
} from '@recur/backend';
import { acquireDevice, type WebgpuBackendOptions } from './acquire-device.js';
import { GpuContext, type AdapterFacts } from './gpu-context.js';
import { cacheLayout, encodeCellBackward, encodeCellForward, type CellDims } from './kernels/cells.js';
import { encodeGemm } from './kernels/gemm.js';
import * as ops from './kernels/ops.js';
import { WebgpuTensor, bufferOf } from './tensor.js';
import { WEBGPU_CAPABILITIES } from './package-info.js';

let instances = 0;
const contexts = new WeakMap<Backend, GpuContext>();

/** Largest H such that an LSTM's W_hh (4H × H floats) fits in one storage binding. */
export function maxHiddenFor(maxStorageBufferBindingSize: number): number {
  return Math.floor(Math.sqrt(maxStorageBufferBindingSize / 16));
}

/**
 * Create a WebGPU backend. Resolves once a device is ready; rejects with
 * `BackendUnavailableError` (saying why) when there is no WebGPU here.
 *
 * @example Node (Dawn)
 * import { create, globals } from 'webgpu';
 * Object.assign(globalThis, globals);
 * const be = await createWebgpuBackend({ gpu: create([]) });
 * @example Browser
 * const be = await createWebgpuBackend(); // navigator.gpu
 */
export async function createWebgpuBackend(options: WebgpuBackendOptions = {}): Promise<Backend> {
  const acquired = await acquireDevice(options);
  const gemmKernel = options.gemmKernel ?? 'auto';
  if (gemmKernel !== 'auto' && gemmKernel !== 'tiled' && gemmKernel !== 'direct') {
    if (acquired.owned) acquired.device.destroy();
    throw new InvalidArgumentError('gemmKernel', `must be "auto", "tiled" or "direct", got ${String(gemmKernel)}.`);
  }
  const backend = backendOnDevice(acquired.device, acquired.owned, acquired.owners, acquired.info);
  contexts.get(backend)!.gemmKernel = gemmKernel;
  return backend;
}

/** Build the backend object on a ready device. */
export function backendOnDevice(device: GPUDevice, ownsDevice: boolean, owners: readonly unknown[] = [], info: AdapterFacts | null = null): Backend {
  const id = `webgpu#${++instances}`;
  const name = 'webgpu';
  const gpu = new GpuContext(name, device, ownsDevice, owners, info);
  const self = { id, name };
  const live = new Set<WebgpuTensor>();
  let liveBytes = 0;

  function tensorBuffer(t: Tensor, what: string, minSize?: number): GPUBuffer {
    gpu.check();
    checkTensor(self, t, what, minSize);
    if (!(t instanceof WebgpuTensor)) throw new InvalidArgumentError(what, 'expected a tensor handle created by this WebGPU backend.');
    return t.buffer;
  }
  const ctx: ops.OpsContext = {
    gpu,
    live: tensorBuffer,
    exact(t, what, size, shape) {
      gpu.check();
      checkExact(self, t, what, size, shape);
      return tensorBuffer(t, what);
    },
  };
  const opt = (t: Tensor | null | undefined): GPUBuffer | null => (t ? bufferOf(t) : null);

  function newTensor(shape: readonly number[], what: string): WebgpuTensor {
    gpu.check();
    if (!Array.isArray(shape)) throw new InvalidArgumentError(what, 'expected an array of non-negative integer dimensions.');
    const size = shapeSize(shape, what);
    const bytes = size * 4;
    gpu.checkBindable(bytes, `a tensor of shape [${shape.join(', ')}]`);
    const buffer = gpu.storage.acquire(Math.max(bytes, 4));
    const t = new WebgpuTensor(id, [...shape], size, buffer);
    live.add(t);
    liveBytes += bytes;
    return t;
  }

  /** Upload `lengths` for a cell call (or null). */
  function lengthsBuffer(pb: ReturnType<GpuContext['pass']>, lengths: Int32Array | null): GPUBuffer | null {
    return lengths ? pb.tempWith(lengths) : null;
  }

  function dims(p: CellForwardParams | CellBackwardParams, r: { G: number; yStride: number; yOffset: number; reverse: boolean }): CellDims {
    return { cell: p.cell, T: p.T, B: p.B, I: p.I, H: p.H, G: r.G, reverse: r.reverse, yStride: r.yStride, yOffset: r.yOffset };
  }

  const backend: Backend = {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    id,
    capabilities: normalizeCapabilities({ ...WEBGPU_CAPABILITIES, maxHidden: maxHiddenFor(gpu.limits.maxStorageBufferBindingSize) }),

    // ---- memory ---------------------------------------------------------------------------
    alloc(shape) {
      const t = newTensor(shape, 'alloc.shape');
      // Pooled buffers may hold old data: zero the tensor (queued, so ordered before any use).
      if (t.size > 0) {
        const pb = gpu.pass();
        pb.encoder((enc) => enc.clearBuffer(t.buffer, 0, t.size * 4));
        pb.submit();
      }
      return t;
    },
    upload(data, shape) {
      if (!Array.isArray(shape)) throw new InvalidArgumentError('upload.shape', 'expected an array of non-negative integer dimensions.');
      const size = shapeSize(shape, 'upload.shape');
      if (data === null || data === undefined || typeof data.length !== 'number') {
        throw new InvalidArgumentError('upload.data', 'expected an array of numbers.');
      }
      if (data.length !== size) throw new ShapeError('upload.data', `${size} elements for shape [${shape.join(', ')}]`, `${data.length} elements`);
      const t = newTensor(shape, 'upload.shape');
      if (size > 0) {
        const arr = data instanceof Float32Array ? data : Float32Array.from(data);
        device.queue.writeBuffer(t.buffer, 0, arr.buffer, arr.byteOffset, size * 4);
      }
      return t;
    },
    write(t, data, offset = 0) {
      const buf = tensorBuffer(t, 'write.tensor');
      if (data === null || data === undefined || typeof data.length !== 'number') {
        throw new InvalidArgumentError('write.data', 'expected an array of numbers.');
      }
      nonNegativeInt('write.offset', offset);
      if (offset + data.length > t.size) {
        throw new ShapeError('write.data', `at most ${t.size - offset} elements at offset ${offset}`, `${data.length} elements`);
      }
      if (data.length === 0) return;
      const arr = data instanceof Float32Array ? data : Float32Array.from(data);
      device.queue.writeBuffer(buf, offset * 4, arr.buffer, arr.byteOffset, data.length * 4);
    },
    async read(t): Promise<FloatArray> {
      const buf = tensorBuffer(t, 'read.tensor');
      const bytes = await gpu.readBytes(buf, t.size * 4);
      return new Float32Array(bytes);
    },
    dispose(t) {
      if (t === null || t === undefined || t.disposed) return;
      checkTensor(self, t, 'dispose.tensor');
      if (!(t instanceof WebgpuTensor)) throw new InvalidArgumentError('dispose.tensor', 'expected a tensor handle created by this WebGPU backend.');
      if (!live.delete(t)) return;
      t.disposed = true;
      liveBytes -= t.size * 4;
      // After destroy() the pools are gone; the buffer was destroyed with the device.
      try {
        gpu.check();
        gpu.storage.release(t.buffer);
      } catch {
        /* destroyed or lost: nothing to return the buffer to */
      }
    },
    memory(): MemoryInfo {
      return { liveTensors: live.size, liveBytes };
    },
    sync: () => gpu.sync(),
    destroy() {
      for (const t of live) t.disposed = true;
      live.clear();
      liveBytes = 0;
      gpu.destroy();
    },

    // ---- linear algebra and data movement ---------------------------------------------------
    gemm(p: GemmParams) {
      gpu.check();
      const { alpha, beta } = checkGemm(self, p);
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        throw new InvalidArgumentError('gemm.alpha/beta', `must be finite numbers, got alpha=${String(alpha)}, beta=${String(beta)}.`);
      }
      const { m, n, k } = p;
      const transA = p.transA === true;
      const transB = p.transB === true;
      const pb = gpu.pass();
      encodeGemm(
        gpu,
        pb,
        m,
        n,
        k,
        alpha,
        { buf: bufferOf(p.a), off: 0, ld: transA ? m : k, trans: transA },
        { buf: bufferOf(p.b), off: 0, ld: transB ? k : n, trans: transB },
        beta,
        { buf: bufferOf(p.c), off: 0, ld: n },
        p.bias ? { buf: bufferOf(p.bias), off: 0 } : null,
      );
      pb.submit();
    },
    copy: (p) => ops.copy(ctx, p),
    fill: (t, value) => ops.fill(ctx, t, value),
    axpy: (y, x, alpha) => ops.axpy(ctx, y, x, alpha),
    scale: (x, alpha) => ops.scale(ctx, x, alpha),
    mul: (out, a, b) => ops.mul(ctx, out, a, b),
    clipByValue: (x, limit) => ops.clipByValue(ctx, x, limit),
    sumSquares: (x, out) => ops.sumSquares(ctx, x, out),
    sumRows: (x, rows, cols, out, accumulate) => ops.sumRows(ctx, x, rows, cols, out, accumulate),

    // ---- pointwise -----------------------------------------------------------------------------
    activation: (p) => ops.activation(ctx, p),
    activationBackward: (p) => ops.activationBackward(ctx, p),
    softmax: (p) => ops.softmax(ctx, p),

    // ---- recurrent cells --------------------------------------------------------------------------
    cellForward(p: CellForwardParams): Tensor | null {
      gpu.check();
      const r = checkCellForward(self, p);
      const d = dims(p, r);
      const lstm = p.cell === 'lstm';
      checkSequenceLimits(d);
      let cache: WebgpuTensor | null = null;
      if (p.training) {
        cache = newTensor([cacheLayout(p.cell, p.T, p.B, p.H, r.G).size], 'cellForward cache');
        cache.cacheMeta = { cell: p.cell, T: p.T, B: p.B, I: p.I, H: p.H, reverse: r.reverse, lengths: r.lengths ? r.lengths.slice() : null };
      }
      const pb = gpu.pass();
      encodeCellForward(gpu, pb, d, {
        x: bufferOf(p.x),
        wIh: bufferOf(p.wIh),
        wHh: bufferOf(p.wHh),
        bIh: opt(p.bIh),
        bHh: opt(p.bHh),
        h0: opt(p.h0),
        c0: lstm ? opt(p.c0) : null,
        y: bufferOf(p.y),
        hN: bufferOf(p.hN),
        cN: lstm ? opt(p.cN) : null,
        cache: cache ? cache.buffer : null,
        lengths: lengthsBuffer(pb, r.lengths),
      });
      pb.submit();
      return cache;
    },
    cellBackward(p: CellBackwardParams): void {
      gpu.check();
      const r = checkCellBackward(self, p);
      const d = dims(p, r);
      const lstm = p.cell === 'lstm';
      const meta = p.cache instanceof WebgpuTensor ? p.cache.cacheMeta : null;
      if (meta === null) {
        throw new InvalidArgumentError('cache', 'is not a cache returned by cellForward({ training: true }) on this backend.');
      }
      if (meta.cell !== p.cell || meta.T !== p.T || meta.B !== p.B || meta.I !== p.I || meta.H !== p.H || meta.reverse !== r.reverse) {
        throw new ShapeError(
          'cache',
          `a ${p.cell} cache for T=${p.T}, B=${p.B}, I=${p.I}, H=${p.H}${r.reverse ? ', reverse' : ''}`,
          `a ${meta.cell} cache for T=${meta.T}, B=${meta.B}, I=${meta.I}, H=${meta.H}${meta.reverse ? ', reverse' : ''}`,
          'Pass the cache from the cellForward call with the same shape and direction.',
        );
      }
      if (!sameLengths(meta.lengths, r.lengths, p.T)) {
        throw new InvalidArgumentError('lengths', 'differ from the lengths the forward pass (that made this cache) used. Pass the same lengths to cellBackward.');
      }
      checkSequenceLimits(d);
      const pb = gpu.pass();
      encodeCellBackward(gpu, pb, d, {
        x: bufferOf(p.x),
        wIh: bufferOf(p.wIh),
        wHh: bufferOf(p.wHh),
        cache: bufferOf(p.cache),
        dy: opt(p.dy),
        dhN: opt(p.dhN),
        dcN: lstm ? opt(p.dcN) : null,
        dx: opt(p.dx),
        dWih: bufferOf(p.dWih),
        dWhh: bufferOf(p.dWhh),
        dbIh: opt(p.dbIh),
        dbHh: opt(p.dbHh),
        dh0: opt(p.dh0),
        dc0: lstm ? opt(p.dc0) : null,
        lengths: lengthsBuffer(pb, r.lengths),
      });
      pb.submit();
    },

    // ---- training ----------------------------------------------------------------------------------
    loss: (p) => ops.loss(ctx, p),
    optimizerStep: (p) => ops.optimizerStep(ctx, p),
    gather: (p) => ops.gather(ctx, p),
    scatterAdd: (p) => ops.scatterAdd(ctx, p),
  };

  /** The scratch buffers of a sequence (T·B·GH floats) must fit one storage binding. */
  function checkSequenceLimits(d: CellDims): void {
    const gates = d.T * d.B * d.G * d.H * 4;
    gpu.checkBindable(gates, `the gate buffer of a ${d.cell} sequence (T=${d.T}, B=${d.B}, H=${d.H})`);
  }

  contexts.set(backend, gpu);
  return backend;
}

/** Same padding pattern (null means every sequence has length T). */
function sameLengths(a: Int32Array | null, b: Int32Array | null, T: number): boolean {
  const n = a?.length ?? b?.length ?? 0;
  for (let i = 0; i < n; i++) if ((a ? (a[i] as number) : T) !== (b ? (b[i] as number) : T)) return false;
  return true;
}
