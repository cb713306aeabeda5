import { describe, expect, it } from 'vitest';
import { BufferPool, bucketSize } from './buffer-pool.js';

/** A stand-in for GPUBuffer: the pool only uses `size` and `destroy()`. */
function fakeFactory() {
  const made: { size: number; destroyed: boolean }[] = [];
  const factory = (size: number) => {
    const b = { size, destroyed: false, destroy() { this.destroyed = true; } };
    made.push(b);
    return b as unknown as GPUBuffer;
  };
  return { made, factory };
}

describe('bucketSize', () => {
  it('rounds small requests to 256 bytes and others to powers of two', () => {
    expect(bucketSize(1, 1 << 30)).toBe(256);
    expect(bucketSize(256, 1 << 30)).toBe(256);
    expect(bucketSize(257, 1 << 30)).toBe(512);
    expect(bucketSize(5000, 1 << 30)).toBe(8192);
  });
  it('uses 16 MiB steps above 64 MiB and never exceeds maxBufferSize', () => {
    const MiB = 1024 * 1024;
    expect(bucketSize(65 * MiB, 1 << 30)).toBe(80 * MiB);
    expect(bucketSize(100 * MiB + 4, 101 * MiB)).toBe(100 * MiB + 4);
  });
});

describe('BufferPool', () => {
  it('reuses a released buffer of the same bucket instead of creating one', () => {
    const { made, factory } = fakeFactory();
    const pool = new BufferPool(factory, 1 << 30);
    const a = pool.acquire(1000);
    expect(a.size).toBe(1024);
    pool.release(a);
    expect(pool.idle).toBe(1);
    const b = pool.acquire(900);
    expect(b).toBe(a);
    expect(pool.created).toBe(1);
    expect(pool.reused).toBe(1);
    const c = pool.acquire(3000);
    expect(c).not.toBe(a);
    expect(made).toHaveLength(2);
  });
  it('destroys buffers beyond the kept free bytes, and everything on clear()', () => {
    const { made, factory } = fakeFactory();
    const pool = new BufferPool(factory, 1 << 30, 2048);
    const a = pool.acquire(1024);
    const b = pool.acquire(1024);
    const c = pool.acquire(1024);
    pool.release(a);
    pool.release(b);
    pool.release(c);
    expect(pool.idle).toBe(2);
    expect(made.filter((m) => m.destroyed)).toHaveLength(1);
    pool.clear();
    expect(pool.idle).toBe(0);
    expect(made.every((m) => m.destroyed)).toBe(true);
  });
});
