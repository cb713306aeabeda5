/**
 * Classification and language-model metrics. Logits are row-major [N, C] (N rows of C class
 * scores); targets are N class indices in [0, C). Computed in float64 with a max-shifted
 * log-sum-exp, so large logits neither overflow nor produce NaN.
 */
import { InvalidArgumentError, ShapeError } from '@recur/backend';
import { checkFinite, checkInt, type Values } from './check.js';

function checkTargets(metric: string, targets: Values, n: number, c: number): void {
  if (targets.length !== n) {
    throw new ShapeError(`${metric}: targets`, [n], [targets.length], 'Pass one class index per row.');
  }
  for (let i = 0; i < n; i++) {
    const t = targets[i] as number;
    if (!Number.isInteger(t) || t < 0 || t >= c) {
      throw new InvalidArgumentError(`${metric}: targets[${i}]`, `must be a class index in [0, ${c}); got ${String(t)}.`);
    }
  }
}

function checkLogits(metric: string, logits: Values, classes: number): number {
  checkInt(`${metric}: classes`, classes, 1);
  if (logits.length === 0 || logits.length % classes !== 0) {
    throw new ShapeError(`${metric}: logits`, `[N, ${classes}] with N ≥ 1`, `${logits.length} values`, 'Logits are row-major, one row of C scores per example.');
  }
  checkFinite(metric, 'logits', logits);
  return logits.length / classes;
}

/** Index of the largest score in each row of row-major [N, C] scores (first index wins ties). */
export function argmax(scores: Values, classes: number): Int32Array {
  const n = checkLogits('argmax', scores, classes);
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    let bestV = scores[r * classes] as number;
    for (let j = 1; j < classes; j++) {
      const v = scores[r * classes + j] as number;
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out[r] = best;
  }
  return out;
}

/** Accuracy: `(1/n) Σᵢ [ŷᵢ = yᵢ]`, the fraction of predicted class indices equal to the targets. */
export function accuracy(predicted: Values, targets: Values): number {
  if (predicted.length !== targets.length) {
    throw new ShapeError('accuracy: predictions vs targets', [targets.length], [predicted.length]);
  }
  if (predicted.length === 0) throw new InvalidArgumentError('accuracy', 'needs at least one value; got empty arrays.');
  let hits = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === targets[i]) hits++;
  return hits / predicted.length;
}

/** Accuracy of the arg-max class of row-major [N, C] logits (or probabilities) against N targets. */
export function accuracyFromLogits(logits: Values, targets: Values, classes: number): number {
  const pred = argmax(logits, classes);
  checkTargets('accuracy', targets, pred.length, classes);
  return accuracy(pred, targets);
}

/** What the scores passed to {@link crossEntropy} are. */
export interface CrossEntropyOptions {
  /** `logits` (default): unnormalised scores, softmax applied here. `probs`: rows already sum to 1. */
  readonly from?: 'logits' | 'probs';
}

/**
 * Mean cross-entropy in nats: `CE = −(1/N) Σᵣ ln p(yᵣ | r)`, with
 * `ln p(j | r) = zᵣⱼ − ln Σₖ exp(zᵣₖ)` for logits z (computed as `zᵣⱼ − mᵣ − ln Σₖ exp(zᵣₖ − mᵣ)`,
 * mᵣ = maxₖ zᵣₖ). With `from: 'probs'`, `ln p(j | r) = ln Pᵣⱼ` (a zero probability gives +∞,
 * which is the true value).
 */
export function crossEntropy(scores: Values, targets: Values, classes: number, options: CrossEntropyOptions = {}): number {
  const n = checkLogits('crossEntropy', scores, classes);
  checkTargets('crossEntropy', targets, n, classes);
  const fromProbs = options.from === 'probs';
  let total = 0;
  for (let r = 0; r < n; r++) {
    const base = r * classes;
    const t = targets[r] as number;
    if (fromProbs) {
      const p = scores[base + t] as number;
      if (p < 0 || p > 1) {
        throw new InvalidArgumentError(`crossEntropy: probs[${r}, ${t}]`, `must lie in [0, 1]; got ${p}. Pass from: 'logits' for raw scores.`);
      }
      total -= Math.log(p);
      continue;
    }
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, scores[base + j] as number);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp((scores[base + j] as number) - m);
    total -= (scores[base + t] as number) - m - Math.log(sum);
  }
  return total / n;
}

/** Perplexity: `PPL = exp(CE)`, with CE the mean cross-entropy in nats ({@link crossEntropy}). */
export function perplexity(scores: Values, targets: Values, classes: number, options: CrossEntropyOptions = {}): number {
  return Math.exp(crossEntropy(scores, targets, classes, options));
}

/**
 * Bits per character (or per token): `BPC = CE / ln 2`, the mean cross-entropy in bits. For a
 * character model, its targets are characters, so this is the usual BPC.
 */
export function bitsPerChar(scores: Values, targets: Values, classes: number, options: CrossEntropyOptions = {}): number {
  return crossEntropy(scores, targets, classes, options) / Math.LN2;
}

/** Converts a mean cross-entropy in nats to perplexity (`exp(CE)`) — for losses reported by training. */
export function perplexityFromLoss(ceNats: number): number {
  return Math.exp(ceNats);
}

/** Converts a mean cross-entropy in nats to bits (`CE / ln 2`). */
export function bitsFromLoss(ceNats: number): number {
  return ceNats / Math.LN2;
}
