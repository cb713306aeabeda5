/**
 * The forecasting data pipeline of `recur train` / `eval` / `forecast` / `probe`: chronological
 * split, a standard scaler fitted on the training rows only, direct multi-horizon windows, and the
 * conversion to @recur/core's time-major batches.
 *
 * Shapes (legend: B batch, T = L lookback, F features, H horizon):
 *   inputs  x [T, B, F]  scaled features, time-major
 *   targets y [B, H]     scaled target at steps 1..H after the window.
 *
 * Residual (window-relative) mode, the default: with t₀ the window's last input row,
 *   x[t, b, target] ← z_target(t) − z_target(t₀)      (the target's input column, relative)
 *   y[b, h]         ← z_target(t₀ + h) − z_target(t₀)  (the change from the last observed value)
 * and forecasts add z_target(t₀) back. Inputs and outputs then stay in the range seen in
 * training even when the series trends out of it (CO2, prices), which a level model cannot do.
 */
import { chronologicalSplit, ZeroVarianceError, scalerFromJSON, StandardScaler, window, type Scaler, type ScalerJSON, type Series, type SplitResult, type Windows, batches } from '@recur/data';
import type { Batch, Model, ModelContents } from '@recur/core';
import { CliUserError } from '../errors.js';
import { validForecastPipeline } from '../pipeline-schemas.js';
import type { ForecastPipeline } from './forecast-pipeline.js';

export type { ForecastPipeline } from './forecast-pipeline.js';

/** The windows of each part, with the raw (unscaled) data kept for metrics and baselines. */
export interface PreparedData {
  readonly split: SplitResult;
  readonly scaled: SplitResult;
  readonly scaler: Scaler;
  readonly train: Windows;
  readonly validation: Windows | undefined;
  readonly test: Windows;
  /** The raw target column of the whole series (absolute rows). */
  readonly rawTarget: Float64Array;
  /** Timestamps of the whole series, if any. */
  readonly timestamps: Float64Array | undefined;
}

/** Options used to prepare the data the first time (training). */
export interface PipelineSettings {
  readonly target: string;
  readonly features: readonly string[];
  readonly lookback: number;
  readonly horizon: number;
  readonly split: { readonly train: number; readonly validation: number; readonly test: number };
  readonly residual: boolean;
}

/** Check that a window fits in the training rows before any data package is asked (one clear message). */
function checkFits(rows: number, trainRows: number, lookback: number, horizon: number): void {
  if (lookback + horizon > trainRows) {
    throw new CliUserError(
      `--lookback ${lookback} plus --horizon ${horizon} needs at least ${lookback + horizon} training rows, but the training part has ${trainRows} of the data's ${rows} rows; use a shorter lookback or horizon, or more data.`,
    );
  }
}

/**
 * A target that is constant over the training rows has nothing to learn, and every scaled error
 * (MASE) would divide by zero: refuse it by name instead of printing NaN metrics. (Constant feature
 * columns are fine: the scaler maps them to 0, see @recur/data's StandardScaler.)
 */
function checkTargetVaries(train: Series, target: string): void {
  const v = train.column(target);
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return;
  throw new ZeroVarianceError(target, v[0] ?? NaN, v.length, 'the training part');
}

/** Split, scale (fitting the scaler on train unless one is given) and window a series. */
export function prepare(series: Series, settings: PipelineSettings, fitted?: ScalerJSON): PreparedData {
  const columns = [...new Set([...settings.features, settings.target])];
  for (const c of columns) series.columnIndex(c); // UnknownColumnError with the nearest name
  if (settings.lookback < 1 || settings.horizon < 1) throw new CliUserError('--lookback and --horizon must be at least 1.');
  const { train, validation, test } = settings.split;
  const split = chronologicalSplit(series, { ratio: { train, validation, test } });
  checkFits(series.length, split.train.length, settings.lookback, settings.horizon);
  checkTargetVaries(split.train, settings.target);
  const scaler = fitted ? scalerFromJSON(fitted) : new StandardScaler().fit(split.train, { columns });
  const scaled = scaler.transformSplit(split);
  const opts = { lookback: settings.lookback, horizon: settings.horizon, features: [...settings.features], targets: [settings.target] };
  const trainW = window(scaled.train, opts);
  const valW = scaled.validation ? window(scaled.validation, { ...opts, history: 'preceding' }) : undefined;
  const testW = window(scaled.test, { ...opts, history: 'preceding' });
  const full = series.column(settings.target);
  return {
    split,
    scaled,
    scaler,
    train: trainW,
    validation: valW,
    test: testW,
    rawTarget: Float64Array.from(full),
    timestamps: series.timestamps ? Float64Array.from(series.timestamps) : undefined,
  };
}

/** Index of the target inside the feature columns (residual mode needs it), or -1. */
export function targetFeatureIndex(p: Pick<ForecastPipeline, 'features' | 'target'>): number {
  return p.features.indexOf(p.target);
}

/** Affine parameters of the target column: value = (z − offset)·scale + center. */
export function targetScale(scaler: Scaler, target: string): { center: number; scale: number; offset: number } {
  const i = scaler.columns.indexOf(target);
  const { center, scale, offset } = scaler.parameters;
  return { center: center[i]!, scale: scale[i]!, offset };
}

/**
 * Make a time-major input batch [T, B, F] window-relative in place (residual mode): subtract each
 * window's last target value from its target column. Returns those last values [B].
 */
export function relativize(x: Float32Array, T: number, B: number, F: number, targetIndex: number): Float32Array {
  const last = new Float32Array(B);
  for (let b = 0; b < B; b++) last[b] = x[((T - 1) * B + b) * F + targetIndex]!;
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) x[(t * B + b) * F + targetIndex] = x[(t * B + b) * F + targetIndex]! - last[b]!;
  return last;
}

/** Time-major core batches from windows (window-relative in residual mode, see the module docs). */
export function toBatches(w: Windows, options: { batchSize: number; residual: boolean; targetIndex: number; shuffle?: boolean; seed?: number }): Batch[] {
  const out: Batch[] = [];
  const it = batches(w, { batchSize: options.batchSize, layout: 'time-major', shuffle: options.shuffle ?? false, seed: options.seed ?? 0 });
  for (const b of it) {
    // y is [B, H·K] with K = 1 (batch-major even in the time-major layout without teacher forcing).
    const x = Float32Array.from(b.x);
    const y = Float32Array.from(b.y);
    if (options.residual) {
      const H = b.targetSteps;
      const last = relativize(x, b.T, b.B, b.F, options.targetIndex);
      for (let i = 0; i < b.B; i++) for (let h = 0; h < H; h++) y[i * H + h] = y[i * H + h]! - last[i]!;
    }
    out.push({ inputs: x, T: b.T, B: b.B, targets: y });
  }
  return out;
}

/**
 * Mean squared error of the persistence forecast (repeat the last observed target) on batches made
 * by {@link toBatches}, in the model's own units: the same loss training reports. In residual mode
 * persistence predicts 0 (no change); otherwise the last input row's target, x[T−1, b, target].
 * Null when the target is not among the features (persistence needs the last value).
 */
export function persistenceLoss(batchList: readonly Batch[], options: { residual: boolean; targetIndex: number; features: number }): number | null {
  if (options.targetIndex < 0) return null;
  let sum = 0;
  let n = 0;
  for (const b of batchList) {
    const y = b.targets as Float32Array;
    const H = y.length / b.B;
    for (let i = 0; i < b.B; i++) {
      const last = options.residual ? 0 : (b.inputs as Float32Array)[((b.T - 1) * b.B + i) * options.features + options.targetIndex]!;
      for (let h = 0; h < H; h++) {
        const d = y[i * H + h]! - last;
        sum += d * d;
        n++;
      }
    }
  }
  return n > 0 ? sum / n : null;
}

/** The model's forecasts for every window, in original units, row-major [N, H]; plus the truth and each window's origin. */
export interface WindowForecasts {
  readonly pred: Float64Array;
  readonly truth: Float64Array;
  /** Absolute row of each window's first forecast step. */
  readonly origins: Int32Array;
  readonly n: number;
  readonly horizon: number;
}

/** Run the model over every window of a part and bring the forecasts back to original units. */
export async function forecastAll(model: Model, w: Windows, pipeline: Pick<ForecastPipeline, 'residual' | 'target' | 'features'>, scaler: Scaler, rawTarget: Float64Array, batchSize = 256): Promise<WindowForecasts> {
  const H = w.horizon;
  const n = w.count;
  const pred = new Float64Array(n * H);
  const truth = new Float64Array(n * H);
  const origins = new Int32Array(n);
  const ti = targetFeatureIndex(pipeline);
  const { center, scale, offset } = targetScale(scaler, pipeline.target);
  let row = 0;
  for (const b of batches(w, { batchSize, layout: 'time-major' })) {
    const x = Float32Array.from(b.x);
    const lasts = pipeline.residual ? relativize(x, b.T, b.B, b.F, ti) : null;
    const { output } = await model.predict({ inputs: x, T: b.T, B: b.B });
    for (let i = 0; i < b.B; i++) {
      const last = lasts ? lasts[i]! : 0;
      for (let h = 0; h < H; h++) pred[(row + i) * H + h] = ((output[i * H + h] as number) + last - offset) * scale + center;
      const r = w.ranges(b.windows[i]!);
      origins[row + i] = r.target[0];
      for (let h = 0; h < H; h++) truth[(row + i) * H + h] = rawTarget[r.target[0] + h]!;
    }
    row += b.B;
  }
  return { pred, truth, origins, n, horizon: H };
}

/** Rebuild a scaler from a pipeline. */
export function pipelineScaler(p: ForecastPipeline): Scaler {
  return scalerFromJSON(p.scaler);
}

/**
 * Read and check `extra.pipeline` of a model directory (schema, then cross-checks against the model
 * config); null when the model is not a forecaster.
 *
 * @throws {ModelFormatError} naming `<dir>/config.json`, the field and what was expected.
 */
export function asForecastPipeline(contents: Pick<ModelContents, 'extra' | 'config'>, dir: string): ForecastPipeline | null {
  return validForecastPipeline(contents, dir);
}
