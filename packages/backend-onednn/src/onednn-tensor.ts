/**
 * Tensors of the oneDNN backend: float32 buffers in ordinary host memory (oneDNN's CPU engine reads
 * and writes them in place, so upload/read are copies and nothing is pinned). `memory()` counts live
 * tensors and their bytes, which is what leak tests compare.
 */
import { DisposedTensorError, InvalidArgumentError, OutOfMemoryError, shapeSize, type CellCacheMeta, type Tensor } from '@recur/backend';

const EMPTY = new Float32Array(0);

/** A weight matrix packed by the addon for the streaming path, and the tensor version it was made at. */
export interface PackedWeights {
  /** The matrix it packs is [N, K]. */
  readonly N: number;
  readonly K: number;
  readonly data: Float32Array;
  version: number;
}

/** A handle to a float32 host buffer that the oneDNN kernels use in place. */
export class OnednnTensor implements Tensor {
  readonly backendId: string;
  readonly shape: readonly number[];
  readonly size: number;
  disposed = false;
  /** The buffer (an empty array after dispose, so the memory can be collected). */
  data: Float32Array;
  /** Set on caches returned by `cellForward({ training: true })`. */
  /** What `cellForward({ training: true })` recorded, checked again by `cellBackward`. */
  cacheMeta: CellCacheMeta | null = null;
  /**
   * Bumped by every access that may write the buffer ({@link dataOf}); only {@link readOnlyDataOf}
   * leaves it. A packed copy of a weight matrix is valid while the version it was made at holds.
   */
  version = 0;
  /** Packed copies of this tensor as a weight matrix [N, K] (streaming inference). */
  packs: PackedWeights[] | null = null;

  constructor(backendId: string, shape: readonly number[], data: Float32Array) {
    this.backendId = backendId;
    this.shape = Object.freeze(shape.slice());
    this.size = data.length;
    this.data = data;
  }
}

/** Bytes of freed buffers kept for reuse (per backend). */
const POOL_LIMIT_BYTES = 256 * 2 ** 20;

/**
 * Allocates tensors and counts the live ones. Freed buffers are kept in a pool by size and reused:
 * a training step allocates and frees the same sizes every time, and fresh ArrayBuffers cost a
 * page-faulting zero fill plus garbage collection (measured: ~30 % of a W1 step without the pool).
 */
export class TensorStore {
  private readonly live = new Set<OnednnTensor>();
  private bytes = 0;
  private readonly pool = new Map<number, Float32Array[]>();
  private pooledBytes = 0;

  constructor(
    private readonly backendId: string,
    private readonly backendName: string,
  ) {}

  /**
   * A zero-filled tensor of `shape`. `opaque` is for caches the addon fully writes before reading
   * (`elements` gives their size): a reused buffer is then not zeroed.
   */
  alloc(shape: readonly number[], opaque?: { elements: number }): OnednnTensor {
    const elements = opaque ? opaque.elements : shapeSize(shape, 'alloc.shape');
    let data = this.pool.get(elements)?.pop();
    if (data) {
      this.pooledBytes -= data.byteLength;
      if (!opaque) data.fill(0);
    } else {
      try {
        data = new Float32Array(elements);
      } catch (e) {
        // V8 throws RangeError when it cannot allocate the ArrayBuffer.
        if (e instanceof RangeError) throw new OutOfMemoryError(this.backendName, elements * 4, `host memory for a [${shape.join(', ')}] tensor`);
        throw e;
      }
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
    if (t.data.length > 0 && this.pooledBytes + t.data.byteLength <= POOL_LIMIT_BYTES) {
      const list = this.pool.get(t.data.length);
      if (list) list.push(t.data);
      else this.pool.set(t.data.length, [t.data]);
      this.pooledBytes += t.data.byteLength;
    }
    t.disposed = true;
    t.data = EMPTY;
    t.cacheMeta = null;
    t.packs = null;
  }

  /** Free every live tensor and drop the pool. */
  disposeAll(): void {
    for (const t of [...this.live]) this.dispose(t);
    this.pool.clear();
    this.pooledBytes = 0;
  }

  get liveTensors(): number {
    return this.live.size;
  }

  get liveBytes(): number {
    return this.bytes;
  }
}

/**
 * The buffer of a checked tensor (guards against foreign handle types). The caller may write it,
 * so the tensor's version moves on (packed copies of it become stale).
 */
export function dataOf(t: Tensor, what: string): Float32Array {
  const o = readOnlyDataOf(t, what);
  (t as OnednnTensor).version++;
  return o;
}

/** Like {@link dataOf} for a buffer the caller only reads: the version stays (weights of a forward pass). */
export function readOnlyDataOf(t: Tensor, what: string): Float32Array {
  if (!(t instanceof OnednnTensor)) throw new InvalidArgumentError(what, 'expected a tensor handle created by this oneDNN backend.');
  if (t.disposed) throw new DisposedTensorError(what);
  return t.data;
}

/** Like {@link dataOf}, for optional tensors. */
export function optData(t: Tensor | null | undefined, what: string): Float32Array | null {
  return t ? dataOf(t, what) : null;
}
