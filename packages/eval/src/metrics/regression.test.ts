import { NonFiniteError, ShapeError, InvalidArgumentError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { UndefinedMetricError } from '../errors.js';
import { mae, mape, mase, mse, r2, rmse, seasonalNaiveScale, smape } from './regression.js';

// Hand example: ŷ = [1, 2, 3], y = [2, 2, 5] → errors y − ŷ = [1, 0, 2].
const pred = [1, 2, 3];
const actual = [2, 2, 5];

describe('regression metrics (hand-computed)', () => {
  it('MAE = (1 + 0 + 2)/3 = 1', () => expect(mae(pred, actual)).toBe(1));
  it('MSE = (1 + 0 + 4)/3 = 5/3', () => expect(mse(pred, actual)).toBeCloseTo(5 / 3, 14));
  it('RMSE = √(5/3)', () => expect(rmse(pred, actual)).toBeCloseTo(Math.sqrt(5 / 3), 14));
  it('MAPE = 100·(1/2 + 0 + 2/5)/3 = 30', () => expect(mape(pred, actual)).toBeCloseTo(30, 12));
  it('sMAPE = 100·(2·1/3 + 0 + 2·2/8)/3 = 38.8̅', () => expect(smape(pred, actual)).toBeCloseTo((100 * (2 / 3 + 0.5)) / 3, 12));
  it('MASE: train [1, 3, 2, 4], m = 1 → scale (2+1+2)/3, MASE = 1/(5/3) = 0.6', () => {
    expect(seasonalNaiveScale([1, 3, 2, 4], 1)).toBeCloseTo(5 / 3, 14);
    expect(mase(pred, actual, [1, 3, 2, 4])).toBeCloseTo(0.6, 14);
  });
  it('MASE with m = 2: scale (|2−1| + |4−3|)/2 = 1, MASE = MAE = 1', () => {
    expect(mase(pred, actual, [1, 3, 2, 4], 2)).toBeCloseTo(1, 14);
  });
  it('R² = 1 − 5/6 (ȳ = 3, SS_tot = 6, SS_res = 5)', () => expect(r2(pred, actual)).toBeCloseTo(1 / 6, 14));
  it('accepts Float32Array and accumulates in float64', () => {
    expect(mae(Float32Array.from(pred), Float32Array.from(actual))).toBe(1);
  });
  it('perfect forecasts score 0 error and R² = 1', () => {
    expect(mse(actual, actual)).toBe(0);
    expect(smape([0, 1], [0, 1])).toBe(0);
    expect(r2(actual, actual)).toBe(1);
  });
});

describe('regression metrics refuse bad input', () => {
  it('MAPE names the zero actual', () => {
    const err = (() => {
      try {
        mape([1, 2], [3, 0]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UndefinedMetricError);
    expect((err as UndefinedMetricError).index).toBe(1);
    expect((err as Error).message).toMatch(/actual\[1\] is 0.*smape/);
  });
  it('length mismatch is a ShapeError', () => expect(() => mae([1, 2], [1])).toThrow(ShapeError));
  it('empty input is refused', () => expect(() => mse([], [])).toThrow(InvalidArgumentError));
  it('NaN is refused with its index', () => expect(() => rmse([1, NaN], [1, 2])).toThrow(/predictions\[1\]/));
  it('NaN is a NonFiniteError', () => expect(() => mae([1, 2], [Infinity, 2])).toThrow(NonFiniteError));
  it('MASE on a constant training series is undefined', () => expect(() => mase([1], [2], [5, 5, 5])).toThrow(UndefinedMetricError));
  it('MASE needs more than m training values', () => expect(() => mase([1], [2], [1, 2], 2)).toThrow(/more than m = 2/));
  it('R² on constant actuals is undefined', () => expect(() => r2([1, 2], [3, 3])).toThrow(UndefinedMetricError));
});
