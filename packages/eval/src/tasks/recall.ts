/**
 * Long-gap token recall: the "The author, who … thirty words later … published her ___" test.
 * Step 0 shows one of C cue tokens; then come `gap` distractor tokens drawn uniformly from D
 * other tokens; the last step shows a query token. After the query the model must name the cue
 * (a C-way classification from the last state). Inputs are one-hot over C + D + 1 symbols:
 * cues 0..C−1, distractors C..C+D−1, query C+D.
 *
 * Chance level: nothing after step 0 carries information about the cue, so a model without
 * memory of step 0 is right with probability 1/C.
 */
import { checkInt } from '../metrics/check.js';
import { createRng } from './rng.js';
import type { TaskBatch } from './types.js';

/** Options of {@link recallTask}. */
export interface RecallOptions {
  /** Examples N. */
  readonly n: number;
  /** Distractor steps between the cue and the query (≥ 0). T = gap + 2. */
  readonly gap: number;
  /** Distinct cues C (≥ 2). Default 4. */
  readonly cues?: number;
  /** Distinct distractor tokens D (≥ 1). Default 4. */
  readonly distractors?: number;
  readonly seed: number;
}

/** A seeded batch of the recall task: inputs [N, gap + 2, C + D + 1] one-hot, targets [N] cue indices. */
export function recallTask(options: RecallOptions): TaskBatch {
  const { n, gap, seed } = options;
  const cues = options.cues ?? 4;
  const distractors = options.distractors ?? 4;
  checkInt('recallTask: n', n, 1);
  checkInt('recallTask: gap', gap, 0);
  checkInt('recallTask: cues', cues, 2);
  checkInt('recallTask: distractors', distractors, 1);
  const rng = createRng(seed);
  const steps = gap + 2;
  const features = cues + distractors + 1;
  const inputs = new Float32Array(n * steps * features);
  const targets = new Float32Array(n);
  for (let b = 0; b < n; b++) {
    const cue = rng.int(cues);
    targets[b] = cue;
    inputs[b * steps * features + cue] = 1;
    for (let t = 1; t <= gap; t++) inputs[(b * steps + t) * features + cues + rng.int(distractors)] = 1;
    inputs[(b * steps + steps - 1) * features + cues + distractors] = 1;
  }
  return { task: 'recall', n, steps, features, inputs, targets, kind: 'classification', classes: cues, chance: 1 / cues };
}
