/**
 * Test helpers: run the same calls on the tfjs backend and on the float64 CPU reference, and
 * compare with the float32 tolerance of `@recur/backend`.
 */
import { expect } from 'vitest';
import { toleranceFor, type Backend, type Tensor } from '@recur/backend';

/** A seeded uniform generator in [lo, hi) (mulberry32), so failures reproduce. */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  let s = seed >>> 0;
  return (lo = -1, hi = 1) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + (hi - lo) * u;
  };
}

/** `n` values from `r`. */
export function randomArray(r: (lo?: number, hi?: number) => number, n: number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = r(lo, hi);
  return a;
}

/** The same tensor on two backends. */
export interface Pair {
  readonly tf: Tensor;
  readonly ref: Tensor;
}

/** Upload `data` to both backends. */
export function upload2(tfb: Backend, ref: Backend, data: ArrayLike<number>, shape: readonly number[]): Pair {
  return { tf: tfb.upload(data, shape), ref: ref.upload(data, shape) };
}

/** Assert |a − b| ≤ atol + rtol·|b| elementwise (float32 tolerance), naming the first mismatch. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, scale = 1): void {
  const { rtol, atol } = toleranceFor('float32');
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    const ok = Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= scale * (atol + rtol * Math.abs(b));
    if (!ok) expect.fail(`${what}[${i}]: got ${a}, expected ${b} (|diff| ${Math.abs(a - b)})`);
  }
}

/** Read both sides of a pair and compare. */
export async function expectPairClose(tfb: Backend, ref: Backend, p: Pair, what: string, scale = 1): Promise<void> {
  expectClose(await tfb.read(p.tf), await ref.read(p.ref), what, scale);
}
