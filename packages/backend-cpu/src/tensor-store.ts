/**
 * Host-memory tensors and their bookkeeping: every live buffer is counted, so leak tests can
 * check that a run leaves nothing behind (`memory()`).
 */
import { DisposedTensorError, InvalidArgumentError, shapeSize, type CellCacheMeta, type Tensor } from '@recur/backend';

/** Storage of a CPU tensor: Float32Array (default) or Float64Array (the oracle mode). */
export type CpuArray = Float32Array | Float64Array;

/** Constructor of the storage array type. */
export type CpuArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor;


/** A tensor handle whose buffer lives in ordinary host memory. */
export class CpuTensor implements Tensor {
  readonly backendId: string;
  readonly shape: readonly number[];
  readonly size: number;
  disposed = false;
  /** The buffer (replaced by an empty array on dispose, so the memory can be collected). */
  data: CpuArray;
  /** Set on cache tensors returned by `cellForward({ training: true })`. */
  cacheMeta: CellCacheMeta | null = null;

  constructor(backendId: string, shape: readonly number[], data: CpuArray) {
    this.backendId = backendId;
    this.shape = Object.freeze(shape.slice());
    this.size = data.length;
    this.data = data;
  }
}

/** Allocates tensors and counts the live ones. */
export class TensorStore {
  private readonly live = new Set<CpuTensor>();
  private bytes = 0;

  constructor(
    private readonly backendId: string,
    readonly ctor: CpuArrayCtor,
  ) {}

  /** A zero-filled tensor of `shape`. */
  alloc(shape: readonly number[]): CpuTensor {
    const size = shapeSize(shape, 'alloc.shape');
    return this.adopt(new this.ctor(size), shape);
  }

  /** Wrap an array this store now owns (its length must match `shape`). */
  adopt(data: CpuArray, shape: readonly number[]): CpuTensor {
    const t = new CpuTensor(this.backendId, shape, data);
    this.live.add(t);
    this.bytes += data.byteLength;
    return t;
  }

  /** Free `t`; a second call is a no-op. */
  dispose(t: CpuTensor): void {
    if (t.disposed) return;
    if (!this.live.delete(t)) {
      throw new InvalidArgumentError('dispose', 'this tensor was not allocated by this backend.');
    }
    this.bytes -= t.data.byteLength;
    t.disposed = true;
    t.data = new this.ctor(0);
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

/** The buffer of a checked tensor (checks already ran; this guards against foreign handle types). */
export function dataOf(t: Tensor, what: string): CpuArray {
  if (!(t instanceof CpuTensor)) {
    throw new InvalidArgumentError(what, 'expected a tensor handle created by this CPU backend.');
  }
  if (t.disposed) throw new DisposedTensorError(what);
  return t.data;
}
