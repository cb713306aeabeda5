/**
 * Naive forecasting baselines. Each takes a history window y₁..y_T (the most recent value last)
 * and returns the H-step forecast ŷ_{T+1..T+H} as a Float64Array. A model that cannot beat these
 * has learned nothing useful; {@link skillScore} measures by how much it does.
 */
import { InvalidArgumentError } from '@recur/backend';
import { checkFinite, checkInt, type Values } from '../metrics/check.js';

/** A forecaster with no parameters to fit beyond the window it is given. */
export interface Baseline {
  /** Short name used in reports, e.g. `persistence` or `seasonal-naive(24)`. */
  readonly name: string;
  /** The H-step forecast from a history window (most recent value last). */
  forecast(history: Values, horizon: number): Float64Array;
}

function checkHistory(name: string, history: Values, horizon: number, minLength: number): void {
  checkInt(`${name}: horizon`, horizon, 1);
  if (history == null || typeof history.length !== 'number' || history.length < minLength) {
    throw new InvalidArgumentError(
      `${name}: history`,
      `needs at least ${minLength} value${minLength === 1 ? '' : 's'}; got ${history?.length ?? 0}. Use a longer lookback window.`,
    );
  }
  checkFinite(name, 'history', history);
}

/** Persistence (naive, random-walk) forecast: `ŷ_{T+h} = y_T` for every h. */
export const persistence: Baseline = Object.freeze({
  name: 'persistence',
  forecast(history: Values, horizon: number): Float64Array {
    checkHistory('persistence', history, horizon, 1);
    return new Float64Array(horizon).fill(history[history.length - 1] as number);
  },
});

/**
 * Seasonal naive forecast with period m: `ŷ_{T+h} = y_{T+h−m·⌈h/m⌉}`, the value one season
 * before (repeating the last season for h > m). Needs T ≥ m. With m = 1 it equals persistence.
 */
export function seasonalNaive(m: number): Baseline {
  checkInt('seasonalNaive: period m', m, 1);
  return Object.freeze({
    name: `seasonal-naive(${m})`,
    forecast(history: Values, horizon: number): Float64Array {
      checkHistory(`seasonal-naive(${m})`, history, horizon, m);
      const T = history.length;
      const out = new Float64Array(horizon);
      // 0-based: y_{T+h−m⌈h/m⌉} is history[T − 1 + h − m⌈h/m⌉].
      for (let h = 1; h <= horizon; h++) out[h - 1] = history[T - 1 + h - m * Math.ceil(h / m)] as number;
      return out;
    },
  });
}

/** Mean forecast: `ŷ_{T+h} = ȳ = (1/T) Σ_{t=1..T} y_t` for every h. */
export const meanForecast: Baseline = Object.freeze({
  name: 'mean',
  forecast(history: Values, horizon: number): Float64Array {
    checkHistory('mean', history, horizon, 1);
    let s = 0;
    for (let i = 0; i < history.length; i++) s += history[i] as number;
    return new Float64Array(horizon).fill(s / history.length);
  },
});

/**
 * Drift forecast (a line through the first and last observations):
 * `ŷ_{T+h} = y_T + h·(y_T − y_1)/(T − 1)`. Needs T ≥ 2.
 */
export const drift: Baseline = Object.freeze({
  name: 'drift',
  forecast(history: Values, horizon: number): Float64Array {
    checkHistory('drift', history, horizon, 2);
    const T = history.length;
    const last = history[T - 1] as number;
    const slope = (last - (history[0] as number)) / (T - 1);
    const out = new Float64Array(horizon);
    for (let h = 1; h <= horizon; h++) out[h - 1] = last + h * slope;
    return out;
  },
});

/**
 * Runs a baseline over N history windows at once. `windows` is row-major [N, L] (`lookback` = L)
 * or N rows; the result is row-major [N, H] — the same layout {@link perHorizon} takes.
 */
export function forecastWindows(baseline: Baseline, windows: Values | readonly Values[], lookback: number, horizon: number): Float64Array {
  checkInt('forecastWindows: lookback', lookback, 1);
  checkInt('forecastWindows: horizon', horizon, 1);
  const rows: Values[] = [];
  const first = (windows as ArrayLike<unknown>)[0];
  if (typeof first === 'object' && first !== null) {
    rows.push(...(windows as readonly Values[]));
  } else {
    const flat = windows as Values;
    if (flat.length % lookback !== 0) {
      throw new InvalidArgumentError('forecastWindows: windows', `holds ${flat.length} values, not a multiple of lookback ${lookback}.`);
    }
    const arr = Float64Array.from(flat);
    for (let r = 0; r < flat.length / lookback; r++) rows.push(arr.subarray(r * lookback, (r + 1) * lookback));
  }
  const out = new Float64Array(rows.length * horizon);
  rows.forEach((row, r) => out.set(baseline.forecast(row, horizon), r * horizon));
  return out;
}
