/**
 * A small seeded PRNG (mulberry32) so synthetic tasks are reproducible across runs, platforms and
 * backends. Not cryptographic.
 */
import { InvalidArgumentError } from '@recur/backend';

/** A seeded source of uniform numbers in [0, 1). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** mulberry32 over a 32-bit state, seeded with any integer. */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new InvalidArgumentError('seed', `must be an integer; got ${String(seed)}.`);
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}
