/**
 * Error mapping of GpuContext, with a scripted stand-in device (no GPU needed): uncaptured
 * out-of-memory → OutOfMemoryError, other GPU errors → WebgpuError, `device.lost` →
 * DeviceLostError, each thrown from the next call.
 */
import { DeviceLostError, OutOfMemoryError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { BackendDestroyedError, DeviceLimitError, WebgpuError } from './errors.js';
import { GpuContext } from './gpu-context.js';

class GPUOutOfMemoryError {
  constructor(readonly message: string) {}
}
class GPUValidationError {
  constructor(readonly message: string) {}
}

function fakeDevice() {
  let listener: ((ev: Event) => void) | null = null;
  let lose: (info: { reason: string; message: string }) => void = () => undefined;
  const scoped: (GPUOutOfMemoryError | null)[] = [];
  const device = {
    limits: { maxStorageBufferBindingSize: 1 << 20, maxBufferSize: 1 << 20, maxComputeWorkgroupsPerDimension: 65535, minUniformBufferOffsetAlignment: 256 },
    lost: new Promise((ok) => (lose = ok)),
    addEventListener: (_: string, fn: (ev: Event) => void) => (listener = fn),
    pushErrorScope: () => undefined,
    popErrorScope: () => Promise.resolve(scoped.shift() ?? null),
    createBuffer: ({ size }: { size: number }) => ({ size, destroy: () => undefined }),
    destroy: () => undefined,
  };
  return {
    device: device as unknown as GPUDevice,
    emit: (error: unknown) => listener?.({ error } as unknown as Event),
    lose,
    failNextAllocation: (msg: string) => scoped.push(new GPUOutOfMemoryError(msg)),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('GpuContext error mapping', () => {
  it('an uncaptured out-of-memory error becomes OutOfMemoryError on the next call, once', () => {
    const f = fakeDevice();
    const ctx = new GpuContext('webgpu', f.device, true);
    f.emit(new GPUOutOfMemoryError('no room'));
    expect(() => ctx.check()).toThrow(OutOfMemoryError);
    expect(() => ctx.check()).not.toThrow();
  });
  it('an allocation that fails inside its out-of-memory scope is reported with its size', async () => {
    const f = fakeDevice();
    const ctx = new GpuContext('webgpu', f.device, true);
    f.failNextAllocation('vram exhausted');
    ctx.storage.acquire(4096);
    await tick();
    expect(() => ctx.check()).toThrow(/4096 bytes \(vram exhausted\)/);
  });
  it('a validation error becomes WebgpuError', () => {
    const f = fakeDevice();
    const ctx = new GpuContext('webgpu', f.device, true);
    f.emit(new GPUValidationError('bad binding'));
    expect(() => ctx.check()).toThrow(WebgpuError);
  });
  it('device loss becomes DeviceLostError naming the reason, on every later call', async () => {
    const f = fakeDevice();
    const ctx = new GpuContext('webgpu', f.device, true);
    f.lose({ reason: 'unknown', message: 'driver reset' });
    await tick();
    expect(() => ctx.check()).toThrow(DeviceLostError);
    expect(() => ctx.check()).toThrow(/driver reset.*Recreate the backend/);
  });
  it('requests above the device limits throw DeviceLimitError before touching the GPU', () => {
    const f = fakeDevice();
    const ctx = new GpuContext('webgpu', f.device, true);
    expect(() => ctx.checkBindable(2 << 20, 'a tensor')).toThrow(DeviceLimitError);
    expect(() => ctx.checkBindable(2 << 20, 'a tensor')).toThrow(/maxStorageBufferBindingSize is 1048576/);
  });
  it('after destroy() every call throws BackendDestroyedError and loss is not reported', async () => {
    const f = fakeDevice();
    const ctx = new GpuContext('webgpu', f.device, true);
    ctx.destroy();
    f.lose({ reason: 'destroyed', message: '' });
    await tick();
    expect(() => ctx.check()).toThrow(BackendDestroyedError);
  });
});
