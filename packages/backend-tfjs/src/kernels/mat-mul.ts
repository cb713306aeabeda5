/**
 * `op(A)·op(B)` with the transposes done the fastest way for the engine. tfjs-backend-wasm's
 * matMul with `transposeA`/`transposeB` takes a slow path (5–25× slower than the plain product
 * at recur's sizes, measured with tfjs 4.22), so there the operand is transposed explicitly
 * first; the other engines handle the flags natively. Call inside `tf.tidy`.
 */
import type { TfjsContext } from '../context.js';
import type { TfTensor, TfTensor2D } from '../tf-types.js';

/** Engines whose matMul transpose flags are slower than an explicit transpose. */
const EXPLICIT_TRANSPOSE = new Set(['wasm']);

/** Whether this engine's matMul is faster on explicitly transposed operands than with the flags. */
export function explicitTranspose(ctx: TfjsContext): boolean {
  return EXPLICIT_TRANSPOSE.has(ctx.engine);
}

/** `op(a)·op(b)` for 2-D a and b. */
export function matMul(ctx: TfjsContext, a: TfTensor, b: TfTensor, transA = false, transB = false): TfTensor2D {
  const { tf } = ctx;
  if (explicitTranspose(ctx)) {
    return tf.matMul(transA ? tf.transpose(a) : a, transB ? tf.transpose(b) : b) as TfTensor2D;
  }
  return tf.matMul(a as TfTensor2D, b as TfTensor2D, transA, transB);
}
