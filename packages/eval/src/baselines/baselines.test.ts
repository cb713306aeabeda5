import { InvalidArgumentError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { UndefinedMetricError } from '../errors.js';
import { mae } from '../metrics/regression.js';
import { drift, forecastWindows, meanForecast, persistence, seasonalNaive } from './baselines.js';
import { skill, skillScore } from './skill.js';

const history = [1, 2, 3, 4, 5, 6, 7];

describe('baselines', () => {
  it('persistence repeats the last value', () => expect(Array.from(persistence.forecast(history, 3))).toEqual([7, 7, 7]));
  it('seasonal naive repeats the last season', () => {
    expect(Array.from(seasonalNaive(3).forecast(history, 5))).toEqual([5, 6, 7, 5, 6]);
    expect(Array.from(seasonalNaive(1).forecast(history, 2))).toEqual([7, 7]);
  });
  it('mean forecasts the window mean', () => expect(Array.from(meanForecast.forecast(history, 2))).toEqual([4, 4]));
  it('drift extends the line through the first and last values', () => {
    expect(Array.from(drift.forecast([1, 4, 2, 7], 3))).toEqual([9, 11, 13]);
  });
  it('runs over N windows into [N, H]', () => {
    const out = forecastWindows(persistence, [1, 2, 3, 4, 5, 6], 3, 2);
    expect(Array.from(out)).toEqual([3, 3, 6, 6]);
    expect(Array.from(forecastWindows(seasonalNaive(2), [[1, 2, 3, 4]], 4, 3))).toEqual([3, 4, 3]);
  });
  it('refuses windows shorter than the baseline needs', () => {
    expect(() => seasonalNaive(8).forecast(history, 1)).toThrow(/at least 8 values/);
    expect(() => drift.forecast([1], 1)).toThrow(InvalidArgumentError);
    expect(() => persistence.forecast(history, 0)).toThrow(/horizon/);
    expect(() => seasonalNaive(0)).toThrow(InvalidArgumentError);
  });
});

describe('skill score', () => {
  it('1 − err_model/err_baseline', () => {
    expect(skillScore(1, 4)).toBe(0.75);
    expect(skillScore(4, 4)).toBe(0);
    expect(skillScore(8, 4)).toBe(-1);
  });
  it('from forecasts, with MSE by default and any metric', () => {
    // model errors [1, 1] (MSE 1), baseline errors [2, 2] (MSE 4).
    expect(skill([1, 1], [0, 0], [2, 2])).toBe(0.75);
    expect(skill([1, 1], [0, 0], [2, 2], mae)).toBe(0.5);
  });
  it('undefined against a perfect baseline', () => expect(() => skillScore(1, 0)).toThrow(UndefinedMetricError));
  it('refuses negative errors', () => expect(() => skillScore(-1, 1)).toThrow(InvalidArgumentError));
});
