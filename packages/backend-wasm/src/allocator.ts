/**
 * A first-fit allocator with coalescing over a WebAssembly linear memory. Blocks are 16-byte
 * aligned (so SIMD loads are aligned). Freed blocks return to an offset-sorted free list and merge
 * with their neighbours; when nothing fits, memory grows (`memory.grow`) up to `maxBytes`, and a
 * request that still cannot be met throws {@link OutOfMemoryError} naming its size.
 */
import { OutOfMemoryError } from '@recur/backend';

const ALIGN = 16;
const PAGE = 65536;

/** Allocation over [base, memory.buffer.byteLength). Offsets are byte addresses. */
export class LinearAllocator {
  private readonly freeOff: number[] = [];
  private readonly freeLen: number[] = [];
  private readonly used = new Map<number, number>();
  private end: number;
  /** Incremented on every `memory.grow`: views made before a change are detached. */
  generation = 0;

  /**
   * @param memory  the memory to carve (grown on demand)
   * @param base    first usable byte (after the module's static data)
   * @param maxBytes hard ceiling for the memory size
   * @param backendName used in error messages
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
    private readonly maxBytes: number,
    private readonly backendName: string,
  ) {
    const start = Math.ceil(base / ALIGN) * ALIGN;
    this.end = memory.buffer.byteLength;
    if (this.end > start) {
      this.freeOff.push(start);
      this.freeLen.push(this.end - start);
    }
  }

  /** Bytes of linear memory currently reserved by the module (used + free). */
  get capacity(): number {
    return this.end;
  }

  /** Blocks currently handed out. */
  get liveBlocks(): number {
    return this.used.size;
  }

  /** Reserve `bytes` (rounded up to 16, at least 16); returns the block's byte offset. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let idx = this.findFit(size);
    if (idx < 0) {
      this.grow(size, bytes);
      idx = this.findFit(size);
      if (idx < 0) throw new OutOfMemoryError(this.backendName, bytes, 'no free block fits after growing memory');
    }
    const off = this.freeOff[idx] as number;
    const len = this.freeLen[idx] as number;
    if (len === size) {
      this.freeOff.splice(idx, 1);
      this.freeLen.splice(idx, 1);
    } else {
      this.freeOff[idx] = off + size;
      this.freeLen[idx] = len - size;
    }
    this.used.set(off, size);
    return off;
  }

  /** Return a block; freeing an unknown offset is ignored. */
  free(off: number): void {
    const size = this.used.get(off);
    if (size === undefined) return;
    this.used.delete(off);
    const offs = this.freeOff;
    const lens = this.freeLen;
    // lo = first free block after `off` (binary search in the sorted list)
    let lo = 0;
    let hi = offs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((offs[mid] as number) < off) lo = mid + 1;
      else hi = mid;
    }
    const end = off + size;
    const joinsPrev = lo > 0 && (offs[lo - 1] as number) + (lens[lo - 1] as number) === off;
    const joinsNext = lo < offs.length && (offs[lo] as number) === end;
    // merge in place where possible: only "both neighbours" and "no neighbour" change the list length
    if (joinsPrev && joinsNext) {
      lens[lo - 1] = (lens[lo - 1] as number) + size + (lens[lo] as number);
      offs.splice(lo, 1);
      lens.splice(lo, 1);
    } else if (joinsPrev) {
      lens[lo - 1] = (lens[lo - 1] as number) + size;
    } else if (joinsNext) {
      offs[lo] = off;
      lens[lo] = (lens[lo] as number) + size;
    } else {
      offs.splice(lo, 0, off);
      lens.splice(lo, 0, size);
    }
  }

  private findFit(size: number): number {
    for (let i = 0; i < this.freeLen.length; i++) if ((this.freeLen[i] as number) >= size) return i;
    return -1;
  }

  /** Grow so that a block of `size` bytes fits at the end; at least doubles small memories. */
  private grow(size: number, requested: number): void {
    const last = this.freeOff.length - 1;
    const tailFree = last >= 0 && (this.freeOff[last] as number) + (this.freeLen[last] as number) === this.end ? (this.freeLen[last] as number) : 0;
    const need = size - tailFree;
    const minPages = Math.ceil(need / PAGE);
    const maxPages = Math.floor((this.maxBytes - this.end) / PAGE);
    if (minPages > maxPages) {
      throw new OutOfMemoryError(
        this.backendName,
        requested,
        `the WASM memory would exceed its maximum of ${Math.round(this.maxBytes / 2 ** 20)} MiB (now ${Math.round(this.end / 2 ** 20)} MiB); raise maximumMemoryMB`,
      );
    }
    // grow geometrically (by half the current size) to keep the number of grows small
    const pages = Math.min(maxPages, Math.max(minPages, Math.ceil(this.end / PAGE / 2)));
    try {
      this.memory.grow(pages);
    } catch (e) {
      try {
        if (pages > minPages) this.memory.grow(minPages);
        else throw e;
      } catch {
        throw new OutOfMemoryError(this.backendName, requested, `memory.grow failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const oldEnd = this.end;
    this.end = this.memory.buffer.byteLength;
    this.generation++;
    if (tailFree > 0) {
      this.freeLen[last] = (this.freeLen[last] as number) + (this.end - oldEnd);
    } else {
      this.freeOff.push(oldEnd);
      this.freeLen.push(this.end - oldEnd);
    }
  }
}
