/**
 * Language-model batching for truncated backpropagation through time (the classic PTB
 * scheme): the corpus of N token ids is cut into B parallel streams of S = ⌊(N − 1)/B⌋ + 1
 * tokens, stream b = ids[b·(S−1), b·(S−1) + S) (consecutive streams overlap by one token so
 * every token but the first is a target exactly once), and each stream is read in chunks
 * of T steps. Chunk k has inputs x[t, b] = stream_b[k·T + t] and next-token targets
 * y[t, b] = stream_b[k·T + t + 1]; the last chunk may be shorter. Hidden state carries from
 * chunk k to k+1 of the same stream b.
 *
 * Layout: time-major `[T, B]` (what @recur/core's `Batch` takes for language models), or
 * batch-major `[B, T]`.
 */
import { InvalidOptionError } from './errors';

/** Options of {@link languageModelBatches}. */
export interface LmBatchOptions {
  /** Parallel streams B. */
  batchSize: number;
  /** Steps per chunk T (the truncation length of BPTT). */
  seqLen: number;
  /** Default `'time-major'`. */
  layout?: 'time-major' | 'batch-major';
}

/** One chunk of B streams × T steps. */
export interface LmBatch {
  index: number;
  /** Input ids. */
  x: Int32Array;
  /** Next-token ids. */
  y: Int32Array;
  /** Steps in this chunk (T, or fewer for the last). */
  T: number;
  B: number;
  layout: 'time-major' | 'batch-major';
  /** Time-major only: aliases matching @recur/core's `Batch` (inputs [T, B], targets [T, B]). */
  inputs?: Int32Array;
  targets?: Int32Array;
}

/** The batches, their count, and the tokens that did not fit (reported, never silently lost). */
export interface LmBatches extends Iterable<LmBatch> {
  /** Number of chunks. */
  readonly batchCount: number;
  /** Tokens per stream S. */
  readonly streamLength: number;
  /** Trailing tokens of the corpus left out because N − 1 is not a multiple of B. */
  readonly droppedTokens: number;
}

/** Cut a corpus of token ids into B streams × T-step chunks (see the module docs). */
export function languageModelBatches(ids: Int32Array | readonly number[], options: LmBatchOptions): LmBatches {
  const { batchSize: B, seqLen: T } = options;
  if (!Number.isInteger(B) || B < 1) throw new InvalidOptionError(`batchSize must be an integer ≥ 1, got ${String(B)}.`);
  if (!Number.isInteger(T) || T < 1) throw new InvalidOptionError(`seqLen must be an integer ≥ 1, got ${String(T)}.`);
  const layout = options.layout ?? 'time-major';
  if (layout !== 'time-major' && layout !== 'batch-major') throw new InvalidOptionError(`layout must be 'time-major' or 'batch-major', got ${JSON.stringify(layout)}.`);
  const data = ids instanceof Int32Array ? ids : Int32Array.from(ids);
  const N = data.length;
  const perStream = Math.floor((N - 1) / B); // targets per stream
  if (perStream < 1) {
    throw new InvalidOptionError(`A corpus of ${N} tokens is too short for ${B} streams: each stream needs at least 2 tokens (an input and its next token). Use a smaller batchSize.`);
  }
  const S = perStream + 1;
  const batchCount = Math.ceil(perStream / T);
  return {
    batchCount,
    streamLength: S,
    droppedTokens: N - (B * perStream + 1),
    *[Symbol.iterator](): Iterator<LmBatch> {
      for (let k = 0; k < batchCount; k++) {
        const t0 = k * T;
        const steps = Math.min(T, perStream - t0);
        const x = new Int32Array(steps * B);
        const y = new Int32Array(steps * B);
        for (let b = 0; b < B; b++) {
          const base = b * perStream + t0; // stream b starts at b·(S−1)
          for (let t = 0; t < steps; t++) {
            const i = layout === 'time-major' ? t * B + b : b * steps + t;
            x[i] = data[base + t]!;
            y[i] = data[base + t + 1]!;
          }
        }
        const batch: LmBatch = { index: k, x, y, T: steps, B, layout };
        if (layout === 'time-major') {
          batch.inputs = x;
          batch.targets = y;
        }
        yield batch;
      }
    },
  };
}

/** One-hot encode ids into a new Float32Array `[ids.length, vocabSize]`. */
export function oneHot(ids: ArrayLike<number>, vocabSize: number): Float32Array {
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new InvalidOptionError(`vocabSize must be an integer ≥ 1, got ${String(vocabSize)}.`);
  const out = new Float32Array(ids.length * vocabSize);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new InvalidOptionError(`Token id ${id} at position ${i} is outside [0, ${vocabSize}).`);
    out[i * vocabSize + id] = 1;
  }
  return out;
}
