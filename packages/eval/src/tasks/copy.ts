/**
 * Copy / delayed recall with a gap (Hochreiter & Schmidhuber 1997; Arjovsky, Shah & Bengio 2016).
 * An example shows L symbols drawn from an alphabet of K, then `gap` blank steps, then a
 * delimiter, then L − 1 more blanks. The target at every step is the blank class until the L steps
 * that start at the delimiter, where it is the L symbols in order. Inputs are one-hot over K + 2
 * symbols (0..K−1 the alphabet, K blank, K + 1 delimiter), T = 2L + gap. Targets are classes in
 * [0, K] (K = blank); `mask` marks the L recall steps, the only ones scored.
 *
 * Chance level (accuracy on the recall steps): 1/K.
 */
import { checkInt } from '../metrics/check.js';
import { createRng } from './rng.js';
import type { TaskBatch } from './types.js';

/** Options of {@link copyTask}. */
export interface CopyOptions {
  /** Examples N. */
  readonly n: number;
  /** Blank steps between the last symbol and the delimiter (≥ 0). */
  readonly gap: number;
  /** Symbols to copy L (≥ 1). Default 5. */
  readonly length?: number;
  /** Alphabet size K (≥ 2). Default 8. */
  readonly alphabet?: number;
  readonly seed: number;
}

/** A seeded batch of the copy task: inputs [N, T, K + 2], targets [N, T] classes, mask [N, T]. */
export function copyTask(options: CopyOptions): TaskBatch {
  const { n, gap, seed } = options;
  const length = options.length ?? 5;
  const alphabet = options.alphabet ?? 8;
  checkInt('copyTask: n', n, 1);
  checkInt('copyTask: gap', gap, 0);
  checkInt('copyTask: length', length, 1);
  checkInt('copyTask: alphabet', alphabet, 2);
  const rng = createRng(seed);
  const steps = 2 * length + gap;
  const features = alphabet + 2;
  const blank = alphabet;
  const delimiter = alphabet + 1;
  const delimiterStep = length + gap;
  const inputs = new Float32Array(n * steps * features);
  const targets = new Float32Array(n * steps).fill(blank);
  const mask = new Float32Array(n * steps);
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < steps; t++) {
      let symbol = blank;
      if (t < length) {
        symbol = rng.int(alphabet);
        targets[b * steps + delimiterStep + t] = symbol;
        mask[b * steps + delimiterStep + t] = 1;
      } else if (t === delimiterStep) {
        symbol = delimiter;
      }
      inputs[(b * steps + t) * features + symbol] = 1;
    }
  }
  return { task: 'copy', n, steps, features, inputs, targets, kind: 'classification', classes: alphabet + 1, mask, chance: 1 / alphabet };
}
