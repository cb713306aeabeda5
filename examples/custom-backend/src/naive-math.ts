/**
 * Pointwise math, written for clarity. Shape legend: B batch, T time, I input, H hidden, G gates.
 */

/** σ(x) = 1 / (1 + e^{−x}), written so that it never overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** dot(row r of a [rows, n] matrix, v), starting at offset `vo` of v. */
export function dotRow(a: Float64Array, r: number, n: number, v: Float64Array, vo: number): number {
  let s = 0;
  const base = r * n;
  for (let k = 0; k < n; k++) s += a[base + k]! * v[vo + k]!;
  return s;
}
