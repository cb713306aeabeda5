/**
 * Backend behaviour beyond the conformance suite, on Dawn (SwiftShader where there is no GPU):
 * pooling, limits, disposed handles, device loss, aliasing. Kept small: SwiftShader is slow.
 */
import { BackendUnavailableError, DeviceLostError, DisposedTensorError, InvalidArgumentError, listBackends, registerBackend, resetRegistry } from '@recur/backend';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebgpuBackend } from './create-webgpu-backend.js';
import { mustHaveGpu, setUpDawn } from './dawn.test-util.js';
import { BackendDestroyedError, DeviceLimitError } from './errors.js';
import { probeWebgpu, registerWebgpuBackend } from './register.js';
import type { WebgpuTensor } from './tensor.js';

const setup = await setUpDawn();
if (!setup.ok && mustHaveGpu()) throw new Error(`No WebGPU adapter under CI although /usr/bin/chromium exists: ${setup.reason}`);
if (!setup.ok) console.warn(`[webgpu] skipping Dawn backend tests: ${setup.reason}`);
const gpuIt = setup.ok ? it : it.skip;
const gpu = setup.ok ? setup.gpu : (null as unknown as GPU);

describe('registration and probing', () => {
  afterAll(() => resetRegistry());
  it('listBackends() reports webgpu unavailable with the reason when there is no adapter', async () => {
    const noAdapter = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    registerWebgpuBackend({ gpu: noAdapter });
    registerBackend('other', { create: () => { throw new Error('unused'); }, probe: () => ({ available: true }) });
    const rows = await listBackends();
    const row = rows.find((r) => r.name === 'webgpu');
    expect(row?.available).toBe(false);
    expect(row?.priority).toBe(20);
    expect(row?.reason).toMatch(/no WebGPU adapter was found.*VK_ICD_FILENAMES/);
    await expect(createWebgpuBackend({ gpu: noAdapter })).rejects.toThrow(BackendUnavailableError);
  });
  it('a failing requestAdapter() is a reason too', async () => {
    const broken = { requestAdapter: () => Promise.reject(new Error('GPU process crashed')) } as unknown as GPU;
    expect(await probeWebgpu({ gpu: broken })).toEqual({ available: false, reason: 'requestAdapter() failed: GPU process crashed' });
  });
  gpuIt('is available with Dawn, demoted below wasm on a software adapter (SwiftShader here)', async () => {
    const probe = await probeWebgpu({ gpu });
    expect(probe.available).toBe(true);
    if (probe.available && probe.priority !== undefined) {
      expect(probe.priority).toBeLessThan(10);
      expect(probe.note).toMatch(/software adapter/);
    }
  });
  it('ranks a hardware adapter first and a fallback adapter below wasm', async () => {
    const fake = (info: object) => ({ requestAdapter: async () => ({ info }) }) as unknown as GPU;
    expect(await probeWebgpu({ gpu: fake({ vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: false }) })).toEqual({ available: true });
    const soft = await probeWebgpu({ gpu: fake({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true }) });
    expect(soft).toMatchObject({ available: true, priority: -5 });
  });
});

describe.runIf(setup.ok)('webgpu backend on Dawn', () => {
  it('reuses pooled buffers and zeroes them on alloc; memory() counts exactly', async () => {
    const be = await createWebgpuBackend({ gpu });
    try {
      const a = be.upload([1, 2, 3, 4, 5], [5]);
      expect(be.memory()).toEqual({ liveTensors: 1, liveBytes: 20 });
      const buffer = (a as WebgpuTensor).buffer;
      be.dispose(a);
      expect(be.memory()).toEqual({ liveTensors: 0, liveBytes: 0 });
      const b = be.alloc([2, 3]);
      expect((b as WebgpuTensor).buffer).toBe(buffer);
      expect([...(await be.read(b))]).toEqual([0, 0, 0, 0, 0, 0]);
      be.write(b, [7, 8], 4);
      expect([...(await be.read(b))]).toEqual([0, 0, 0, 0, 7, 8]);
      be.dispose(b);
    } finally {
      be.destroy();
    }
  });

  it('refuses a tensor larger than maxStorageBufferBindingSize with DeviceLimitError', async () => {
    const adapter = await gpu.requestAdapter();
    // A device with default limits (128 MiB bindings), whatever the adapter could give.
    const device = await adapter!.requestDevice();
    const be = await createWebgpuBackend({ device });
    try {
      const limit = device.limits.maxStorageBufferBindingSize;
      expect(() => be.alloc([limit / 4 + 1])).toThrow(DeviceLimitError);
      expect(() => be.alloc([limit / 4 + 1])).toThrow(/maxStorageBufferBindingSize/);
      expect(be.memory().liveTensors).toBe(0);
      expect(be.capabilities.maxHidden).toBe(Math.floor(Math.sqrt(limit / 16)));
    } finally {
      be.destroy();
      device.destroy();
    }
  });

  it('disposed handles and a destroyed backend throw typed errors', async () => {
    const be = await createWebgpuBackend({ gpu });
    const t = be.alloc([4]);
    be.dispose(t);
    expect(() => be.fill(t, 1)).toThrow(DisposedTensorError);
    await expect(be.read(t)).rejects.toThrow(DisposedTensorError);
    expect(() => be.dispose(t)).not.toThrow();
    const u = be.alloc([4]);
    be.destroy();
    expect(u.disposed).toBe(true);
    expect(() => be.alloc([1])).toThrow(BackendDestroyedError);
    await expect(be.sync()).rejects.toThrow(BackendDestroyedError);
    expect(() => be.dispose(u)).not.toThrow();
  });

  it('reads inputs aliased with an output as they were before the kernel', async () => {
    const be = await createWebgpuBackend({ gpu });
    try {
      const y = be.upload([1, 2, 3], [3]);
      be.axpy(y, y, 2);
      expect([...(await be.read(y))]).toEqual([3, 6, 9]);
      const a = be.upload([1, 2, 3, 4], [2, 2]);
      be.gemm({ a, b: a, c: a, m: 2, n: 2, k: 2 });
      expect([...(await be.read(a))]).toEqual([7, 10, 15, 22]);
      const s = be.alloc([3]);
      const g = be.upload([1, 1, 1], [3]);
      // Adam's two state buffers are both written by one dispatch: passing one tensor twice is refused.
      expect(() => be.optimizerStep({ kind: 'adam', param: y, grad: g, state: [s, s], lr: 0.1, step: 1 })).toThrow(/same tensor was passed for two outputs/);
      be.dispose(g);
      for (const t of [y, a, s]) be.dispose(t);
    } finally {
      be.destroy();
    }
  });

  it('device loss becomes DeviceLostError from the next call', async () => {
    const adapter = await gpu.requestAdapter();
    const device = await adapter!.requestDevice();
    const be = await createWebgpuBackend({ device });
    const t = be.upload([1, 2], [2]);
    device.destroy();
    await device.lost;
    await new Promise((r) => setTimeout(r, 0));
    expect(() => be.fill(t, 0)).toThrow(DeviceLostError);
    await expect(be.read(t)).rejects.toThrow(/lost its device: the device was destroyed.*Recreate the backend/);
    be.destroy();
  });

  it('rejects a cache from another call shape with a typed error', async () => {
    const be = await createWebgpuBackend({ gpu });
    try {
      const wIh = be.alloc([1, 1]);
      const wHh = be.alloc([1, 1]);
      const x = be.alloc([2, 1, 1]);
      const y = be.alloc([2, 1, 1]);
      const notCache = be.alloc([3]);
      expect(() =>
        be.cellBackward({ cell: 'rnn-tanh', T: 2, B: 1, I: 1, H: 1, wIh, wHh, bIh: null, bHh: null, x, h0: null, cache: notCache, dy: y, dx: null, dWih: be.alloc([1, 1]), dWhh: be.alloc([1, 1]), dbIh: null, dbHh: null }),
      ).toThrow(InvalidArgumentError);
    } finally {
      be.destroy();
    }
  });
});
