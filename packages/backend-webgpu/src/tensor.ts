/**
 * Tensor handles of the WebGPU backend: a pooled GPU buffer plus the logical shape.
 */
import type { CellCacheMeta, Tensor } from '@recur/backend';

/** A live or disposed handle to a GPU buffer owned by one backend instance. */
export class WebgpuTensor implements Tensor {
  disposed = false;
  /** Set on caches returned by `cellForward({ training: true })`. */
  cacheMeta: CellCacheMeta | null = null;
  constructor(
    readonly backendId: string,
    readonly shape: readonly number[],
    readonly size: number,
    /** The device buffer (its size is the pool bucket, ≥ size·4 bytes). */
    public buffer: GPUBuffer,
  ) {}
}

/** The buffer behind a handle that has already passed `checkTensor`. */
export function bufferOf(t: Tensor): GPUBuffer {
  return (t as WebgpuTensor).buffer;
}
