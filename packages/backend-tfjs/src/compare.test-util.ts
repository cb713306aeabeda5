/**
 * Test helpers: run the same calls on the tfjs backend and on the float64 CPU reference, and
 * compare with the float32 tolerance of `@recur/backend`.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { mulberry32, toleranceFor, type Backend, type Tensor } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { createTfjsBackend, type TfjsBackend } from './index.js';

/**
 * Create the backends a test file compares, before its tests (the tfjs cpu engine and the float64
 * CPU reference), hand them to `set`, and destroy them after.
 */
export function withBackendPair(set: (tfb: TfjsBackend, ref: Backend) => void): void {
  let made: [TfjsBackend, Backend] | null = null;
  beforeAll(async () => {
    made = [await createTfjsBackend({ engine: 'cpu' }), createCpuBackend({ precision: 'float64' })];
    set(...made);
  });
  afterAll(() => {
    made?.[0].destroy();
    made?.[1].destroy();
  });
}

/** A seeded uniform generator in [lo, hi) (mulberry32), so failures reproduce. */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  const next = mulberry32(seed);
  return (lo = -1, hi = 1) => lo + (hi - lo) * next();
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
