/**
 * Seeded randomness for reproducible shuffles.
 *
 * Shuffling N windows with a stored Fisher–Yates permutation costs 4·N bytes, as much as a
 * univariate float32 series itself. {@link SeededPermutation} instead computes the i-th element
 * of a pseudo-random permutation of [0, N) on the fly (a 4-round Feistel network over the
 * next even power of two, with cycle walking back into [0, N)), so shuffling costs O(1) memory.
 */
import { mulberry32 } from '@recur/backend';

/** murmur3's 32-bit finaliser: a fast, well-mixing hash of a 32-bit integer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded pseudo-random permutation of [0, size), evaluated element by element in O(1) memory. */
export class SeededPermutation {
  /** Number of elements. */
  readonly size: number;
  private readonly halfBits: number;
  private readonly mask: number;
  private readonly keys: Uint32Array;

  constructor(size: number, seed: number) {
    if (!Number.isInteger(size) || size < 0 || size > 2 ** 32) throw new RangeError(`Permutation size must be an integer in [0, 2^32], got ${size}.`);
    this.size = size;
    let bits = 2;
    while (2 ** bits < size) bits += 2;
    this.halfBits = bits / 2;
    this.mask = 2 ** this.halfBits - 1;
    const rand = mulberry32(seed);
    this.keys = Uint32Array.from({ length: 4 }, () => Math.floor(rand() * 4294967296));
  }

  /** The element at position i (a bijection of [0, size)). */
  at(i: number): number {
    let x = i;
    // Cycle walking: the Feistel network permutes [0, 4^halfBits); re-apply until back in range.
    do x = this.encrypt(x);
    while (x >= this.size);
    return x;
  }

  /** Balanced Feistel network, 4 rounds: (L, R) → (R, L ⊕ F(R ⊕ k)). */
  private encrypt(x: number): number {
    const h = this.halfBits;
    const m = this.mask;
    let l = Math.floor(x / 2 ** h);
    let r = x & m;
    for (let k = 0; k < 4; k++) {
      const f = fmix32((r ^ this.keys[k]!) >>> 0) & m;
      const nl = r;
      r = (l ^ f) & m;
      l = nl;
    }
    return l * 2 ** h + r;
  }
}
