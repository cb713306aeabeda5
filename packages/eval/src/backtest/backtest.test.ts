import { createSeries, type Windows } from '@recur/data';
import { describe, expect, it } from 'vitest';
import { drift, persistence } from '../baselines/baselines.js';
import { mae, mse } from '../metrics/regression.js';
import { backtest, type BacktestProgress, type Forecaster } from './backtest.js';

// y_t = t: persistence errs by exactly h at lead time h; drift is exact.
const series = createSeries({ data: Float32Array.from({ length: 100 }, (_, t) => t), columns: ['y'] });

/** Forecasts last input + h + offset: error exactly `offset` at every lead time. */
function offsetForecaster(offset: number, seen: { train: [number, number]; test: [number, number] }[]): Forecaster {
  let trainRange: [number, number] = [0, 0];
  return {
    fit(train, fold) {
      expect(train.role).toBe('train');
      trainRange = fold.trainRange;
    },
    predict(w: Windows) {
      const out = new Float64Array(w.count * w.horizon);
      for (let i = 0; i < w.count; i++) {
        const x = w.x(i);
        for (let h = 1; h <= w.horizon; h++) out[i * w.horizon + h - 1] = x[x.length - 1]! + h + offset;
        // No window's target may reach back into the training rows.
        expect(w.ranges(i).target[0]).toBeGreaterThanOrEqual(trainRange[1]);
      }
      seen.push({ train: trainRange, test: [w.ranges(0).target[0], w.ranges(w.count - 1).target[1]] });
      return out;
    },
  };
}

describe('backtest', () => {
  it('scores by fold and by horizon, with baselines, and aggregates across folds', async () => {
    const events: BacktestProgress[] = [];
    const seen: { train: [number, number]; test: [number, number] }[] = [];
    const result = await backtest(series, (fold) => offsetForecaster(fold.index, seen), {
      folds: { mode: 'expanding', trainSize: 40, testSize: 20 },
      lookback: 5,
      horizon: 3,
      metrics: { mae, mse },
      baselines: [persistence, drift],
      onProgress: (e) => events.push(e),
    });
    expect(result.folds).toHaveLength(3);
    expect(result.folds.map((f) => f.windows)).toEqual([18, 18, 18]);
    expect(result.folds.map((f) => f.model.overall.mae)).toEqual([0, 1, 2]);
    expect(result.folds[2]!.model.byHorizon.mse).toEqual([4, 4, 4]);
    // Persistence on a unit-slope line: error h at lead h.
    expect(result.folds[0]!.baselines.persistence!.byHorizon.mae).toEqual([1, 2, 3]);
    expect(result.folds[0]!.baselines.persistence!.overall.mse).toBeCloseTo(14 / 3, 12);
    expect(result.aggregate.baselines.drift!.overall.mae!.max).toBe(0);
    const agg = result.aggregate.model.overall.mae!;
    expect(agg.mean).toBe(1);
    expect(agg.std).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect([agg.min, agg.max]).toEqual([0, 2]);
    expect(result.aggregate.model.byHorizon.mae).toEqual([1, 1, 1]);
    expect(events.map((e) => `${e.fold}:${e.phase}`)).toEqual(['0:fit', '0:predict', '0:done', '1:fit', '1:predict', '1:done', '2:fit', '2:predict', '2:done']);
    expect(seen.map((s) => s.train)).toEqual([[0, 40], [0, 60], [0, 80]]);
  });

  it('sliding folds train on a fixed-size block', async () => {
    const seen: { train: [number, number]; test: [number, number] }[] = [];
    await backtest(series, () => offsetForecaster(0, seen), { folds: { mode: 'sliding', trainSize: 30, testSize: 20, gap: 5 }, lookback: 4, horizon: 2 });
    expect(seen.map((s) => s.train)).toEqual([[0, 30], [20, 50], [40, 70]]);
    expect(seen[0]!.test[0]).toBe(35); // gap of 5 rows
  });

  it('MASE uses each fold\'s own training rows as the scale', async () => {
    // y_t = t² / 100: the persistence scale grows with the training block, so MASE of the same
    // per-step error differs by fold. Fold 0 trains on rows 0..39: scale = mean |Δy| = 39²/100/39.
    const quad = createSeries({ data: Float32Array.from({ length: 80 }, (_, t) => (t * t) / 100), columns: ['y'] });
    const result = await backtest(quad, () => ({ fit() {}, predict: (w: Windows) => Array.from({ length: w.count * w.horizon }, (_, i) => w.y(Math.floor(i / w.horizon))[i % w.horizon]! + 1) }), {
      folds: { mode: 'expanding', trainSize: 40, testSize: 20 },
      lookback: 3,
      horizon: 2,
      metrics: { mae },
      maseSeasonalPeriod: 1,
    });
    expect(result.metricNames).toEqual(['mae', 'mase']);
    expect(result.folds[0]!.model.overall.mae).toBeCloseTo(1, 5);
    expect(result.folds[0]!.model.overall.mase).toBeCloseTo(1 / (39 ** 2 / 100 / 39), 4);
    expect(result.folds[1]!.model.overall.mase).toBeCloseTo(1 / (59 ** 2 / 100 / 59), 4);
    expect(result.folds[1]!.model.byHorizon.mase).toHaveLength(2);
  });

  it('refuses predictions of the wrong shape', async () => {
    const bad: Forecaster = { fit() {}, predict: () => [1, 2, 3] };
    await expect(backtest(series, () => bad, { folds: { mode: 'expanding', trainSize: 40, testSize: 20 }, lookback: 5, horizon: 3 })).rejects.toThrow(/\[N, H, K\]/);
  });
});
