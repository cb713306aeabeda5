import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@recur/backend';
import { SeededPermutation } from './random';

describe('SeededPermutation', () => {
  it('is a bijection of [0, n) for many sizes, deterministic per seed', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 17, 64, 100, 1000, 4097]) {
      const p = new SeededPermutation(n, 7);
      const seen = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = p.at(i);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(n);
        seen[v]!++;
      }
      expect(seen.every((c) => c === 1)).toBe(true);
    }
    const a = new SeededPermutation(1000, 1);
    const b = new SeededPermutation(1000, 1);
    const c = new SeededPermutation(1000, 2);
    const seq = (p: SeededPermutation): number[] => Array.from({ length: 1000 }, (_, i) => p.at(i));
    expect(seq(a)).toEqual(seq(b));
    expect(seq(a)).not.toEqual(seq(c));
  });

  it('actually shuffles: few fixed points, order not preserved', () => {
    const n = 10_000;
    const p = new SeededPermutation(n, 3);
    let fixed = 0;
    let ascending = 0;
    for (let i = 0; i < n; i++) {
      if (p.at(i) === i) fixed++;
      if (i > 0 && p.at(i) > p.at(i - 1)) ascending++;
    }
    expect(fixed).toBeLessThan(10); // a random permutation has ~1 fixed point on average
    expect(ascending / (n - 1)).toBeGreaterThan(0.45); // ~0.5 for a random order
    expect(ascending / (n - 1)).toBeLessThan(0.55);
    expect(() => new SeededPermutation(-1, 0)).toThrow(RangeError);
  });

  it('mulberry32 is deterministic in [0, 1)', () => {
    const r = mulberry32(42);
    const xs = Array.from({ length: 100 }, () => r());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const r2 = mulberry32(42);
    expect(r2()).toBe(xs[0]);
  });
});
