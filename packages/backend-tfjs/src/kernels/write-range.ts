/**
 * Partial writes. tfjs tensors are immutable, so writing elements [offset, offset + n) of a flat
 * buffer is a concatenation of the untouched head, the new values and the untouched tail.
 */
import type { Tfjs, TfTensor, TfTensor1D } from '../tf-types.js';

/** `old` (flat, `size` elements) with elements [offset, offset + values.size) replaced by `values`. Call inside `tf.tidy`. */
export function spliceFlat(tf: Tfjs, old: TfTensor1D, offset: number, values: TfTensor): TfTensor1D {
  const size = old.size;
  const n = values.size;
  const flat: TfTensor1D = values.rank === 1 ? (values as TfTensor1D) : tf.reshape(values, [n]);
  if (offset === 0 && n === size) return flat;
  const parts: TfTensor[] = [];
  if (offset > 0) parts.push(tf.slice(old, [0], [offset]));
  parts.push(flat);
  if (offset + n < size) parts.push(tf.slice(old, [offset + n], [size - offset - n]));
  return tf.concat(parts, 0) as TfTensor1D;
}

/** The first `n` elements of a flat tensor (the tensor itself when it has exactly `n`). Call inside `tf.tidy`. */
export function head(tf: Tfjs, t: TfTensor1D, n: number): TfTensor1D {
  return t.size === n ? t : tf.slice(t, [0], [n]);
}
