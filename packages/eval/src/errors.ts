/**
 * Errors specific to evaluation. Everything else reuses the shared classes of `@recur/backend`
 * (`ShapeError`, `InvalidArgumentError`).
 */
import { RecurError } from '@recur/backend';

/**
 * A metric is undefined for the data it was given: MAPE with a zero actual, MASE with a
 * constant training series (zero scale), R² with constant actuals. Names the metric and why.
 */
export class UndefinedMetricError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'UndefinedMetricError';
  /** The metric that could not be computed, e.g. `mape`. */
  readonly metric: string;
  /** Index of the offending element, where there is one. */
  readonly index: number | undefined;
  constructor(metric: string, reason: string, hint: string, index?: number) {
    super('E_UNDEFINED_METRIC', `${metric} is undefined here: ${reason}. ${hint}`);
    this.metric = metric;
    this.index = index;
  }
}
