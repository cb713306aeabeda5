import { describe, expect, it } from 'vitest';
import { BackendMismatchError, DisposedTensorError, InvalidArgumentError, OutOfMemoryError, ShapeError } from '@recur/backend';
import { createWasmBackend, probeWasmBackend, registerWasmBackend, relaxedSimdSupported } from './index.js';
import { LinearAllocator } from './allocator.js';
import { ensureWasmBuilt } from './testing/ensure-wasm.js';
import { listBackends, resetRegistry, useBackend } from '@recur/backend';

const wasm = ensureWasmBuilt();

describe('LinearAllocator', () => {
  it('reuses freed blocks and coalesces neighbours', () => {
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const a = new LinearAllocator(mem, 1024, 4 * 65536, 'test');
    const p1 = a.alloc(100);
    const p2 = a.alloc(100);
    const p3 = a.alloc(100);
    expect(p1 % 16).toBe(0);
    expect(p2).toBe(p1 + 112);
    a.free(p2);
    expect(a.alloc(50)).toBe(p2); // first fit reuses the hole
    a.free(p1);
    a.free(p2);
    // p1 and p2 merged: a block of 224 bytes fits where they were
    expect(a.alloc(224)).toBe(p1);
    a.free(p3);
    expect(a.liveBlocks).toBe(1);
  });

  it('grows memory when nothing fits, and names the size when it cannot', () => {
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 3 });
    const a = new LinearAllocator(mem, 0, 3 * 65536, 'test');
    const big = a.alloc(100_000);
    expect(mem.buffer.byteLength).toBeGreaterThanOrEqual(2 * 65536);
    expect(big).toBe(0);
    expect(() => a.alloc(200_000)).toThrow(OutOfMemoryError);
    expect(() => a.alloc(200_000)).toThrow(/200000 bytes/);
    a.free(big);
    expect(a.alloc(150_000)).toBe(0);
  });
});

describe('wasm backend memory', () => {
  it('counts live tensors exactly and refuses disposed handles', async () => {
    const b = await createWasmBackend({ wasm });
    const t1 = b.upload([1, 2, 3], [3]);
    const t2 = b.alloc([2, 5]);
    expect(b.memory()).toEqual({ liveTensors: 2, liveBytes: 52 });
    b.dispose(t1);
    b.dispose(t1); // twice is a no-op
    expect(b.memory()).toEqual({ liveTensors: 1, liveBytes: 40 });
    expect(t1.disposed).toBe(true);
    await expect(b.read(t1)).rejects.toThrow(DisposedTensorError);
    expect(() => b.fill(t1, 1)).toThrow(DisposedTensorError);
    b.dispose(t2);
    expect(b.memory()).toEqual({ liveTensors: 0, liveBytes: 0 });
    b.destroy();
  });

  it('keeps data intact across memory growth (views are re-created)', async () => {
    const b = await createWasmBackend({ wasm, initialMemoryMB: 1, maximumMemoryMB: 64 });
    const small = b.upload([7, 8, 9], [3]);
    const big = b.alloc([4 * 2 ** 20]); // 16 MiB forces growth
    b.fill(big, 2);
    expect(Array.from(await b.read(small))).toEqual([7, 8, 9]);
    const r = await b.read(big);
    expect(r[r.length - 1]).toBe(2);
    b.dispose(big);
    b.dispose(small);
    b.destroy();
  });

  it('throws OutOfMemoryError naming the request at the maximum', async () => {
    const b = await createWasmBackend({ wasm, initialMemoryMB: 1, maximumMemoryMB: 8 });
    expect(() => b.alloc([4 * 2 ** 20])).toThrow(OutOfMemoryError);
    expect(() => b.alloc([4 * 2 ** 20])).toThrow(/16777216 bytes/);
    // the backend is still usable afterwards
    const t = b.upload([1], [1]);
    expect(Array.from(await b.read(t))).toEqual([1]);
    b.destroy();
  });

  it('rejects tensors of another backend and wrong upload sizes', async () => {
    const b1 = await createWasmBackend({ wasm });
    const b2 = await createWasmBackend({ wasm });
    const t = b1.alloc([2]);
    expect(() => b2.fill(t, 1)).toThrow(BackendMismatchError);
    expect(() => b1.upload([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => b1.write(t, [1, 2, 3])).toThrow(ShapeError);
    b1.destroy();
    b2.destroy();
    expect(t.disposed).toBe(true);
  });

  it('picks the relaxed-SIMD build by default where the runtime supports it', async () => {
    const auto = await createWasmBackend();
    expect(auto.kernelBuild).toBe(relaxedSimdSupported() ? 'relaxed' : 'baseline');
    const baseline = await createWasmBackend({ relaxedSimd: false });
    expect(baseline.kernelBuild).toBe('baseline');
    const custom = await createWasmBackend({ wasm });
    expect(custom.kernelBuild).toBe('custom');
    for (const b of [auto, baseline, custom]) b.destroy();
  });

  it('loads from bytes and reports a clear error for a bad location', async () => {
    const { readFileSync } = await import('node:fs');
    const b = await createWasmBackend({ wasm: readFileSync(wasm) });
    expect(b.name).toBe('wasm');
    b.destroy();
    await expect(createWasmBackend({ wasm: '/nonexistent/recur.wasm' })).rejects.toThrow(/could not load recur\.wasm/);
  });
});

describe('registry', () => {
  it('registers wasm with priority 10 and a SIMD probe', async () => {
    resetRegistry();
    expect(probeWasmBackend({ threads: 1 })).toEqual({ available: true });
    expect(probeWasmBackend({ threads: 2 })).toEqual({ available: true, note: 'up to 2 threads' });
    registerWasmBackend({ wasm });
    const rows = await listBackends();
    expect(rows).toEqual([expect.objectContaining({ name: 'wasm', available: true, priority: 10 })]);
    const b = await useBackend('wasm');
    expect(b.capabilities).toMatchObject({ training: true, fusedSequence: true, variableLength: true, precision: 'float32' });
    resetRegistry();
  });
});

describe('without SharedArrayBuffer (a page that is not cross-origin isolated)', () => {
  it('runs single-threaded, and the probe and the backend say why and how to fix it', async () => {
    const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean };
    const saved = g.SharedArrayBuffer;
    try {
      delete g.SharedArrayBuffer;
      g.crossOriginIsolated = false;
      const probe = probeWasmBackend({ threads: 4 });
      expect(probe.available).toBe(true);
      expect(probe.available && probe.note).toMatch(/single-threaded: SharedArrayBuffer is unavailable because the page is not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
      resetRegistry();
      registerWasmBackend({ wasm, threads: 4 });
      const [row] = await listBackends();
      expect(row).toMatchObject({ name: 'wasm', available: true, note: probe.available ? probe.note : '' });
      resetRegistry();
      const b = await createWasmBackend({ threads: 4 });
      expect(b.threads).toBe(1);
      expect(b.threadsUnavailable).toMatch(/Cross-Origin-Embedder-Policy/);
      b.destroy();
    } finally {
      g.SharedArrayBuffer = saved;
      delete g.crossOriginIsolated;
    }
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(/threads.*integer from 1 to 256/);
    await expect(createWasmBackend({ threads: 1.5 })).rejects.toThrow(InvalidArgumentError);
  });
});
