/**
 * Scores a model's forecasts against the truth and against the persistence and seasonal-naive
 * baselines, overall and per horizon (all in original units).
 *
 *   MAE  = mean |ŷ − y|            RMSE = √mean (ŷ − y)²
 *   sMAPE = mean 200·|ŷ − y| / (|ŷ| + |y|)
 *   MASE = MAE / mean_t |y_t − y_{t−m}| over the training rows (m = seasonal period)
 */
import { mae, perHorizon, persistence, rmse, seasonalNaive, seasonalNaiveScale, smape, type Baseline } from '@recur/eval';
import { CliUserError } from '../errors.js';
import type { WindowForecasts } from './pipeline.js';

/** One row of the metrics table. */
export interface ScoreRow {
  readonly model: string;
  readonly mae: number;
  readonly rmse: number;
  readonly mase: number;
  readonly smape: number;
  /** MAE at h = 1..H. */
  readonly perHorizon: number[];
}

/** The metrics table of one evaluation. */
export interface ScoreTable {
  readonly rows: ScoreRow[];
  /** 1 − MAE(model) / MAE(persistence). */
  readonly skillVsPersistence: number;
  /** 1 − MAE(model) / MAE(seasonal naive). */
  readonly skillVsSeasonal: number | null;
  readonly windows: number;
  readonly horizon: number;
  readonly seasonalPeriod: number;
}

/**
 * MASE divides by the seasonal-naive error over the training rows, which needs more training rows
 * than one season (m). Refuses a period that does not fit, naming the flag.
 */
export function checkSeasonalPeriod(m: number, trainRows: number): void {
  if (!(m < trainRows)) {
    throw new CliUserError(
      `--seasonal-period ${m} does not fit the training part (${trainRows} rows): MASE needs more training rows than one season. Use a period below ${trainRows} (7 for daily data with a weekly cycle, 12 for monthly data, 1 for none).`,
    );
  }
}

/** Forecast of a baseline for every window, from the full raw history before each origin. */
export function baselineForecasts(baseline: Baseline, rawTarget: Float64Array, origins: Int32Array, horizon: number): Float64Array {
  const out = new Float64Array(origins.length * horizon);
  origins.forEach((o, i) => out.set(baseline.forecast(rawTarget.subarray(0, o), horizon), i * horizon));
  return out;
}

function row(name: string, pred: Float64Array, truth: Float64Array, horizon: number, maseScale: number): ScoreRow {
  const m = mae(pred, truth);
  return {
    model: name,
    mae: m,
    rmse: rmse(pred, truth),
    mase: maseScale > 0 ? m / maseScale : NaN,
    smape: smape(pred, truth),
    perHorizon: Array.from(perHorizon(pred, truth, horizon, mae)),
  };
}

/** Score the model and both baselines. `trainTarget` is the raw training part of the target (MASE scale). */
export function scoreForecasts(
  f: WindowForecasts,
  rawTarget: Float64Array,
  trainTarget: Float64Array,
  seasonalPeriod: number,
  modelName: string,
): ScoreTable {
  const m = Math.max(1, seasonalPeriod);
  checkSeasonalPeriod(m, trainTarget.length);
  const scale = seasonalNaiveScale(trainTarget, m);
  const rows: ScoreRow[] = [row(modelName, f.pred, f.truth, f.horizon, scale)];
  const minOrigin = f.origins.reduce((a, b) => Math.min(a, b), Infinity);
  rows.push(row('persistence', baselineForecasts(persistence, rawTarget, f.origins, f.horizon), f.truth, f.horizon, scale));
  let seasonal: ScoreRow | null = null;
  if (m > 1 && minOrigin >= m) {
    seasonal = row(`seasonal naive (${m})`, baselineForecasts(seasonalNaive(m), rawTarget, f.origins, f.horizon), f.truth, f.horizon, scale);
    rows.push(seasonal);
  }
  const model = rows[0]!;
  return {
    rows,
    skillVsPersistence: 1 - model.mae / rows[1]!.mae,
    skillVsSeasonal: seasonal ? 1 - model.mae / seasonal.mae : null,
    windows: f.n,
    horizon: f.horizon,
    seasonalPeriod: m,
  };
}
