/**
 * Per-horizon error curves: the error at each lead time h = 1..H, computed from N forecasts of
 * H steps each, so that short- and long-horizon error sit side by side.
 */
import { InvalidArgumentError, ShapeError } from '@recur/backend';
import { checkInt, type Values } from './check.js';
import { mae, mape, mase, mse, r2, rmse, smape } from './regression.js';

/** A metric of predictions against actuals, such as {@link mae}. */
export type Metric = (pred: Values, actual: Values) => number;

/** Forecasts as row-major [N, H] (`N·H` values) or as N rows of H values. */
export type ForecastMatrix = Values | readonly Values[];

/** The regression metrics by name, for configuration files and the CLI. MASE needs a training series, see {@link maseMetric}. */
export const REGRESSION_METRICS: Readonly<Record<'mae' | 'mse' | 'rmse' | 'mape' | 'smape' | 'r2', Metric>> = Object.freeze({
  mae,
  mse,
  rmse,
  mape,
  smape,
  r2,
});

/** Flattens [N, H] forecasts to row-major values and returns N. */
export function toRowMajor(what: string, m: ForecastMatrix, horizon: number): { values: Float64Array; n: number } {
  checkInt(`${what}: horizon`, horizon, 1);
  if (m == null || typeof (m as Values).length !== 'number') {
    throw new InvalidArgumentError(what, 'must be row-major [N, H] numbers or an array of N rows.');
  }
  const first = (m as ArrayLike<unknown>)[0];
  if (m.length > 0 && typeof first === 'object' && first !== null) {
    const rows = m as readonly Values[];
    const values = new Float64Array(rows.length * horizon);
    rows.forEach((row, r) => {
      if (row.length !== horizon) throw new ShapeError(`${what}[${r}]`, [horizon], [row.length], 'Every forecast row needs H values.');
      for (let h = 0; h < horizon; h++) values[r * horizon + h] = row[h] as number;
    });
    return { values, n: rows.length };
  }
  const flat = m as Values;
  if (flat.length === 0 || flat.length % horizon !== 0) {
    throw new ShapeError(what, `[N, ${horizon}] with N ≥ 1`, `${flat.length} values`, 'Forecasts are row-major: N rows of H lead times.');
  }
  return { values: Float64Array.from(flat), n: flat.length / horizon };
}

/**
 * Error at each lead time: `curve[h−1] = metric(ŷ[:, h], y[:, h])` for h = 1..H, where column h
 * holds the N forecasts made h steps ahead. Returns a Float64Array of length H.
 */
export function perHorizon(pred: ForecastMatrix, actual: ForecastMatrix, horizon: number, metric: Metric = mae): Float64Array {
  const p = toRowMajor('perHorizon: predictions', pred, horizon);
  const a = toRowMajor('perHorizon: actuals', actual, horizon);
  if (p.n !== a.n) throw new ShapeError('perHorizon: predictions vs actuals', [a.n, horizon], [p.n, horizon]);
  const out = new Float64Array(horizon);
  const colP = new Float64Array(p.n);
  const colA = new Float64Array(a.n);
  for (let h = 0; h < horizon; h++) {
    for (let r = 0; r < p.n; r++) {
      colP[r] = p.values[r * horizon + h] as number;
      colA[r] = a.values[r * horizon + h] as number;
    }
    out[h] = metric(colP, colA);
  }
  return out;
}

/** One point of a per-horizon curve, in the long format charts take. */
export interface HorizonPoint {
  /** Lead time, 1..H. */
  readonly horizon: number;
  readonly metric: string;
  readonly value: number;
  /** Which model or baseline produced the forecasts. */
  readonly model?: string;
}

/** {@link perHorizon} for several named metrics at once, as long-format points for {@link perHorizonChart}. */
export function perHorizonTable(
  pred: ForecastMatrix,
  actual: ForecastMatrix,
  horizon: number,
  metrics: Readonly<Record<string, Metric>>,
  model?: string,
): HorizonPoint[] {
  const out: HorizonPoint[] = [];
  for (const [name, metric] of Object.entries(metrics)) {
    const curve = perHorizon(pred, actual, horizon, metric);
    curve.forEach((value, h) => out.push({ horizon: h + 1, metric: name, value, ...(model !== undefined ? { model } : {}) }));
  }
  return out;
}

/** MASE as a two-argument {@link Metric}, bound to the training series and seasonal period m. */
export function maseMetric(train: Values, m = 1): Metric {
  return (pred, actual) => mase(pred, actual, train, m);
}
