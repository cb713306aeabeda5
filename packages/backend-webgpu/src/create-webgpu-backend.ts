/**
 * `createWebgpuBackend`: the Backend contract on WebGPU compute shaders (WGSL), in browsers
 * (`navigator.gpu`) and in Node (the `webgpu` package, Dawn).
 */
import {
  InvalidArgumentError,
  checkExact,
  checkTensor,
  defineBackend,
  shapeSize,
  type Backend,
  type BackendMemory,
  type FloatArray,
  type MemoryInfo,
  type Tensor,
} from '@recur/backend';
import { acquireDevice, type WebgpuBackendOptions } from './acquire-device.js';
import { GpuContext, type AdapterFacts } from './gpu-context.js';
import { WEBGPU_KERNELS, type WebgpuKernelContext } from './kernels/table.js';
import { WebgpuTensor } from './tensor.js';
import { WEBGPU_CAPABILITIES } from './capabilities.js';

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
    checkTensor(self, t, what, minSize);
    if (!(t instanceof WebgpuTensor)) throw new InvalidArgumentError(what, 'expected a tensor handle created by this WebGPU backend.');
    return t.buffer;
  }

  function newTensor(shape: readonly number[], what: string): WebgpuTensor {
    const size = shapeSize(shape, what);
    const bytes = size * 4;
    gpu.checkBindable(bytes, `a tensor of shape [${shape.join(', ')}]`);
    const buffer = gpu.storage.acquire(Math.max(bytes, 4));
    const t = new WebgpuTensor(id, [...shape], size, buffer);
    live.add(t);
    liveBytes += bytes;
    return t;
  }

  const ctx: WebgpuKernelContext = {
    gpu,
    backend: self,
    live: tensorBuffer,
    exact(t, what, size, shape) {
      checkExact(self, t, what, size, shape);
      return tensorBuffer(t, what);
    },
    newTensor,
  };

  const memory: BackendMemory = {
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
      const t = newTensor(shape, 'upload.shape');
      if (t.size > 0) {
        const arr = data instanceof Float32Array ? data : Float32Array.from(data);
        device.queue.writeBuffer(t.buffer, 0, arr.buffer, arr.byteOffset, t.size * 4);
      }
      return t;
    },
    write(t, data, offset = 0) {
      const buf = tensorBuffer(t, 'write.tensor');
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
      checkTensor(self, t, 'dispose.tensor');
      if (!(t instanceof WebgpuTensor)) throw new InvalidArgumentError('dispose.tensor', 'expected a tensor handle created by this WebGPU backend.');
      if (!live.delete(t)) return;
      t.disposed = true;
      liveBytes -= t.size * 4;
      // After a device loss the pools are gone; the buffer was destroyed with the device.
      try {
        gpu.check();
        gpu.storage.release(t.buffer);
      } catch {
        /* lost: nothing to return the buffer to */
      }
    },
    memory: (): MemoryInfo => ({ liveTensors: live.size, liveBytes }),
    sync: () => gpu.sync(),
    destroy() {
      for (const t of live) t.disposed = true;
      live.clear();
      liveBytes = 0;
      gpu.destroy();
    },
  };

  const backend = defineBackend({
    name,
    id,
    factory: 'createWebgpuBackend',
    capabilities: { ...WEBGPU_CAPABILITIES, maxHidden: maxHiddenFor(gpu.limits.maxStorageBufferBindingSize) },
    context: ctx,
    memory,
    kernels: WEBGPU_KERNELS,
    enter: () => gpu.check(), // a lost device says so (DeviceLostError) before any work
  });
  contexts.set(backend, gpu);
  return backend;
}
