/**
 * A small seeded PRNG (mulberry32) so synthetic tasks are reproducible across runs, platforms and
 * backends. Not cryptographic.
 */
import { InvalidArgumentError, mulberry32 } from '@recur/backend';

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
  const next = mulberry32(seed);
  return { next, int: (n: number) => Math.floor(next() * n) };
}
