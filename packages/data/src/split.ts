/**
 * Chronological splits and walk-forward backtest folds. Nothing here ever shuffles time:
 * every part is a contiguous block of rows, and each part is a view (no copy) of the input
 * series that remembers its role.
 */
import { InvalidOptionError, LeakageError } from './errors';
import { type Series } from './series';

/** How to place the boundaries of {@link chronologicalSplit}. */
export type SplitSpec =
  | {
      /** Fractions of the rows. `test` defaults to what remains; the three must sum to 1. */
      ratio: { train: number; validation?: number; test?: number };
    }
  | {
      /** Row indices (local to the series) where validation and test start. */
      index: { validationStart?: number; testStart: number };
    }
  | {
      /** Timestamps where validation and test start (rows with `t >= testStart` are test). */
      timestamp: { validationStart?: number | Date; testStart: number | Date };
    };

/** Options of {@link chronologicalSplit}. */
export interface SplitOptions {
  /**
   * Rows left out between consecutive parts (an embargo), so that a target that is
   * autocorrelated with the next part's first rows does not sit right at the boundary.
   * Default 0. The rows left out are reported in `SplitResult.gapRows`.
   */
  gap?: number;
}

/** Result of {@link chronologicalSplit}: views of the input with roles. */
export interface SplitResult {
  /** Training rows, role `'train'`. The only part a scaler may be fitted on. */
  train: Series;
  /** Validation rows, role `'validation'`, or undefined when no validation part was asked for. */
  validation: Series | undefined;
  /** Test rows, role `'test'`. */
  test: Series;
  /** Row ranges `[start, end)` local to the input series. */
  ranges: { train: [number, number]; validation: [number, number] | undefined; test: [number, number] };
  /** Rows left out by `gap` (never silently: listed here). */
  gapRows: number;
}

function assertSplittable(series: Series, what: string): void {
  if (series.role === 'validation' || series.role === 'test') {
    throw new LeakageError(
      `${what} was given a ${series.role} series. Splitting it would turn ${series.role} rows into training rows; split the full series (or the training part) instead.`,
    );
  }
}

function assertCount(name: string, v: number | undefined, min = 0): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) {
    throw new InvalidOptionError(`${name} must be an integer ≥ ${min}, got ${String(v)}.`);
  }
}

/**
 * Split a series into train / (validation) / test by ratio, by row index or by timestamp,
 * keeping time order. The parts are views of one buffer.
 *
 * @example
 * const series = Series.fromColumns({ load: Array.from({ length: 100 }, (_, i) => Math.sin(i / 5)) });
 * const { train, validation, test } = chronologicalSplit(series, { ratio: { train: 0.7, validation: 0.15 } });
 */
export function chronologicalSplit(series: Series, spec: SplitSpec, options: SplitOptions = {}): SplitResult {
  assertSplittable(series, 'chronologicalSplit');
  const gap = options.gap ?? 0;
  assertCount('gap', gap);
  const n = series.length;
  let valStart: number | undefined;
  let testStart: number;
  if ('ratio' in spec) {
    const { train, validation = 0 } = spec.ratio;
    const rest = 1 - train - validation;
    // Round-off (0.7 + 0.3 ≠ 1 in binary) must not make the default test fraction negative.
    const test = spec.ratio.test ?? (Math.abs(rest) < 1e-9 ? 0 : rest);
    for (const [k, v] of [['train', train], ['validation', validation], ['test', test]] as const) {
      if (!Number.isFinite(v) || v < 0 || v > 1) throw new InvalidOptionError(`ratio.${k} must be in [0, 1], got ${v}.`);
    }
    if (Math.abs(train + validation + test - 1) > 1e-9) {
      throw new InvalidOptionError(`ratio.train + ratio.validation + ratio.test must be 1, got ${train + validation + test}.`);
    }
    const trainEnd = Math.round(n * train);
    if (validation > 0) {
      valStart = trainEnd + gap;
      testStart = valStart + Math.round(n * validation) + gap;
    } else {
      testStart = trainEnd + gap;
    }
  } else if ('index' in spec) {
    assertCount('index.validationStart', spec.index.validationStart);
    assertCount('index.testStart', spec.index.testStart);
    valStart = spec.index.validationStart;
    testStart = spec.index.testStart;
  } else {
    const ts = series.timestamps;
    if (ts === undefined) throw new InvalidOptionError('A split by timestamp needs a series with timestamps.');
    const firstAtOrAfter = (t: number | Date): number => {
      const v = t instanceof Date ? t.getTime() : t;
      if (!Number.isFinite(v)) throw new InvalidOptionError(`Split timestamp ${String(t)} is not a valid time.`);
      let lo = 0;
      let hi = ts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ts[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    valStart = spec.timestamp.validationStart === undefined ? undefined : firstAtOrAfter(spec.timestamp.validationStart);
    testStart = firstAtOrAfter(spec.timestamp.testStart);
  }

  // Boundaries: train [0, trainEnd), gap, validation [valStart, valEnd), gap, test [testStart, n).
  const trainEnd = (valStart ?? testStart) - gap;
  const valEnd = valStart === undefined ? undefined : testStart - gap;
  if (trainEnd <= 0) throw new InvalidOptionError(`The training part would be empty (it ends at row ${trainEnd}); move the boundaries later.`);
  if (valStart !== undefined && valEnd! <= valStart) {
    throw new InvalidOptionError(`The validation part would be empty (rows ${valStart} to ${valEnd}); check the boundaries and the gap.`);
  }
  if (testStart >= n) throw new InvalidOptionError(`The test part would be empty: it starts at row ${testStart} of ${n}.`);
  const train = series.slice(0, trainEnd, 'train');
  const validation = valStart === undefined ? undefined : series.slice(valStart, valEnd, 'validation');
  const test = series.slice(testStart, n, 'test');
  return {
    train,
    validation,
    test,
    ranges: { train: [0, trainEnd], validation: valStart === undefined ? undefined : [valStart, valEnd!], test: [testStart, n] },
    gapRows: valStart === undefined ? gap : 2 * gap,
  };
}

/** Options of {@link walkForwardFolds}. */
export interface WalkForwardOptions {
  /**
   * `'expanding'`: every fold trains on all rows from the start (sktime's
   * ExpandingWindowSplitter). `'sliding'`: every fold trains on the last `trainSize` rows
   * (SlidingWindowSplitter).
   */
  mode: 'expanding' | 'sliding';
  /** Rows in the first training block (expanding) or every training block (sliding). */
  trainSize: number;
  /** Rows in every test block. */
  testSize: number;
  /** Rows the origin advances between folds. Default `testSize` (test blocks tile the data). */
  step?: number;
  /** Rows left out between the end of training and the start of test. Default 0. */
  gap?: number;
  /** Stop after this many folds (the earliest ones are kept). */
  maxFolds?: number;
}

/** One walk-forward fold: a training and a test view of the same buffer. */
export interface Fold {
  /** 0-based fold number. */
  index: number;
  /** Training rows, role `'train'`. */
  train: Series;
  /** Test rows, role `'test'`. Entirely after `train` (and after the gap). */
  test: Series;
  /** `[start, end)` of the training rows, local to the input series. */
  trainRange: [number, number];
  /** `[start, end)` of the test rows, local to the input series. */
  testRange: [number, number];
}

/**
 * Walk-forward backtest folds, expanding or sliding, with an optional gap. Fold k trains on
 * `[0, trainSize + k·step)` (expanding) or `[k·step, k·step + trainSize)` (sliding) and tests
 * on the `testSize` rows that start `gap` rows later. Folds stop when the test block would run
 * past the end.
 */
export function walkForwardFolds(series: Series, options: WalkForwardOptions): Fold[] {
  assertSplittable(series, 'walkForwardFolds');
  const { mode, trainSize, testSize } = options;
  if (mode !== 'expanding' && mode !== 'sliding') throw new InvalidOptionError(`mode must be 'expanding' or 'sliding', got ${JSON.stringify(mode)}.`);
  assertCount('trainSize', trainSize, 1);
  assertCount('testSize', testSize, 1);
  const step = options.step ?? testSize;
  const gap = options.gap ?? 0;
  assertCount('step', step, 1);
  assertCount('gap', gap);
  assertCount('maxFolds', options.maxFolds, 1);
  const n = series.length;
  const folds: Fold[] = [];
  for (let k = 0; options.maxFolds === undefined || k < options.maxFolds; k++) {
    const trainStart = mode === 'expanding' ? 0 : k * step;
    const trainEnd = (mode === 'expanding' ? 0 : trainStart) + trainSize + (mode === 'expanding' ? k * step : 0);
    const testStart = trainEnd + gap;
    const testEnd = testStart + testSize;
    if (testEnd > n) break;
    folds.push({
      index: k,
      train: series.slice(trainStart, trainEnd, 'train'),
      test: series.slice(testStart, testEnd, 'test'),
      trainRange: [trainStart, trainEnd],
      testRange: [testStart, testEnd],
    });
  }
  if (folds.length === 0) {
    throw new InvalidOptionError(
      `No fold fits: one fold needs trainSize + gap + testSize = ${trainSize + gap + testSize} rows but the series has ${n}.`,
    );
  }
  return folds;
}
