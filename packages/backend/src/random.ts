/**
 * The one seeded generator of the workspace: conformance inputs, synthetic tasks, shuffles and test
 * data all draw from it, so the same seed gives the same numbers in every package.
 */

/**
 * Uniform floats in [0, 1) from a 32-bit seed (mulberry32: one 32-bit state, period 2³²).
 * Deterministic for a given seed on every platform. Not cryptographic.
 *
 * @example
 * ```ts
 * import { mulberry32 } from '@recur/backend';
 * const next = mulberry32(42);
 * const u = next(); // the same value on every run
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
