/** Test support: seeded random data and tolerance comparison (float32 vs a float64 reference). */
import { expect } from 'vitest';
import { mulberry32 } from '@recur/backend';

/** Deterministic uniform numbers in [lo, hi) (mulberry32). */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  const next = mulberry32(seed);
  return (lo = -1, hi = 1) => lo + (hi - lo) * next();
}

/** n random numbers in [lo, hi). */
export function randArray(r: (lo?: number, hi?: number) => number, n: number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = r(lo, hi);
  return a;
}

/** |a − b| ≤ atol + rtol·|b| element-wise; the failure names the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 2e-4, atol = 2e-5): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    const excess = Math.abs(a - b) - (atol + rtol * Math.abs(b));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}
