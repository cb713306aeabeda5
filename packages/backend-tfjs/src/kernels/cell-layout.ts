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

/**
 * Per-step views of a time-major tensor [T, …]: `step(t)` is its row t. Call inside `tf.tidy`.
 *
 * On most engines this is one `tf.unstack` (on the cpu engine a row is a view). tfjs-backend-wasm's
 * slice (and so unstack and split) first copies the WHOLE input out of the WASM heap, so taking T
 * rows that way costs O(T²·size); there each step is a `tf.gather`, which reads only its row.
 */
export function timeSteps(tf: Tfjs, engine: string, x: TfTensor): (t: number) => TfTensor {
  if (engine !== 'wasm') {
    const rows = tf.unstack(x);
    return (t) => rows[t] as TfTensor;
  }
  return (t) => tf.gather(x, t);
}

/**
 * The input projection of step t, XP_t[B, G·H] = X_t·W_ihᵀ + bias. Call inside `tf.tidy`.
 *
 * On most engines it is one matMul over all T·B rows up front, then a row per step. On the wasm
 * engine, pulling a [B, G·H] row out of the [T, B, G·H] result costs more than the product itself
 * (see {@link timeSteps}), so each step multiplies its own (G·H/I times smaller) input row instead.
 */
export function inputProjection(
  ctx: { readonly tf: Tfjs; readonly engine: string },
  x: TfTensor,
  wIhT: TfTensor,
  bias: TfTensor | null,
): (t: number) => TfTensor {
  const { tf, engine } = ctx;
  const [T, B, I] = x.shape as [number, number, number];
  const project = (rows: TfTensor): TfTensor => {
    const r = tf.matMul(rows, wIhT);
    return bias ? tf.add(r, bias) : r;
  };
  if (engine === 'wasm') {
    const xAt = timeSteps(tf, engine, x);
    return (t) => project(xAt(t));
  }
  const xp = project(tf.reshape(x, [T * B, I])); // [T·B, G·H]
  return timeSteps(tf, engine, tf.reshape(xp, [T, B, xp.shape[1] as number]));
}
