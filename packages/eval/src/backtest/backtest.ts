/**
 * Walk-forward backtests: fit a fresh forecaster on each fold's training rows, forecast every
 * test window, and score every metric by fold and by horizon, beside optional baselines.
 *
 * Folds come from `walkForwardFolds` of `@recur/data` (expanding or sliding, with a gap). Test
 * windows are cut with `history: 'preceding'`, so a test window's inputs may reach back into the
 * rows before the test block (that is the past, not leakage) while its targets stay inside it.
 */
import { InvalidArgumentError, ShapeError } from '@recur/backend';
import { walkForwardFolds, window, type Fold, type Series, type WalkForwardOptions, type Windows } from '@recur/data';
import type { Baseline } from '../baselines/baselines.js';
import { REGRESSION_METRICS, type Metric } from '../metrics/per-horizon.js';
import { checkInt, type Values } from '../metrics/check.js';
import { seasonalNaiveScale } from '../metrics/regression.js';
import { UndefinedMetricError } from '../errors.js';

/**
 * Anything that can forecast: fitted once per fold, then asked for the test windows' forecasts.
 * Model-agnostic; {@link recurForecaster} adapts a `@recur/core` model.
 */
export interface Forecaster {
  /** Learn from the fold's training rows (role `'train'`). */
  fit(train: Series, fold: Fold): void | Promise<void>;
  /**
   * Forecasts for every window of `windows` (direct mode, `windows.horizon` = H steps of
   * `windows.targetCount` = K target columns), row-major [N, H, K] with N = `windows.count`.
   */
  predict(windows: Windows): ArrayLike<number> | Promise<ArrayLike<number>>;
}

/** Makes a fresh, unfitted forecaster for a fold. */
export type ForecasterFactory = (fold: Fold) => Forecaster | Promise<Forecaster>;

/** A progress event: one per phase of each fold. */
export interface BacktestProgress {
  /** 0-based fold. */
  readonly fold: number;
  readonly folds: number;
  readonly phase: 'fit' | 'predict' | 'done';
  /** Milliseconds since the backtest started. */
  readonly elapsedMs: number;
}

/** Options of {@link backtest}. */
export interface BacktestOptions {
  /** Walk-forward folds (`mode` expanding or sliding, `trainSize`, `testSize`, `step`, `gap`, `maxFolds`). */
  readonly folds: WalkForwardOptions;
  /** Input steps L per test window. */
  readonly lookback: number;
  /** Forecast steps H per test window. */
  readonly horizon: number;
  /** Input columns (default all). */
  readonly features?: readonly string[];
  /** Target columns (default all). */
  readonly targets?: readonly string[];
  /** Rows between test window starts (default 1). */
  readonly stride?: number;
  /** Metrics by name (default MAE, MSE, RMSE, sMAPE). */
  readonly metrics?: Readonly<Record<string, Metric>>;
  /**
   * Also score MASE with this seasonal period m (1 = scaled by the in-sample persistence MAE).
   * The scale comes from each fold's own training rows, per target column.
   */
  readonly maseSeasonalPeriod?: number;
  /** Baselines scored on the same windows, from the target column's own history. */
  readonly baselines?: readonly Baseline[];
  /** Called at each phase of each fold. */
  readonly onProgress?: (event: BacktestProgress) => void;
}

/** Scores of one forecaster (or baseline) on one set of windows. */
export interface Scores {
  /** metric → value over all N·H·K forecasts. */
  readonly overall: Record<string, number>;
  /** metric → H values, the metric at lead time h over the N·K forecasts of that step. */
  readonly byHorizon: Record<string, number[]>;
}

/** One fold's outcome. */
export interface FoldResult {
  readonly index: number;
  readonly trainRange: [number, number];
  readonly testRange: [number, number];
  /** Test windows N. */
  readonly windows: number;
  readonly model: Scores;
  /** Baseline name → scores on the same windows. */
  readonly baselines: Record<string, Scores>;
  readonly fitMs: number;
  readonly predictMs: number;
}

/** Summary of one metric across folds. */
export interface FoldStats {
  readonly mean: number;
  /** Population standard deviation across folds. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** Everything a backtest measured. JSON-ready (see `toJsonReport`). */
export interface BacktestResult {
  readonly horizon: number;
  readonly metricNames: string[];
  readonly folds: FoldResult[];
  /** Aggregates across folds: per metric, fold statistics; per horizon, the mean across folds. */
  readonly aggregate: {
    readonly model: { overall: Record<string, FoldStats>; byHorizon: Record<string, number[]> };
    readonly baselines: Record<string, { overall: Record<string, FoldStats>; byHorizon: Record<string, number[]> }>;
  };
}

const DEFAULT_METRICS: Readonly<Record<string, Metric>> = {
  mae: REGRESSION_METRICS.mae,
  mse: REGRESSION_METRICS.mse,
  rmse: REGRESSION_METRICS.rmse,
  smape: REGRESSION_METRICS.smape,
};

/**
 * Score [N, H, K] forecasts against [N, H, K] actuals: each metric over everything, and at each
 * lead time h over the N·K values of step h.
 */
export function scoreForecasts(pred: ArrayLike<number>, actual: ArrayLike<number>, n: number, horizon: number, k: number, metrics: Readonly<Record<string, Metric>>): Scores {
  if (pred.length !== n * horizon * k) {
    throw new ShapeError('forecaster predictions', [n, horizon, k], `${pred.length} values`, 'predict() must return row-major [N, H, K] forecasts, one per test window.');
  }
  const p = Float64Array.from(pred);
  const a = Float64Array.from(actual);
  const overall: Record<string, number> = {};
  const byHorizon: Record<string, number[]> = {};
  const colP = new Float64Array(n * k);
  const colA = new Float64Array(n * k);
  for (const [name, metric] of Object.entries(metrics)) {
    overall[name] = metric(p, a);
    const curve: number[] = [];
    for (let h = 0; h < horizon; h++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) {
          colP[i * k + j] = p[(i * horizon + h) * k + j] as number;
          colA[i * k + j] = a[(i * horizon + h) * k + j] as number;
        }
      }
      curve.push(metric(colP, colA));
    }
    byHorizon[name] = curve;
  }
  return { overall, byHorizon };
}

function stats(values: number[]): FoldStats {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) * (v - mean), 0) / values.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

function aggregate(list: Scores[], names: string[], horizon: number): { overall: Record<string, FoldStats>; byHorizon: Record<string, number[]> } {
  const overall: Record<string, FoldStats> = {};
  const byHorizon: Record<string, number[]> = {};
  for (const name of names) {
    overall[name] = stats(list.map((s) => s.overall[name] as number));
    byHorizon[name] = Array.from({ length: horizon }, (_, h) => list.reduce((acc, s) => acc + (s.byHorizon[name]![h] as number), 0) / list.length);
  }
  return { overall, byHorizon };
}

/** Actuals [N, H, K] and each target column's input history [N, K, L] of direct-mode windows. */
export function windowTruth(windows: Windows): { actual: Float32Array; history: Float32Array } {
  const n = windows.count;
  const H = windows.targetSteps;
  const K = windows.targetCount;
  const L = windows.lookback;
  const width = windows.series.width;
  const actual = new Float32Array(n * H * K);
  const history = new Float32Array(n * K * L);
  for (let i = 0; i < n; i++) {
    actual.set(windows.y(i), i * H * K);
    const rows = windows.view(i); // [L, width], all columns
    for (let j = 0; j < K; j++) {
      const c = windows.targetIndex[j] as number;
      for (let t = 0; t < L; t++) history[(i * K + j) * L + t] = rows[t * width + c] as number;
    }
  }
  return { actual, history };
}

/**
 * Run a walk-forward backtest. For each fold: make a forecaster with `factory(fold)`, `fit` it on
 * `fold.train`, cut `fold.test` into direct windows (lookback L, horizon H, inputs allowed to reach
 * into the preceding rows), `predict` them, and score every metric overall and per horizon. The
 * baselines get the same windows. Aggregates are the mean/std/min/max across folds, and the
 * per-horizon mean across folds.
 */
export async function backtest(series: Series, factory: ForecasterFactory, options: BacktestOptions): Promise<BacktestResult> {
  if (typeof factory !== 'function') throw new InvalidArgumentError('backtest: factory', 'must be a function (fold) => Forecaster.');
  checkInt('backtest: lookback', options.lookback, 1);
  checkInt('backtest: horizon', options.horizon, 1);
  const metrics = options.metrics ?? DEFAULT_METRICS;
  const m = options.maseSeasonalPeriod;
  if (m !== undefined) checkInt('backtest: maseSeasonalPeriod', m, 1);
  const metricNames = [...Object.keys(metrics), ...(m !== undefined ? ['mase'] : [])];
  if (metricNames.length === 0) throw new InvalidArgumentError('backtest: metrics', 'needs at least one metric.');
  const folds = walkForwardFolds(series, options.folds);
  const started = performance.now();
  const progress = (fold: number, phase: BacktestProgress['phase']): void =>
    options.onProgress?.({ fold, folds: folds.length, phase, elapsedMs: performance.now() - started });
  const results: FoldResult[] = [];
  for (const fold of folds) {
    const windows = window(fold.test, {
      lookback: options.lookback,
      horizon: options.horizon,
      stride: options.stride ?? 1,
      history: 'preceding',
      ...(options.features ? { features: options.features } : {}),
      ...(options.targets ? { targets: options.targets } : {}),
    });
    const n = windows.count;
    const K = windows.targetCount;
    const H = options.horizon;
    const { actual, history } = windowTruth(windows);
    const foldMetrics = m === undefined ? metrics : { ...metrics, mase: foldMase(fold.train, windows.targetIndex, m) };

    progress(fold.index, 'fit');
    const forecaster = await factory(fold);
    const t0 = performance.now();
    await forecaster.fit(fold.train, fold);
    const fitMs = performance.now() - t0;

    progress(fold.index, 'predict');
    const t1 = performance.now();
    const pred = await forecaster.predict(windows);
    const predictMs = performance.now() - t1;
    const model = scoreForecasts(pred, actual, n, H, K, foldMetrics);

    const baselines: Record<string, Scores> = {};
    for (const baseline of options.baselines ?? []) {
      const bp = new Float64Array(n * H * K);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < K; j++) {
          const f = baseline.forecast(history.subarray((i * K + j) * options.lookback, (i * K + j + 1) * options.lookback), H);
          for (let h = 0; h < H; h++) bp[(i * H + h) * K + j] = f[h] as number;
        }
      }
      baselines[baseline.name] = scoreForecasts(bp, actual, n, H, K, foldMetrics);
    }
    results.push({ index: fold.index, trainRange: fold.trainRange, testRange: fold.testRange, windows: n, model, baselines, fitMs, predictMs });
    progress(fold.index, 'done');
  }
  const baselineNames = Object.keys(results[0]?.baselines ?? {});
  return {
    horizon: options.horizon,
    metricNames,
    folds: results,
    aggregate: {
      model: aggregate(results.map((r) => r.model), metricNames, options.horizon),
      baselines: Object.fromEntries(baselineNames.map((b) => [b, aggregate(results.map((r) => r.baselines[b]!), metricNames, options.horizon)])),
    },
  };
}

/**
 * MASE for one fold: `mean_i |y_i − ŷ_i| / scale_{col(i)}`, where scale_j is the seasonal-naive
 * MAE (period m) of target column j over the fold's training rows. Values arrive with the target
 * column varying fastest (as {@link scoreForecasts} lays them out), so col(i) = i mod K.
 */
function foldMase(train: Series, targetIndex: Int32Array, m: number): Metric {
  const K = targetIndex.length;
  const scales = Array.from(targetIndex, (c) => {
    const column = new Float64Array(train.length);
    for (let r = 0; r < train.length; r++) column[r] = train.data[r * train.width + c] as number;
    const scale = seasonalNaiveScale(column, m);
    if (scale === 0) {
      throw new UndefinedMetricError('mase', `target column "${train.columns[c]}" is constant at lag ${m} in the training rows`, 'Drop maseSeasonalPeriod or check the period.');
    }
    return scale;
  });
  return (pred: Values, actual: Values) => {
    let s = 0;
    for (let i = 0; i < pred.length; i++) s += Math.abs((actual[i] as number) - (pred[i] as number)) / (scales[i % K] as number);
    return s / pred.length;
  };
}
