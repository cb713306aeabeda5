/**
 * The WASM backend's tensor handle: a block of linear memory (`ptr`, a byte offset) plus the
 * public {@link Tensor} fields. `ptr` stays valid when memory grows (offsets never move); views
 * over memory are what must be re-created after a grow.
 */
import type { Tensor } from '@recur/backend';

/** A handle to `size` float32 elements at byte offset `ptr`. */
export class WasmTensor implements Tensor {
  disposed = false;
  constructor(
    readonly backendId: string,
    readonly shape: readonly number[],
    readonly size: number,
    /** Byte offset of element 0 in linear memory. */
    public ptr: number,
  ) {}
}
