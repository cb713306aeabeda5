import { ShapeError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { maseMetric, perHorizon, perHorizonTable } from './per-horizon.js';
import { mae, mse } from './regression.js';

// N = 2 forecasts of H = 3 steps. Errors: row 0 [1, 2, 3], row 1 [1, 0, −5].
const pred = [0, 0, 0, 1, 1, 1];
const actual = [1, 2, 3, 2, 1, -4];

describe('perHorizon', () => {
  it('MAE at each lead time: [1, 1, 4]', () => expect(Array.from(perHorizon(pred, actual, 3, mae))).toEqual([1, 1, 4]));
  it('MSE at each lead time: [1, 2, 17]', () => expect(Array.from(perHorizon(pred, actual, 3, mse))).toEqual([1, 2, 17]));
  it('accepts rows as well as row-major values', () => {
    expect(Array.from(perHorizon([[0, 0, 0], [1, 1, 1]], [[1, 2, 3], [2, 1, -4]], 3))).toEqual([1, 1, 4]);
  });
  it('MASE bound to a training series', () => {
    // scale of [0, 2, 0] at m = 1 is 2 → MASE = MAE/2.
    expect(Array.from(perHorizon(pred, actual, 3, maseMetric([0, 2, 0])))).toEqual([0.5, 0.5, 2]);
  });
  it('long-format table for charts', () => {
    const rows = perHorizonTable(pred, actual, 3, { mae, mse }, 'lstm');
    expect(rows).toHaveLength(6);
    expect(rows[5]).toEqual({ horizon: 3, metric: 'mse', value: 17, model: 'lstm' });
  });
  it('refuses a ragged matrix', () => {
    expect(() => perHorizon([0, 0, 0, 1], actual, 3)).toThrow(ShapeError);
    expect(() => perHorizon([[0, 0]], [[1, 2]], 3)).toThrow(/\[0\]/);
    expect(() => perHorizon([0, 0, 0], actual, 3)).toThrow(ShapeError);
  });
});
