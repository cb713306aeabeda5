// The unavailable path, which runs everywhere (no GPU here or in CI): the registry lists `cuda` as
// unavailable with a specific reason, createCudaBackend rejects with BackendUnavailableError, and
// nothing crashes. Where a GPU is usable these tests check the available path instead.
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, getBackend, listBackends, resetRegistry } from '@recur/backend';
import { createCudaBackend, probeCuda, registerCudaBackend } from './index.js';
import { loadAddon } from './native.js';

const availability = probeCuda();
const load = loadAddon();
if (!load.ok) console.warn(`[cuda] addon tests skipped: ${load.reason}`);

describe.skipIf(availability.available)('cuda backend where CUDA cannot run', () => {
  afterEach(() => resetRegistry());

  it('listBackends() reports cuda unavailable with a specific, non-empty reason', async () => {
    registerCudaBackend();
    const rows = await listBackends();
    const cuda = rows.find((r) => r.name === 'cuda');
    expect(cuda).toBeDefined();
    expect(cuda!.available).toBe(false);
    expect(cuda!.priority).toBe(30);
    expect(cuda!.reason).toBeTypeOf('string');
    const reason = cuda!.reason!;
    console.warn(`listBackends(): cuda: unavailable — ${reason}`);
    if (load.ok) {
      // The addon loaded, so the reason is the driver's answer, with the CUDA error name and code.
      expect(reason).toMatch(/^CUDA driver: .+ \(cuda\w+, error \d+/);
    } else {
      expect(reason).toMatch(/native addon/);
    }
  });

  it('createCudaBackend() rejects with BackendUnavailableError carrying the same reason', async () => {
    const err = await createCudaBackend().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackendUnavailableError);
    const e = err as BackendUnavailableError;
    expect(e.backend).toBe('cuda');
    expect(e.code).toBe('E_BACKEND_UNAVAILABLE');
    expect(e.reason).toBe((availability as { reason: string }).reason);
  });

  it('useBackend/getBackend("cuda") rejects with BackendUnavailableError naming the reason', async () => {
    registerCudaBackend();
    await expect(getBackend('cuda')).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(getBackend('cuda')).rejects.toThrow((availability as { reason: string }).reason);
  });

  it('bad options are rejected before touching the driver', async () => {
    await expect(createCudaBackend({ device: -1 })).rejects.toThrow(/device: must be a non-negative integer/);
  });
});

// When the addon is built (here: with CUBLAS_HOME set), it must load and report the driver's error
// cleanly. On this machine (no NVIDIA driver) that is error 35, cudaErrorInsufficientDriver.
describe.skipIf(!load.ok || availability.available)('the built addon on a machine without a usable GPU', () => {
  it('probe() returns the driver error instead of throwing', () => {
    if (!load.ok) return;
    const p = load.addon.probe();
    expect(p.ok).toBe(false);
    expect(p.code).toBeGreaterThan(0);
    expect(p.name).toMatch(/^cudaError/);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.runtimeVersion).toBeGreaterThanOrEqual(12000);
    console.warn(`addon probe: ${p.name} (${p.code}): ${p.message}; driver ${p.driverVersion}, runtime ${p.runtimeVersion}, cuBLAS ${p.cublasVersion}`);
    if (p.driverVersion === 0) {
      expect(p.code).toBe(35);
      expect(p.name).toBe('cudaErrorInsufficientDriver');
    }
  });

  it('create() throws a JS error with the CUDA error name and code (mapped to BackendUnavailableError)', async () => {
    if (!load.ok) return;
    let thrown: unknown = null;
    try {
      load.addon.create(0);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    const e = thrown as Error & { source?: string; cudaCode?: number; cudaName?: string; code?: string };
    expect(e.source).toBe('cuda');
    expect(e.code).toBe('E_CUDA');
    expect(e.cudaCode).toBe(load.addon.probe().code);
    expect(e.message).toContain(`${e.cudaName} (${e.cudaCode})`);
    const be = await createCudaBackend().catch((x: unknown) => x);
    expect(be).toBeInstanceOf(BackendUnavailableError);
    expect((be as BackendUnavailableError).reason).toContain(`${e.cudaName}, error ${e.cudaCode}`);
  });

  it('calls with bad arguments throw a JS error instead of crashing', () => {
    if (!load.ok) return;
    const a = load.addon as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const fn of ['alloc', 'free', 'read', 'sync', 'gemm', 'fill', 'cellForward', 'cellBackward', 'loss', 'optimizer', 'info', 'upload']) {
      expect(() => a[fn]!({}, 1, 2, 3, 4, 5, 6, 7, 8, 9), fn).toThrow(/expected a CUDA context|expected \d+ arguments/);
      expect(() => a[fn]!(), fn).toThrow(/expected \d+ arguments/);
    }
    expect(() => load.addon.create(Number.NaN)).toThrow(/device: expected a 32-bit integer/);
    expect(() => (a.create as (x: unknown) => unknown)('zero')).toThrow(/device: expected a number/);
    expect(() => load.addon.cacheSize({ cell: 9, T: 1, B: 1, I: 1, H: 1, reverse: false, yStride: 1, yOffset: 0, lengths: null })).toThrow(/cell: expected 0..3/);
  });

  it('cacheSize matches the documented cache layout', () => {
    if (!load.ok) return;
    const [T, B, H] = [3, 2, 5];
    const size = (cell: number) => load.addon.cacheSize({ cell, T, B, I: 4, H, reverse: false, yStride: H, yOffset: 0, lengths: null });
    // [H_prev T·B·H | gates T·B·G·H | lstm: C_prev, tanh(c) | gru: h_n]
    expect(size(0)).toBe(T * B * H * (1 + 1));
    expect(size(1)).toBe(T * B * H * (1 + 1));
    expect(size(2)).toBe(T * B * H * (1 + 4 + 2));
    expect(size(3)).toBe(T * B * H * (1 + 3 + 1));
  });
});

// The CI path (addon not built) is exercised here too, by pointing the loader at a missing file.
describe('cuda backend when the addon is not built', () => {
  it('probe, listBackends and createCudaBackend all report the recorded reason', async () => {
    const { vi } = await import('vitest');
    const { mkdtempSync, rmSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'recur-cuda-absent-'));
    const old = process.env.RECUR_CUDA_ADDON;
    try {
      mkdirSync(join(dir, 'Release'));
      writeFileSync(join(dir, 'addon-status.json'), JSON.stringify({ built: false, reason: 'cuBLAS was not found in the CUDA toolkit at /usr/local/cuda (no cublas_v2.h / libcublas.so) and CUBLAS_HOME is not set' }));
      process.env.RECUR_CUDA_ADDON = join(dir, 'Release', 'recur_cuda.node');
      vi.resetModules();
      const fresh = await import('./index.js');
      const registry = await import('@recur/backend');
      const p = fresh.probeCuda();
      expect(p.available).toBe(false);
      const reason = (p as { reason: string }).reason;
      expect(reason).toBe('the native addon is not built (cuBLAS was not found in the CUDA toolkit at /usr/local/cuda (no cublas_v2.h / libcublas.so) and CUBLAS_HOME is not set)');
      registry.resetRegistry();
      fresh.registerCudaBackend();
      const row = (await registry.listBackends()).find((r) => r.name === 'cuda');
      expect(row).toMatchObject({ available: false, reason });
      const err = await fresh.createCudaBackend().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(registry.BackendUnavailableError);
      expect((err as InstanceType<typeof registry.BackendUnavailableError>).reason).toBe(reason);
      registry.resetRegistry();
    } finally {
      if (old === undefined) delete process.env.RECUR_CUDA_ADDON;
      else process.env.RECUR_CUDA_ADDON = old;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
