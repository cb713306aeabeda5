/** Argument checks shared by the metric functions. */
import { InvalidArgumentError, NonFiniteError, ShapeError } from '@recur/backend';

/** Anything indexable with numbers: `Float32Array`, `Float64Array`, `number[]`. */
export type Values = ArrayLike<number>;

/** Throws unless `pred` and `actual` are non-empty, equally long and finite. Returns the length. */
export function checkPair(metric: string, pred: Values, actual: Values): number {
  if (pred == null || actual == null || typeof pred.length !== 'number' || typeof actual.length !== 'number') {
    throw new InvalidArgumentError(metric, 'predictions and actuals must be arrays of numbers (number[] or Float32Array).');
  }
  if (pred.length !== actual.length) {
    throw new ShapeError(`${metric}: predictions vs actuals`, [actual.length], [pred.length], 'Pass one prediction per actual value.');
  }
  if (pred.length === 0) {
    throw new InvalidArgumentError(metric, 'needs at least one value; got empty arrays.');
  }
  checkFinite(metric, 'predictions', pred);
  checkFinite(metric, 'actuals', actual);
  return pred.length;
}

/** Throws {@link NonFiniteError} naming the first NaN/Inf element. */
export function checkFinite(metric: string, what: string, values: Values): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new NonFiniteError(`${metric} ${what}[${i}]`, undefined, 'Remove or impute NaN/Inf values before scoring.');
    }
  }
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInt(argument: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(argument, `must be an integer ≥ ${min}; got ${String(value)}.`);
  }
}
