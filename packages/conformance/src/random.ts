/**
 * Seeded random numbers, so every backend sees exactly the same inputs and a failure reproduces.
 */
import { mulberry32 } from '@recur/backend';

/** A deterministic uniform generator in [0, 1) (mulberry32). */
export interface Rng {
  /** Next uniform number in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

/** Create a seeded generator. The same seed always yields the same sequence. */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed >>> 0 || 0x9e3779b9);
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.min(n - 1, Math.floor(next() * n)),
  };
}

/**
 * `n` values uniform in [−scale, scale), each rounded to float32 so that a float32 backend and the
 * float64 oracle start from bit-identical inputs (the comparison then measures arithmetic only).
 */
export function randomArray(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(rng.uniform(-scale, scale));
  return out;
}

/** `n` values uniform in [lo, hi), rounded to float32. */
export function randomRange(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(rng.uniform(lo, hi));
  return out;
}
