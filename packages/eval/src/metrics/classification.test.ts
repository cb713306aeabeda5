import { InvalidArgumentError, ShapeError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { accuracy, accuracyFromLogits, argmax, bitsFromLoss, bitsPerChar, crossEntropy, perplexity, perplexityFromLoss } from './classification.js';

// Two rows, C = 2: [0, 0] (p = ½, ½) with target 0, and [0, ln 3] (p = ¼, ¾) with target 1.
const logits = [0, 0, 0, Math.log(3)];
const targets = [0, 1];
const ce = (Math.log(2) + Math.log(4 / 3)) / 2; // = ln(8/3)/2

describe('classification metrics (hand-computed)', () => {
  it('accuracy counts equal labels', () => expect(accuracy([1, 2, 3, 4], [1, 0, 3, 0])).toBe(0.5));
  it('argmax takes the first maximum', () => expect(Array.from(argmax([1, 3, 3, 5, 0, 0], 3))).toEqual([1, 0]));
  it('accuracy from logits', () => expect(accuracyFromLogits(logits, [1, 1], 2)).toBe(0.5));
  it('cross-entropy = (ln 2 + ln 4/3)/2 nats', () => expect(crossEntropy(logits, targets, 2)).toBeCloseTo(ce, 14));
  it('cross-entropy from probabilities', () => expect(crossEntropy([0.5, 0.5, 0.25, 0.75], targets, 2, { from: 'probs' })).toBeCloseTo(ce, 14));
  it('perplexity = exp(CE) = √(8/3)', () => expect(perplexity(logits, targets, 2)).toBeCloseTo(Math.sqrt(8 / 3), 14));
  it('bits per char = (1 + log₂ 4/3)/2', () => expect(bitsPerChar(logits, targets, 2)).toBeCloseTo((1 + Math.log2(4 / 3)) / 2, 14));
  it('uniform over C classes: CE = ln C, perplexity C, bits log₂ C', () => {
    const u = new Float32Array(5 * 8);
    const t = [0, 1, 2, 3, 7];
    expect(perplexity(u, t, 8)).toBeCloseTo(8, 12);
    expect(bitsPerChar(u, t, 8)).toBeCloseTo(3, 12);
  });
  it('huge logits stay finite (log-sum-exp)', () => expect(crossEntropy([1000, 0], [1], 2)).toBeCloseTo(1000, 9));
  it('loss conversions', () => {
    expect(perplexityFromLoss(Math.log(5))).toBeCloseTo(5, 14);
    expect(bitsFromLoss(Math.log(2))).toBeCloseTo(1, 14);
  });
});

describe('classification metrics refuse bad input', () => {
  it('logits not a multiple of C', () => expect(() => crossEntropy([1, 2, 3], [0], 2)).toThrow(ShapeError));
  it('target out of range', () => expect(() => crossEntropy(logits, [0, 2], 2)).toThrow(/targets\[1\].*\[0, 2\)/));
  it('probabilities outside [0, 1]', () => expect(() => crossEntropy([2, -1], [0], 2, { from: 'probs' })).toThrow(InvalidArgumentError));
  it('accuracy length mismatch', () => expect(() => accuracy([1], [1, 2])).toThrow(ShapeError));
});
