/**
 * Point-forecast metrics. Every function takes predictions ŷ and actuals y of equal length n
 * (`number[]`, `Float32Array` or `Float64Array`) and accumulates in float64.
 *
 * Bad input is refused with a typed error, never a silent NaN: different lengths
 * (`ShapeError`), empty arrays (`InvalidArgumentError`), NaN/Inf (`NonFiniteError`), and data
 * for which the metric is undefined ({@link UndefinedMetricError}).
 */
import { InvalidArgumentError } from '@recur/backend';
import { UndefinedMetricError } from '../errors.js';
import { checkFinite, checkInt, checkPair, type Values } from './check.js';

/** Mean absolute error: `MAE = (1/n) Σᵢ |yᵢ − ŷᵢ|`. Units of y. */
export function mae(pred: Values, actual: Values): number {
  const n = checkPair('mae', pred, actual);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs((actual[i] as number) - (pred[i] as number));
  return s / n;
}

/** Mean squared error: `MSE = (1/n) Σᵢ (yᵢ − ŷᵢ)²`. Units of y². */
export function mse(pred: Values, actual: Values): number {
  const n = checkPair('mse', pred, actual);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = (actual[i] as number) - (pred[i] as number);
    s += d * d;
  }
  return s / n;
}

/** Root mean squared error: `RMSE = √MSE`. Units of y. */
export function rmse(pred: Values, actual: Values): number {
  checkPair('rmse', pred, actual);
  return Math.sqrt(mse(pred, actual));
}

/**
 * Mean absolute percentage error, in percent: `MAPE = (100/n) Σᵢ |yᵢ − ŷᵢ| / |yᵢ|`.
 *
 * Undefined when any actual is 0: throws {@link UndefinedMetricError} naming the first such index
 * (use {@link smape} or {@link mase} for series that touch zero).
 */
export function mape(pred: Values, actual: Values): number {
  const n = checkPair('mape', pred, actual);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i] as number;
    if (y === 0) {
      throw new UndefinedMetricError(
        'mape',
        `actual[${i}] is 0, and MAPE divides by |y|`,
        'Use smape() or mase() for series that contain zeros.',
        i,
      );
    }
    s += Math.abs(y - (pred[i] as number)) / Math.abs(y);
  }
  return (100 * s) / n;
}

/**
 * Symmetric MAPE, in percent, bounded to [0, 200]:
 * `sMAPE = (100/n) Σᵢ 2|yᵢ − ŷᵢ| / (|yᵢ| + |ŷᵢ|)`, where a term with yᵢ = ŷᵢ = 0 counts as 0
 * (a perfect forecast of zero).
 */
export function smape(pred: Values, actual: Values): number {
  const n = checkPair('smape', pred, actual);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i] as number;
    const p = pred[i] as number;
    const den = Math.abs(y) + Math.abs(p);
    if (den > 0) s += (2 * Math.abs(y - p)) / den;
  }
  return (100 * s) / n;
}

/**
 * The in-sample seasonal-naive MAE that {@link mase} divides by:
 * `scale = (1/(n−m)) Σ_{t=m+1..n} |y_t − y_{t−m}|` over the training series y₁..yₙ.
 */
export function seasonalNaiveScale(train: Values, m = 1): number {
  checkInt('mase: seasonal period m', m, 1);
  if (train == null || typeof train.length !== 'number' || train.length <= m) {
    throw new InvalidArgumentError(
      'mase: training series',
      `needs more than m = ${m} values to compute the seasonal-naive scale; got ${train?.length ?? 0}.`,
    );
  }
  checkFinite('mase', 'training series', train);
  let s = 0;
  for (let t = m; t < train.length; t++) s += Math.abs((train[t] as number) - (train[t - m] as number));
  return s / (train.length - m);
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006):
 * `MASE = MAE(ŷ, y) / scale`, where `scale = (1/(n−m)) Σ_{t=m+1..n} |y_t − y_{t−m}|` is the
 * in-sample MAE of the seasonal-naive forecast (period m; m = 1 is the persistence forecast) on
 * the training series. MASE < 1 beats the in-sample naive forecast.
 *
 * Throws {@link UndefinedMetricError} when the training series is constant at lag m (scale 0).
 */
export function mase(pred: Values, actual: Values, train: Values, m = 1): number {
  const err = mae(pred, actual);
  const scale = seasonalNaiveScale(train, m);
  if (scale === 0) {
    throw new UndefinedMetricError(
      'mase',
      `the training series is constant at lag m = ${m}, so the seasonal-naive scale is 0`,
      'Check the seasonal period, or use mae() for a constant training series.',
    );
  }
  return err / scale;
}

/**
 * Coefficient of determination: `R² = 1 − SS_res / SS_tot`, with `SS_res = Σᵢ (yᵢ − ŷᵢ)²` and
 * `SS_tot = Σᵢ (yᵢ − ȳ)²`. 1 is perfect, 0 equals predicting the mean of the actuals, and it is
 * negative for worse. Throws {@link UndefinedMetricError} when the actuals are constant (SS_tot = 0).
 */
export function r2(pred: Values, actual: Values): number {
  const n = checkPair('r2', pred, actual);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i] as number;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i] as number;
    const d = y - (pred[i] as number);
    ssRes += d * d;
    ssTot += (y - mean) * (y - mean);
  }
  if (ssTot === 0) {
    throw new UndefinedMetricError('r2', 'the actuals are constant, so SS_tot = 0', 'Use mse() or mae() on constant targets.');
  }
  return 1 - ssRes / ssTot;
}
