/**
 * Sliding windows over a {@link Series}: index arithmetic over ONE buffer, never a copy per
 * window. A `Windows` object holds only a handful of integers; memory stays O(series length)
 * whatever the number of windows. Values are copied only when a batch is materialised.
 *
 * Legend: L lookback, H horizon, F features, K targets, s a window's first input row.
 *
 * direct:     x = rows [s, s+L) of the feature columns             → [L, F]
 *             y = rows [s+L+gap, s+L+gap+H) of the target columns   → [H, K]
 * recursive:  x = rows [s, s+L) of the feature columns (targets ⊆ features, fed back at inference)
 *             y = row s+L (one step ahead)                          → [1, K]
 *               or, with teacherForcing, rows [s+1, s+L+1)          → [L, K] (y[t] is x's next step)
 *             future = rows [s+L, s+L+H): the truth a rollout of H steps is scored on
 */
import { InvalidOptionError, WindowTooLongError } from './errors';
import { type Series, type SeriesRole } from './series';

/** Options of {@link window}. */
export interface WindowOptions {
  /** Input steps per window (L ≥ 1). */
  lookback: number;
  /** Target steps: forecast horizon (direct) or rollout length scored by `future` (recursive). Default 1. */
  horizon?: number;
  /** Rows between the starts of consecutive windows. Default 1. */
  stride?: number;
  /** Rows skipped between the last input row and the first target row (direct only). Default 0. */
  gap?: number;
  /** Input columns. Default: all columns. */
  features?: readonly string[];
  /** Target columns. Default: all columns. */
  targets?: readonly string[];
  /** `'direct'` (one model output per horizon step) or `'recursive'` (one-step model rolled out). Default `'direct'`. */
  mode?: 'direct' | 'recursive';
  /** Recursive mode: targets for every input step ([L, K]) instead of only the last ([1, K]). Default false. */
  teacherForcing?: boolean;
  /**
   * `'within'` (default): inputs and targets both lie inside this series' rows.
   * `'preceding'`: targets lie inside, but inputs may reach back into the rows that precede
   * this view in its buffer (e.g. a validation window whose inputs are the end of training).
   * Inputs from the past are not leakage. The scored targets (direct y, recursive y and
   * `future`) never leave the part; only with `teacherForcing` may the per-step training
   * targets of the first steps fall in the preceding (past) rows.
   */
  history?: 'within' | 'preceding';
}

/** Row ranges of one window, as absolute row numbers of the original data, `[start, end)`. */
export interface WindowRanges {
  input: [number, number];
  target: [number, number];
  /** Recursive mode only: rows a rollout of `horizon` steps is scored on. */
  future: [number, number] | undefined;
}

/** The windows of a series. Create with {@link window}. */
export class Windows {
  /** The series the windows index (shares its buffer). */
  readonly series: Series;
  /** Role of the series (shuffling is allowed only for `'train'`). */
  readonly role: SeriesRole;
  readonly mode: 'direct' | 'recursive';
  readonly lookback: number;
  readonly horizon: number;
  readonly stride: number;
  readonly gap: number;
  readonly teacherForcing: boolean;
  /** Feature column names and their indices in the series. */
  readonly features: readonly string[];
  readonly featureIndex: Int32Array;
  /** Target column names and their indices in the series. */
  readonly targets: readonly string[];
  readonly targetIndex: Int32Array;
  /** Number of windows. */
  readonly count: number;
  /** Steps in `y`: H (direct), 1 or L (recursive). */
  readonly targetSteps: number;
  /** Local start row of window 0 (negative when `history: 'preceding'` reaches back). */
  readonly firstStart: number;
  /** Offset from a window's first input row to its first `y` row. */
  readonly targetOffset: number;
  /** True when the features are all columns in order, so a window's x is one contiguous subarray. */
  readonly contiguousFeatures: boolean;

  /** @internal use {@link window}. */
  constructor(series: Series, options: WindowOptions) {
    const mode = options.mode ?? 'direct';
    if (mode !== 'direct' && mode !== 'recursive') throw new InvalidOptionError(`mode must be 'direct' or 'recursive', got ${JSON.stringify(mode)}.`);
    const lookback = options.lookback;
    const horizon = options.horizon ?? 1;
    const stride = options.stride ?? 1;
    const gap = options.gap ?? 0;
    const check = (name: string, v: unknown, min: number): void => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidOptionError(`${name} must be an integer ≥ ${min}, got ${String(v)}.`);
    };
    check('lookback', lookback, 1);
    check('horizon', horizon, 1);
    check('stride', stride, 1);
    check('gap', gap, 0);
    const history = options.history ?? 'within';
    if (history !== 'within' && history !== 'preceding') throw new InvalidOptionError(`history must be 'within' or 'preceding', got ${JSON.stringify(history)}.`);
    this.series = series;
    this.role = series.role;
    this.mode = mode;
    this.lookback = lookback;
    this.horizon = horizon;
    this.stride = stride;
    this.gap = gap;
    this.teacherForcing = options.teacherForcing ?? false;
    const fIdx = series.columnIndices(options.features);
    const tIdx = series.columnIndices(options.targets);
    this.features = fIdx.map((i) => series.columns[i]!);
    this.targets = tIdx.map((i) => series.columns[i]!);
    this.featureIndex = Int32Array.from(fIdx);
    this.targetIndex = Int32Array.from(tIdx);
    this.contiguousFeatures = fIdx.length === series.width && fIdx.every((c, i) => c === i);

    let lastRowAfterStart: number; // rows needed from s (exclusive end of everything the window uses)
    let firstTargetAfterStart: number; // first row the window scores on, relative to s
    if (mode === 'direct') {
      this.targetOffset = lookback + gap;
      this.targetSteps = horizon;
      firstTargetAfterStart = lookback + gap;
      lastRowAfterStart = lookback + gap + horizon;
    } else {
      if (gap !== 0) throw new InvalidOptionError('gap applies to the direct mode only; a recursive model always predicts the next step.');
      const missing = this.targets.filter((t) => !this.features.includes(t));
      if (missing.length > 0) {
        throw new InvalidOptionError(
          `In recursive mode every target must also be a feature (its predictions are fed back as inputs); add ${missing.map((m) => JSON.stringify(m)).join(', ')} to features.`,
        );
      }
      this.targetOffset = this.teacherForcing ? 1 : lookback;
      this.targetSteps = this.teacherForcing ? lookback : 1;
      firstTargetAfterStart = lookback;
      lastRowAfterStart = lookback + horizon;
    }
    // Earliest start: inputs may reach back only with history 'preceding', and the scored
    // targets must not start before this part.
    const lo = history === 'preceding' ? -series.start : 0;
    const sMin = Math.max(lo, history === 'preceding' ? -firstTargetAfterStart : 0);
    const sMax = series.length - lastRowAfterStart;
    if (sMax < sMin) {
      throw new WindowTooLongError(lastRowAfterStart, series.length + (history === 'preceding' ? Math.min(series.start, firstTargetAfterStart) : 0), series.role);
    }
    this.firstStart = sMin;
    this.count = Math.floor((sMax - sMin) / stride) + 1;
  }

  /** Number of features F. */
  get featureCount(): number {
    return this.featureIndex.length;
  }

  /** Number of target columns K. */
  get targetCount(): number {
    return this.targetIndex.length;
  }

  /** Local first input row of window `i` (may be negative with `history: 'preceding'`). */
  start(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new InvalidOptionError(`Window ${i} does not exist; there are ${this.count}.`);
    return this.firstStart + i * this.stride;
  }

  /** Absolute row ranges (in the original data) of window `i`. */
  ranges(i: number): WindowRanges {
    const s = this.series.absoluteRow(this.start(i));
    return {
      input: [s, s + this.lookback],
      target: [s + this.targetOffset, s + this.targetOffset + this.targetSteps],
      future: this.mode === 'recursive' ? [s + this.lookback, s + this.lookback + this.horizon] : undefined,
    };
  }

  /**
   * Window `i`'s input rows with ALL columns, as a zero-copy `subarray` of the shared buffer
   * (row-major `[L, width]`). Equals x when `contiguousFeatures`.
   */
  view(i: number): Float32Array {
    const w = this.series.width;
    const b = this.series.start + this.start(i);
    return this.series.buffer.subarray(b * w, (b + this.lookback) * w);
  }

  /** Window `i`'s x as a new `[L, F]` array (convenience; batches avoid this allocation). */
  x(i: number): Float32Array {
    const out = new Float32Array(this.lookback * this.featureCount);
    this.gather(this.start(i), 0, this.lookback, this.featureIndex, out, 0, this.featureCount);
    return out;
  }

  /** Window `i`'s y as a new `[targetSteps, K]` array. */
  y(i: number): Float32Array {
    const out = new Float32Array(this.targetSteps * this.targetCount);
    this.gather(this.start(i), this.targetOffset, this.targetSteps, this.targetIndex, out, 0, this.targetCount);
    return out;
  }

  /** Recursive mode: window `i`'s rollout truth as a new `[H, K]` array. */
  future(i: number): Float32Array {
    if (this.mode !== 'recursive') throw new InvalidOptionError('future() exists in recursive mode only; in direct mode y already holds the H future steps.');
    const out = new Float32Array(this.horizon * this.targetCount);
    this.gather(this.start(i), this.lookback, this.horizon, this.targetIndex, out, 0, this.targetCount);
    return out;
  }

  /**
   * @internal Copy `steps` rows starting at local row `s + offset`, columns `cols`, into `out`
   * at `outOffset`, consecutive rows `rowStride` floats apart.
   */
  gather(s: number, offset: number, steps: number, cols: Int32Array, out: Float32Array, outOffset: number, rowStride: number): void {
    const buf = this.series.buffer;
    const w = this.series.width;
    const row0 = this.series.start + s + offset;
    const k = cols.length;
    if (k === w && cols === this.featureIndex && this.contiguousFeatures) {
      // All columns in order: one block copy (batch-major), or one row copy per step (time-major).
      if (rowStride === k) {
        out.set(buf.subarray(row0 * w, (row0 + steps) * w), outOffset);
        return;
      }
      if (w >= 8) {
        for (let t = 0; t < steps; t++) out.set(buf.subarray((row0 + t) * w, (row0 + t + 1) * w), outOffset + t * rowStride);
        return;
      }
    }
    for (let t = 0; t < steps; t++) {
      const src = (row0 + t) * w;
      const dst = outOffset + t * rowStride;
      for (let c = 0; c < k; c++) out[dst + c] = buf[src + cols[c]!]!;
    }
  }
}

/**
 * Cut a series into windows (views, no copies). See {@link WindowOptions} and the module
 * docs for exactly which rows x, y and future cover. Throws {@link WindowTooLongError} when
 * not even one window fits.
 *
 * @example
 * const days = Array.from({ length: 400 }, (_, i) => i);
 * const series = Series.fromColumns({ load: days.map((d) => Math.sin(d / 7)), temp: days.map((d) => 10 + Math.cos(d / 60)) });
 * const split = chronologicalSplit(series, { ratio: { train: 0.8 } });
 * const w = window(split.train, { lookback: 48, horizon: 12, features: ['load', 'temp'], targets: ['load'] });
 */
export function window(series: Series, options: WindowOptions): Windows {
  return new Windows(series, options);
}
