/**
 * The plain, backend-free tensor exchange type used by every persistence function: a row-major
 * Float32Array plus its shape. A model's `stateDict()` returns a record of these with PyTorch names.
 */
export interface HostTensor {
  /** Dimensions, outermost first (row-major). `[]` is a scalar holding one value. */
  shape: number[];
  /** Row-major values; `data.length` equals the product of `shape`. */
  data: Float32Array;
}

/** Tensors by name, e.g. `{ 'rnn.weight_ih_l0': { shape: [20, 3], data } }`. */
export type TensorDict = Record<string, HostTensor>;

/** Number of elements a shape holds (1 for a scalar `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[4, 3]` → `"[4, 3]"`, for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
