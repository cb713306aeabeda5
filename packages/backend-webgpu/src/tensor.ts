/**
 * Tensor handles of the WebGPU backend: a pooled GPU buffer plus the logical shape.
 */
import type { CellKind, Tensor } from '@recur/backend';

/** What `cellBackward` checks a cache against. */
export interface CacheMeta {
  readonly cell: CellKind;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly reverse: boolean;
  readonly lengths: Int32Array | null;
}

/** A live or disposed handle to a GPU buffer owned by one backend instance. */
export class WebgpuTensor implements Tensor {
  disposed = false;
  /** Set on caches returned by `cellForward({ training: true })`. */
  cacheMeta: CacheMeta | null = null;
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
