/**
 * The word-level long-gap task: "The author … <filler> … finally finished her ___" → book.
 *
 * A sentence is `the <subject> <filler words> finally <verb> her`, and the model must name the
 * subject's object after the last word: a P-way softmax over the candidate objects (P = 8 by
 * default). The filler is a run of consecutive real words of the text (Moby-Dick), so the model
 * reads a real vocabulary; the verb is the same for every subject, so only the subject at step 1
 * decides the answer.
 *
 * The gap is the number of words after the subject, up to the blank: filler + 3 (`finally`, the
 * verb, `her`). T = gap + 2 and the subject is at step 1, so a model that sees only the last k
 * words sees the subject exactly when k ≥ gap + 1.
 *
 * Input: one-hot over the corpus vocabulary V (a bounded vocabulary, about 270 words by default).
 * One-hot into the cell's input weights *is* a learned embedding: `W_ih · onehot(w)` is column w
 * of `W_ih`, a learned G·H-wide vector per word, so the model learns one embedding per word fused
 * into its input projection, and `gradientByLag` on these inputs is ‖∂ℓ/∂(word vector at t)‖.
 *
 * Held-out sentences: their fillers come from the held-out region at the end of the text, and a
 * run that also occurs anywhere in the training region is redrawn, so no held-out filler was ever
 * seen in training. Chance: 1/P.
 */
import { InvalidArgumentError } from '@recur/backend';
import { checkInt } from '../metrics/check.js';
import { createRng } from './rng.js';
import type { TaskBatch } from './types.js';
import { WORD_GAP_IDS, type WordGapCorpus } from './word-gap-corpus.js';

/** Options of {@link wordGapTask}. */
export interface WordGapOptions {
  readonly corpus: WordGapCorpus;
  /** Sentences N. */
  readonly n: number;
  /** Words after the subject, up to the blank (≥ 4: at least one filler word). */
  readonly gap: number;
  readonly seed: number;
  /** `train` draws fillers from the training region; `held-out` from the held-out region, never a run seen in training. */
  readonly split: 'train' | 'held-out';
}

/** A word-gap batch: a {@link TaskBatch} with the word ids too. */
export interface WordGapBatch extends TaskBatch {
  /** Word ids, row-major [N, T]. */
  readonly tokens: Int32Array;
  /** The corpus vocabulary (id → word). */
  readonly vocabulary: readonly string[];
}

/** Draws of a held-out filler before giving up (a run of a few words may occur in training everywhere). */
const MAX_DRAWS = 10_000;

/** A seeded batch of sentences: inputs [N, gap + 2, V] one-hot, targets [N] object indices. */
export function wordGapTask(options: WordGapOptions): WordGapBatch {
  const { corpus, n, gap, seed, split } = options;
  if (!corpus || typeof corpus.occursInTraining !== 'function') throw new InvalidArgumentError('wordGapTask: corpus', 'must come from buildWordGapCorpus(text).');
  checkInt('wordGapTask: n', n, 1);
  checkInt('wordGapTask: gap', gap, 4);
  if (split !== 'train' && split !== 'held-out') throw new InvalidArgumentError('wordGapTask: split', `must be 'train' or 'held-out'; got ${String(split)}.`);
  const fill = gap - 3;
  const source = split === 'train' ? corpus.trainWords : corpus.heldOutWords;
  if (source.length <= fill) throw new InvalidArgumentError('wordGapTask: gap', `a filler of ${fill} words does not fit in the ${split} region (${source.length} words).`);
  const rng = createRng(seed);
  const V = corpus.vocabulary.length;
  const P = corpus.pairs.length;
  const steps = gap + 2;
  const tokens = new Int32Array(n * steps);
  const targets = new Float32Array(n);
  for (let b = 0; b < n; b++) {
    const subject = rng.int(P);
    targets[b] = subject;
    const row = tokens.subarray(b * steps, (b + 1) * steps);
    row[0] = WORD_GAP_IDS.the;
    row[1] = WORD_GAP_IDS.firstSubject + subject;
    let draws = 0;
    for (;;) {
      const start = rng.int(source.length - fill + 1);
      const run = source.subarray(start, start + fill);
      if (split === 'train' || !corpus.occursInTraining(run)) {
        row.set(run, 2);
        break;
      }
      if (++draws >= MAX_DRAWS) {
        throw new InvalidArgumentError('wordGapTask: gap', `no held-out filler of ${fill} words that never occurs in training was found in ${MAX_DRAWS} draws; use a longer gap.`);
      }
    }
    row[steps - 3] = WORD_GAP_IDS.finally;
    row[steps - 2] = WORD_GAP_IDS.verb;
    row[steps - 1] = WORD_GAP_IDS.her;
  }
  const inputs = new Float32Array(n * steps * V);
  for (let r = 0; r < n * steps; r++) inputs[r * V + (tokens[r] as number)] = 1;
  return { task: 'word-gap', n, steps, features: V, inputs, targets, kind: 'classification', classes: P, chance: 1 / P, tokens, vocabulary: corpus.vocabulary };
}

/**
 * A task generator for {@link trainOnTask}: seeds ≥ 0 (its training stream) draw training
 * sentences, negative seeds (its held-out batch) draw held-out sentences.
 */
export function wordGapGenerator(corpus: WordGapCorpus, gap: number): (seed: number, n: number) => WordGapBatch {
  return (seed, n) => wordGapTask({ corpus, n, gap, seed, split: seed < 0 ? 'held-out' : 'train' });
}

/** A sentence of a batch as text, with the blank: `the author … finally finished her ___`. */
export function wordGapSentence(batch: WordGapBatch, index: number): string {
  checkInt('wordGapSentence: index', index, 0);
  if (index >= batch.n) throw new InvalidArgumentError('wordGapSentence: index', `must be < ${batch.n}; got ${index}.`);
  const words = Array.from(batch.tokens.subarray(index * batch.steps, (index + 1) * batch.steps), (id) => batch.vocabulary[id] as string);
  return `${words.join(' ')} ___`;
}
