/**
 * The adding problem (Hochreiter & Schmidhuber 1997, experiment 4; in the form of Le, Jaitly &
 * Hinton 2015). Each of T steps has two input channels: a value uᵗ ~ U(0, 1) and a marker mᵗ ∈ {0, 1}.
 * Exactly two steps are marked, one in the first half [0, ⌊T/2⌋) and one in the second half
 * [⌊T/2⌋, T). The target, read after the last step, is the sum of the two marked values
 * `y = Σ_t mᵗ·uᵗ ∈ [0, 2]`.
 *
 * Chance level: a model with no memory predicts the constant 1 (the mean of y), whose MSE is
 * `Var(u₁ + u₂) = 2·(1/12) = 1/6 ≈ 0.167`. A model must carry a value across up to T steps to beat it.
 */
import { checkInt } from '../metrics/check.js';
import { createRng } from './rng.js';
import type { TaskBatch } from './types.js';

/** Options of {@link addingProblem}. */
export interface AddingOptions {
  /** Examples N. */
  readonly n: number;
  /** Sequence length T (≥ 2). */
  readonly steps: number;
  /** Seed of the generator; the same seed gives the same batch. */
  readonly seed: number;
}

/** MSE of always predicting 1 on the adding problem: Var(U₁ + U₂) = 1/6. */
export const ADDING_CHANCE_MSE = 1 / 6;

/** A seeded batch of the adding problem: inputs [N, T, 2] (value, marker), targets [N] sums. */
export function addingProblem(options: AddingOptions): TaskBatch {
  const { n, steps, seed } = options;
  checkInt('addingProblem: n', n, 1);
  checkInt('addingProblem: steps', steps, 2);
  const rng = createRng(seed);
  const inputs = new Float32Array(n * steps * 2);
  const targets = new Float32Array(n);
  const half = Math.floor(steps / 2);
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < steps; t++) inputs[(b * steps + t) * 2] = rng.next();
    const first = rng.int(half);
    const second = half + rng.int(steps - half);
    inputs[(b * steps + first) * 2 + 1] = 1;
    inputs[(b * steps + second) * 2 + 1] = 1;
    // Sum the stored float32 values so the target is exact for what the model sees.
    targets[b] = (inputs[(b * steps + first) * 2] as number) + (inputs[(b * steps + second) * 2] as number);
  }
  return { task: 'adding', n, steps, features: 2, inputs, targets, kind: 'regression', chance: ADDING_CHANCE_MSE };
}
