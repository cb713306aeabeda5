/**
 * Device tensors and their bookkeeping. A tensor owns one pooled device allocation; `memory()` counts
 * live tensors and their logical bytes (4 per float32 element), which is what leak tests compare.
 */
import { DisposedTensorError, InvalidArgumentError, shapeSize, type CellCacheMeta, type Tensor } from '@recur/backend';
import type { Ptr } from './native.js';


/** A handle to a float32 buffer in device memory. */
export class CudaTensor implements Tensor {
  readonly backendId: string;
  readonly shape: readonly number[];
  readonly size: number;
  disposed = false;
  /** The device pointer (0 for an empty tensor). */
  ptr: Ptr;
  /** Set on caches returned by `cellForward({ training: true })`. */
  cacheMeta: CellCacheMeta | null = null;

  constructor(backendId: string, shape: readonly number[], size: number, ptr: Ptr) {
    this.backendId = backendId;
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this.ptr = ptr;
  }
}

/** Allocates tensors through `allocate`/`release` and counts the live ones. */
export class TensorStore {
  private readonly live = new Set<CudaTensor>();
  private bytes = 0;

  constructor(
    private readonly backendId: string,
    private readonly allocate: (bytes: number) => Ptr,
    private readonly release: (ptr: Ptr) => void,
  ) {}

  /** A zero-filled tensor of `shape`. */
  alloc(shape: readonly number[]): CudaTensor {
    const size = shapeSize(shape, 'alloc.shape');
    const ptr = size > 0 ? this.allocate(size * 4) : 0;
    const t = new CudaTensor(this.backendId, shape, size, ptr);
    this.live.add(t);
    this.bytes += size * 4;
    return t;
  }

  /** Free `t`; a second call is a no-op. */
  dispose(t: CudaTensor): void {
    if (t.disposed) return;
    if (!this.live.delete(t)) throw new InvalidArgumentError('dispose', 'this tensor was not allocated by this backend.');
    this.bytes -= t.size * 4;
    t.disposed = true;
    t.cacheMeta = null;
    const ptr = t.ptr;
    t.ptr = 0;
    if (ptr !== 0) this.release(ptr);
  }

  /** Mark every live tensor disposed (the device memory goes with the context). */
  forgetAll(): void {
    for (const t of this.live) {
      t.disposed = true;
      t.ptr = 0;
      t.cacheMeta = null;
    }
    this.live.clear();
    this.bytes = 0;
  }

  get liveTensors(): number {
    return this.live.size;
  }

  get liveBytes(): number {
    return this.bytes;
  }
}

/** The device pointer of a checked tensor (guards against foreign handle types). */
export function ptrOf(t: Tensor, what: string): Ptr {
  if (!(t instanceof CudaTensor)) throw new InvalidArgumentError(what, 'expected a tensor handle created by this CUDA backend.');
  if (t.disposed) throw new DisposedTensorError(what);
  return t.ptr;
}

/** Like {@link ptrOf}, for optional tensors. */
export function optPtr(t: Tensor | null | undefined, what: string): Ptr | null {
  return t ? ptrOf(t, what) : null;
}
