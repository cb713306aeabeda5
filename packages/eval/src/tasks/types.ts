/** Shared shapes of the synthetic memory tasks. */

/**
 * A batch of a synthetic task, **batch-major**: `inputs` is row-major [N, T, I] (use
 * {@link toTimeMajor} for the backend's [T, N, I] layout).
 */
export interface TaskBatch {
  /** Which task made it, e.g. `adding`. */
  readonly task: string;
  /** Examples N. */
  readonly n: number;
  /** Steps per example T. */
  readonly steps: number;
  /** Input features I. */
  readonly features: number;
  /** Row-major [N, T, I]. */
  readonly inputs: Float32Array;
  /**
   * Targets. Regression (`adding`): [N] values. Classification at the last step (`recall`): [N]
   * class indices. Classification at every step (`copy`): [N, T] class indices.
   */
  readonly targets: Float32Array;
  /** `regression` is scored with MSE, `classification` with accuracy. */
  readonly kind: 'regression' | 'classification';
  /** Number of classes (classification tasks). */
  readonly classes?: number;
  /** Which (example, step) targets are scored, row-major [N, T] of 0/1 (`copy` only). */
  readonly mask?: Float32Array;
  /** The score of a model with no memory: MSE of the best constant (regression) or accuracy of guessing (classification). */
  readonly chance: number;
}

/** Row-major [N, T, I] → [T, N, I]. */
export function toTimeMajor(values: Float32Array, n: number, steps: number, features: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < steps; t++) {
      out.set(values.subarray((b * steps + t) * features, (b * steps + t + 1) * features), (t * n + b) * features);
    }
  }
  return out;
}
