/**
 * Mini-batches of windows, materialised into fresh (or reused) Float32Arrays.
 *
 * Layouts (B batch, T = L time steps, F features, K targets, H' = targetSteps):
 * - `'batch-major'`: x[b, t, f] at `(b·T + t)·F + f`; y[b, h, k] at `(b·H' + h)·K + k`.
 * - `'time-major'`:  x[t, b, f] at `(t·B + b)·F + f`. y is time-major `[T, B, K]` only when it
 *   is aligned with the input steps (recursive mode with teacherForcing); otherwise y is a
 *   per-sequence target and stays `[B, H', K]` (= `[B, O]` with O = H'·K, what a seq2one model
 *   predicts). Time-major batches also carry `inputs`, `targets`, `T`, `B` so they can be handed
 *   to @recur/core's `Batch` as they are.
 *
 * Shuffling is seeded and allowed only for windows of a `'train'` series: the permutation is
 * over that series' windows only, so it can never mix rows across a split boundary. The
 * permutation is computed element by element (O(1) memory, no index array).
 * Validation and test windows are always iterated in order.
 */
import { InvalidOptionError, LeakageError } from './errors';
import { SeededPermutation } from './random';
import { type Windows } from './window';

/** Memory layout of a batch. */
export type BatchLayout = 'batch-major' | 'time-major';

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Windows per batch (the last batch may be smaller unless `dropLast`). */
  batchSize: number;
  /** Shuffle the window order each call (training windows only). Default false. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. Use e.g. the epoch number for a new order per epoch. */
  seed?: number;
  /** Leave out a last batch smaller than batchSize. Default false (every window is used). */
  dropLast?: boolean;
  /** Default `'batch-major'`. */
  layout?: BatchLayout;
  /**
   * Reuse the same x/y arrays for every batch of the iteration (zero allocation). Then a
   * batch is valid only until the next one is requested. Default false.
   */
  reuseBuffers?: boolean;
}

/** One mini-batch. */
export interface WindowBatch {
  /** 0-based batch number in this iteration. */
  index: number;
  layout: BatchLayout;
  /** Inputs, `[B, T, F]` or `[T, B, F]` (see module docs). */
  x: Float32Array;
  /** Targets, `[B, H', K]` (or `[T, B, K]` for time-major teacher forcing). */
  y: Float32Array;
  /** Recursive mode: rollout truth `[B, H, K]`. */
  future: Float32Array | undefined;
  /** Shapes, in the order of the layout. */
  xShape: [number, number, number];
  yShape: [number, number, number];
  /** Windows in this batch (B). */
  B: number;
  /** Input steps (= lookback). */
  T: number;
  /** Features per step. */
  F: number;
  /** Target steps H'. */
  targetSteps: number;
  /** Target columns K. */
  K: number;
  /** Window indices of the batch, in batch order. */
  windows: Uint32Array;
  /** Time-major only: alias of x, matching @recur/core's `Batch.inputs`. */
  inputs?: Float32Array;
  /** Time-major only: alias of y, matching @recur/core's `Batch.targets`. */
  targets?: Float32Array;
}

/**
 * Iterate `windows` in mini-batches. Returns a fresh iterable; every iteration re-reads the
 * options (and re-shuffles with the same seed).
 */
export function batches(windows: Windows, options: BatchOptions): Iterable<WindowBatch> & { readonly batchCount: number } {
  const B = options.batchSize;
  if (!Number.isInteger(B) || B < 1) throw new InvalidOptionError(`batchSize must be an integer ≥ 1, got ${String(B)}.`);
  const layout = options.layout ?? 'batch-major';
  if (layout !== 'batch-major' && layout !== 'time-major') throw new InvalidOptionError(`layout must be 'batch-major' or 'time-major', got ${JSON.stringify(layout)}.`);
  const shuffle = options.shuffle ?? false;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidOptionError(`seed must be an integer, got ${String(seed)}.`);
  if (shuffle && windows.role !== 'train') {
    throw new LeakageError(
      `shuffle is allowed only for windows of a training series, but these windows come from a '${windows.role}' series. ` +
        (windows.role === 'full'
          ? 'Split the series first (chronologicalSplit) and shuffle split.train, or declare it training-only with series.withRole("train").'
          : 'Validation and test windows are iterated in time order.'),
    );
  }
  const n = windows.count;
  const dropLast = options.dropLast ?? false;
  const batchCount = dropLast ? Math.floor(n / B) : Math.ceil(n / B);
  const reuse = options.reuseBuffers ?? false;
  const T = windows.lookback;
  const F = windows.featureCount;
  const K = windows.targetCount;
  const Hp = windows.targetSteps;
  const recursive = windows.mode === 'recursive';
  const H = windows.horizon;
  const yAligned = recursive && windows.teacherForcing; // y has one row per input step

  return {
    batchCount,
    *[Symbol.iterator](): Iterator<WindowBatch> {
      // O(1)-memory seeded permutation of the window indices (see random.ts).
      const order = shuffle ? new SeededPermutation(n, seed) : undefined;
      let xBuf: Float32Array | undefined;
      let yBuf: Float32Array | undefined;
      let fBuf: Float32Array | undefined;
      for (let bi = 0; bi < batchCount; bi++) {
        const from = bi * B;
        const size = Math.min(B, n - from);
        const full = size === B;
        const x = reuse && full && xBuf ? xBuf : new Float32Array(size * T * F);
        const y = reuse && full && yBuf ? yBuf : new Float32Array(size * Hp * K);
        const future = recursive ? (reuse && full && fBuf ? fBuf : new Float32Array(size * H * K)) : undefined;
        if (reuse && full) {
          xBuf = x;
          yBuf = y;
          fBuf = future;
        }
        const ids = new Uint32Array(size);
        for (let b = 0; b < size; b++) {
          const w = order ? order.at(from + b) : from + b;
          ids[b] = w;
          const s = windows.firstStart + w * windows.stride;
          if (layout === 'batch-major') {
            // x[b, t, f] = row (s + t), feature column f
            windows.gather(s, 0, T, windows.featureIndex, x, b * T * F, F);
            // y[b, h, k] = row (s + targetOffset + h), target column k
            windows.gather(s, windows.targetOffset, Hp, windows.targetIndex, y, b * Hp * K, K);
          } else {
            // x[t, b, f]: rows of one window are B·F floats apart
            windows.gather(s, 0, T, windows.featureIndex, x, b * F, size * F);
            if (yAligned) windows.gather(s, windows.targetOffset, Hp, windows.targetIndex, y, b * K, size * K);
            else windows.gather(s, windows.targetOffset, Hp, windows.targetIndex, y, b * Hp * K, K);
          }
          if (future) windows.gather(s, T, H, windows.targetIndex, future, b * H * K, K);
        }
        const batch: WindowBatch = {
          index: bi,
          layout,
          x,
          y,
          future,
          xShape: layout === 'batch-major' ? [size, T, F] : [T, size, F],
          yShape: layout === 'time-major' && yAligned ? [Hp, size, K] : [size, Hp, K],
          B: size,
          T,
          F,
          targetSteps: Hp,
          K,
          windows: ids,
        };
        if (layout === 'time-major') {
          batch.inputs = x;
          batch.targets = y;
        }
        yield batch;
      }
    },
  };
}

/**
 * Transpose a batch-major `[B, T, F]` array into a new time-major `[T, B, F]` array
 * (out[t, b, f] = x[b, t, f]).
 */
export function toTimeMajor(x: Float32Array, B: number, T: number, F: number): Float32Array {
  if (x.length !== B * T * F) throw new InvalidOptionError(`toTimeMajor: expected ${B}·${T}·${F} = ${B * T * F} values, got ${x.length}.`);
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * F, (b * T + t + 1) * F), (t * B + b) * F);
  return out;
}

/** Transpose a time-major `[T, B, F]` array into a new batch-major `[B, T, F]` array. */
export function toBatchMajor(x: Float32Array, T: number, B: number, F: number): Float32Array {
  if (x.length !== B * T * F) throw new InvalidOptionError(`toBatchMajor: expected ${T}·${B}·${F} = ${B * T * F} values, got ${x.length}.`);
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out.set(x.subarray((t * B + b) * F, (t * B + b + 1) * F), (b * T + t) * F);
  return out;
}
