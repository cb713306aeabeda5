/**
 * Tensors of the oneDNN backend: float32 buffers in ordinary host memory (oneDNN's CPU engine reads
 * and writes them in place, so upload/read are copies and nothing is pinned). `memory()` counts live
 * tensors and their bytes, which is what leak tests compare.
 */
import { DisposedTensorError, InvalidArgumentError, OutOfMemoryError, shapeSize, type Tensor } from '@recur/backend';

/** What `cellForward({ training: true })` recorded, checked again by `cellBackward`. */
export interface CellCacheMeta {
  readonly cell: string;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly reverse: boolean;
  readonly lengths: Int32Array | null;
}

const EMPTY = new Float32Array(0);

/** A handle to a float32 host buffer that the oneDNN kernels use in place. */
export class OnednnTensor implements Tensor {
  readonly backendId: string;
  readonly shape: readonly number[];
  readonly size: number;
  disposed = false;
  /** The buffer (an empty array after dispose, so the memory can be collected). */
  data: Float32Array;
  /** Set on caches returned by `cellForward({ training: true })`. */
  cacheMeta: CellCacheMeta | null = null;

  constructor(backendId: string, shape: readonly number[], data: Float32Array) {
    this.backendId = backendId;
    this.shape = Object.freeze(shape.slice());
    this.size = data.length;
    this.data = data;
  }
}

/** Allocates tensors and counts the live ones. */
export class TensorStore {
  private readonly live = new Set<OnednnTensor>();
  private bytes = 0;

  constructor(
    private readonly backendId: string,
    private readonly backendName: string,
  ) {}

  /** A zero-filled tensor of `shape` (`elements` overrides the size, for opaque caches). */
  alloc(shape: readonly number[], elements = shapeSize(shape, 'alloc.shape')): OnednnTensor {
    let data: Float32Array;
    try {
      data = new Float32Array(elements);
    } catch (e) {
      // V8 throws RangeError when it cannot allocate the ArrayBuffer.
      if (e instanceof RangeError) throw new OutOfMemoryError(this.backendName, elements * 4, `host memory for a [${shape.join(', ')}] tensor`);
      throw e;
    }
    const t = new OnednnTensor(this.backendId, shape, data);
    this.live.add(t);
    this.bytes += t.data.byteLength;
    return t;
  }

  /** Free `t`; a second call is a no-op. */
  dispose(t: OnednnTensor): void {
    if (t.disposed) return;
    if (!this.live.delete(t)) throw new InvalidArgumentError('dispose', 'this tensor was not allocated by this backend.');
    this.bytes -= t.data.byteLength;
    t.disposed = true;
    t.data = EMPTY;
    t.cacheMeta = null;
  }

  /** Free every live tensor. */
  disposeAll(): void {
    for (const t of [...this.live]) this.dispose(t);
  }

  get liveTensors(): number {
    return this.live.size;
  }

  get liveBytes(): number {
    return this.bytes;
  }
}

/** The buffer of a checked tensor (guards against foreign handle types). */
export function dataOf(t: Tensor, what: string): Float32Array {
  if (!(t instanceof OnednnTensor)) throw new InvalidArgumentError(what, 'expected a tensor handle created by this oneDNN backend.');
  if (t.disposed) throw new DisposedTensorError(what);
  return t.data;
}

/** Like {@link dataOf}, for optional tensors. */
export function optData(t: Tensor | null | undefined, what: string): Float32Array | null {
  return t ? dataOf(t, what) : null;
}
