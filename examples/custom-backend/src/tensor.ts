/**
 * Step 2 of the checklist: the handle. A float64 tensor is just a Float64Array plus the
 * fields the contract asks for (`backendId`, `shape`, `size`, `disposed`).
 */
import type { Tensor } from '@recur/backend';

/** The handle this backend gives out. */
export class F64Tensor implements Tensor {
  disposed = false;
  readonly size: number;
  constructor(
    readonly backendId: string,
    readonly shape: readonly number[],
    public data: Float64Array,
  ) {
    this.size = data.length;
  }
}

/** The Float64Array behind a handle (the backend has already validated it). */
export function buf(t: Tensor): Float64Array {
  return (t as F64Tensor).data;
}
