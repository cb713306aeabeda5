/**
 * Pointwise gate functions, written to stay finite for any finite input.
 *
 * - σ(x) = 1 / (1 + e^(−x)) for x ≥ 0, and e^x / (1 + e^x) for x < 0, so the exponent is never
 *   positive and cannot overflow (σ(±1000) is exactly 1 / 0, never NaN).
 * - tanh is `Math.tanh`, which saturates to ±1.
 * - Derivatives are written in terms of the forward *output* y, which is what the caches keep:
 *   σ' = y(1 − y), tanh' = 1 − y², relu' = [y > 0].
 */

/** Numerically stable logistic sigmoid. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Hyperbolic tangent. */
export const tanh: (x: number) => number = Math.tanh;

/** max(0, x); NaN stays NaN so non-finite values are not hidden. */
export function relu(x: number): number {
  return x > 0 ? x : x <= 0 ? 0 : x;
}
