/**
 * The two probes of a model trained on the word-level long-gap task, on held-out sentences:
 *
 * - **context ablation**: accuracy when the model sees only the last k words, the earlier ones
 *   replaced by `<pad>` (the sequence length stays T). The subject is at step 1, so it is visible
 *   exactly when k ≥ gap + 1: a model that uses it is at chance for k ≤ gap and jumps to its full
 *   accuracy at k = gap + 1.
 * - **gradient by lag**: ‖∂ℓ/∂x_t‖ for the word at t, against its distance from the blank
 *   (distance 1 = `her`, distance gap + 1 = the subject). With one-hot inputs x_t this is the
 *   gradient with respect to the word's learned input vector (see `wordGapTask`).
 */
import { InvalidArgumentError } from '@recur/backend';
import { accuracyFromLogits } from '../metrics/classification.js';
import { toTimeMajor } from '../tasks/types.js';
import { WORD_GAP_IDS } from '../tasks/word-gap-corpus.js';
import type { WordGapBatch } from '../tasks/word-gap.js';
import { contextAblation, type ContextAblation } from './context-ablation.js';
import { gradientByLag } from './gradient-by-lag.js';
import type { RecurModelLike } from './model-like.js';

/** What {@link probeWordGap} measures. */
export interface WordGapProbes {
  /** Words after the subject (T − 2). */
  readonly gap: number;
  /** Accuracy against the visible context k (mask mode, `<pad>` fill). */
  readonly ablation: ContextAblation;
  /** Accuracy with k = gap words visible (the subject hidden): near chance for a model that uses the subject. */
  readonly accuracySubjectHidden: number;
  /** Accuracy with k = gap + 1 words visible (the subject just visible). */
  readonly accuracySubjectVisible: number;
  /** ‖∂ℓ/∂x‖ by distance from the blank: `gradient[d − 1]` is the word d steps before it, d = 1 … T. */
  readonly gradient: number[];
}

/** Options of {@link probeWordGap}. */
export interface WordGapProbeOptions {
  /** Visible context lengths (default: every k from 1 to T for T ≤ 40, else a grid with gap − 1 … gap + 2). gap and gap + 1 are always added. */
  readonly ks?: readonly number[];
  /** Sentences used for the gradient (the first ones of the batch; default 64). */
  readonly gradientSentences?: number;
}

/** The default ablation grid for a sentence of T words: dense around the subject's position. */
export function wordGapContextGrid(T: number): number[] {
  const gap = T - 2;
  if (T <= 40) return Array.from({ length: T }, (_, i) => i + 1);
  const ks = new Set<number>([1, 2, 3, 5, gap - 1, gap, gap + 1, gap + 2]);
  for (let i = 1; i <= 10; i++) ks.add(Math.max(1, Math.round((i * T) / 10)));
  return [...ks].filter((k) => k >= 1 && k <= T).sort((a, b) => a - b);
}

/** Context ablation and gradient by lag of a trained word-gap model on a held-out batch. */
export async function probeWordGap(model: RecurModelLike, batch: WordGapBatch, options: WordGapProbeOptions = {}): Promise<WordGapProbes> {
  if (batch.task !== 'word-gap' || !(batch.tokens instanceof Int32Array)) throw new InvalidArgumentError('probeWordGap: batch', 'must come from wordGapTask.');
  const { n, steps: T, features: V } = batch;
  const gap = T - 2;
  if (model.config.inputSize !== V) throw new InvalidArgumentError('probeWordGap: model', `reads ${model.config.inputSize} features per step; the batch has a ${V}-word one-hot vocabulary.`);
  const C = batch.classes as number;
  const inputs = toTimeMajor(batch.inputs, n, T, V);
  const fill = new Float32Array(V);
  fill[WORD_GAP_IDS.pad] = 1;
  const ks = [...new Set([...(options.ks ?? wordGapContextGrid(T)), gap, gap + 1])];
  const ablation = await contextAblation(model, {
    inputs, T, B: n, targets: batch.targets, ks, fill, higherIsBetter: true, absTol: 0.02,
    score: (out, targets) => accuracyFromLogits(out, targets, C),
  });
  const at = (k: number): number => ablation.curve.find((p) => p.k === k)?.score ?? Number.NaN;

  const G = Math.min(n, options.gradientSentences ?? 64);
  const gInputs = toTimeMajor(batch.inputs.subarray(0, G * T * V), G, T, V);
  const grad = await gradientByLag(model, { inputs: gInputs, T, B: G }, { loss: 'cross-entropy', targets: batch.targets.subarray(0, G) });
  return { gap, ablation, accuracySubjectHidden: at(gap), accuracySubjectVisible: at(gap + 1), gradient: Array.from(grad.norms) };
}
