/** Skill scores: how much better a model is than a reference forecast. */
import { InvalidArgumentError } from '@recur/backend';
import { UndefinedMetricError } from '../errors.js';
import type { Values } from '../metrics/check.js';
import { mse } from '../metrics/regression.js';
import type { Metric } from '../metrics/per-horizon.js';

/**
 * Skill of a model against a baseline from their errors: `skill = 1 − err_model / err_baseline`.
 * 1 is perfect, 0 is no better than the baseline, negative is worse. With MSE errors this is the
 * usual MSE skill score. Throws {@link UndefinedMetricError} when the baseline error is 0.
 */
export function skillScore(errModel: number, errBaseline: number): number {
  if (!Number.isFinite(errModel) || !Number.isFinite(errBaseline) || errModel < 0 || errBaseline < 0) {
    throw new InvalidArgumentError('skillScore', `errors must be finite and ≥ 0; got model ${errModel}, baseline ${errBaseline}.`);
  }
  if (errBaseline === 0) {
    throw new UndefinedMetricError('skill score', 'the baseline error is 0 (a perfect baseline)', 'Compare against a baseline that makes errors, or report the raw errors.');
  }
  return 1 - errModel / errBaseline;
}

/**
 * Skill of model forecasts against baseline forecasts of the same actuals, under one error metric
 * (default MSE): `1 − metric(ŷ_model, y) / metric(ŷ_baseline, y)`.
 */
export function skill(modelPred: Values, baselinePred: Values, actual: Values, metric: Metric = mse): number {
  return skillScore(metric(modelPred, actual), metric(baselinePred, actual));
}
