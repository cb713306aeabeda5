/**
 * Time order and padding masks shared by the forward and backward cell kernels.
 *
 * Padding rule (spec.ts): step t of sequence b is padding when t ≥ lengths[b]. The state is
 * carried unchanged through it, its output row is 0 and no gradient flows through it. The same
 * rule holds for the reverse direction, which therefore starts at each sequence's own last real
 * step.
 */
import type { Tfjs, TfTensor } from '../tf-types.js';

/** The order forward visits time steps: 0..T−1, or T−1..0 for the reverse direction. */
export function forwardOrder(T: number, reverse: boolean): number[] {
  const order = Array.from({ length: T }, (_, i) => i);
  return reverse ? order.reverse() : order;
}

/**
 * Per-step masks, [B, 1] bool (true = real step), or null for steps where every sequence is
 * real (no masking needed). Call inside `tf.tidy`.
 */
export function stepMasks(tf: Tfjs, T: number, B: number, lengths: Int32Array | null): (TfTensor | null)[] {
  const masks: (TfTensor | null)[] = new Array<TfTensor | null>(T).fill(null);
  if (lengths === null) return masks;
  for (let t = 0; t < T; t++) {
    let padded = false;
    const m = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      const real = t < (lengths[b] as number);
      m[b] = real ? 1 : 0;
      if (!real) padded = true;
    }
    if (padded) masks[t] = tf.greater(tf.tensor2d(m, [B, 1]), 0);
  }
  return masks;
}
