/**
 * Size-bucketed free lists of GPU buffers. Allocation rounds a request up to its bucket
 * (powers of two up to 64 MiB, then multiples of 16 MiB) and takes a free buffer of that bucket
 * when there is one; releasing puts the buffer back. Reuse is safe without waiting for the GPU:
 * every use of a buffer goes through the one queue, whose operations run in submission order.
 */

/** Smallest bucket: 256 bytes (also keeps tiny tensors bindable). */
const MIN_BUCKET = 256;
const POW2_LIMIT = 64 * 1024 * 1024;
const LARGE_STEP = 16 * 1024 * 1024;

/** The bucket size a request of `bytes` is rounded up to, never above `maxBufferSize`. */
export function bucketSize(bytes: number, maxBufferSize: number): number {
  let size: number;
  if (bytes <= MIN_BUCKET) size = MIN_BUCKET;
  else if (bytes <= POW2_LIMIT) size = 2 ** Math.ceil(Math.log2(bytes));
  else size = Math.ceil(bytes / LARGE_STEP) * LARGE_STEP;
  if (size > maxBufferSize) size = Math.ceil(bytes / 4) * 4;
  return size;
}

/** Creates a buffer of exactly `size` bytes with the pool's usage. */
export type BufferFactory = (size: number) => GPUBuffer;

/** Free lists keyed by bucket size, for one kind of buffer usage. */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  /** Buffers created so far (for tests and diagnostics). */
  created = 0;
  /** Buffers served from a free list. */
  reused = 0;

  constructor(
    private readonly factory: BufferFactory,
    private readonly maxBufferSize: number,
    /** Free bytes kept at most; beyond this, released buffers are destroyed. */
    private readonly keepBytes = 256 * 1024 * 1024,
  ) {}

  private freeBytes = 0;

  /** A buffer of at least `bytes` bytes (its `size` is the bucket size). */
  acquire(bytes: number): GPUBuffer {
    const size = bucketSize(bytes, this.maxBufferSize);
    const list = this.free.get(size);
    const hit = list?.pop();
    if (hit) {
      this.reused++;
      this.freeBytes -= size;
      return hit;
    }
    this.created++;
    return this.factory(size);
  }

  /** Give a buffer back for reuse. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.freeBytes + size > this.keepBytes) {
      buffer.destroy();
      return;
    }
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buffer);
    this.freeBytes += size;
  }

  /** Number of buffers waiting in free lists. */
  get idle(): number {
    let n = 0;
    for (const l of this.free.values()) n += l.length;
    return n;
  }

  /** Destroy every free buffer. */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.freeBytes = 0;
  }
}
