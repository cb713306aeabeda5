/**
 * Weight initialisers, computed on the host with the seeded {@link Rng} and uploaded once.
 *
 * - `uniform(k)`: U(−k, k). PyTorch's default for RNN/LSTM/GRU weights and biases is k = 1/√H;
 *   for `nn.Linear` it is k = 1/√fan_in (weight and bias).
 * - `orthogonal`: each H×H gate block of `weight_hh` is an orthogonal matrix (QR of a standard
 *   normal matrix, signs fixed by diag(R) as in `torch.nn.init.orthogonal_`).
 * - `normal`: N(0, 1), PyTorch's default for `nn.Embedding`.
 */
import { InvalidArgumentError } from '@recur/backend';
import type { Rng } from '../random/prng.js';

/** Fill `n` values from U(−k, k). */
export function uniformInit(rng: Rng, n: number, k: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-k, k);
  return out;
}

/** Fill `n` values from N(0, std²). */
export function normalInit(rng: Rng, n: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = std * rng.normal();
  return out;
}

/**
 * A random n×n orthogonal matrix (row-major): Q from the QR factorisation of a standard normal
 * matrix by modified Gram–Schmidt in float64, with each column's sign fixed so that diag(R) > 0.
 */
export function orthogonalMatrix(rng: Rng, n: number, gain = 1): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('n', `must be a positive integer, got ${n}.`);
  // Columns of A, stored column-major in `cols` for convenient Gram–Schmidt.
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    cols.push(v);
  }
  for (let j = 0; j < n; j++) {
    const v = cols[j] as Float64Array;
    for (let p = 0; p < j; p++) {
      const q = cols[p] as Float64Array;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (q[i] as number) * (v[i] as number);
      for (let i = 0; i < n; i++) v[i] = (v[i] as number) - dot * (q[i] as number);
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      // Degenerate draw (probability ~0): fall back to a unit basis vector orthogonal so far.
      v.fill(0);
      v[j] = 1;
      norm = 1;
    }
    for (let i = 0; i < n; i++) v[i] = (v[i] as number) / norm; // positive diag(R) by construction
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = gain * ((cols[j] as Float64Array)[i] as number);
  return out;
}

/** `weight_hh` [G·H, H] made of G orthogonal H×H blocks. */
export function orthogonalRecurrentInit(rng: Rng, gates: number, hidden: number, gain = 1): Float32Array {
  const out = new Float32Array(gates * hidden * hidden);
  for (let g = 0; g < gates; g++) out.set(orthogonalMatrix(rng, hidden, gain), g * hidden * hidden);
  return out;
}
