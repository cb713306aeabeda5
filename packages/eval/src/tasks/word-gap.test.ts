import { InvalidArgumentError } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { createModel } from '@recur/core';
import { describe, expect, it } from 'vitest';
import { probeWordGap, wordGapContextGrid } from '../probes/word-gap-probes.js';
import { createRng } from './rng.js';
import { WORD_GAP_IDS, WORD_GAP_PAIRS, buildWordGapCorpus, wordsOf } from './word-gap-corpus.js';
import { wordGapGenerator, wordGapSentence, wordGapTask } from './word-gap.js';

// A text of 40 000 words over 300 made-up words with Zipf-like frequencies, plus a few reserved
// words (a subject, an object, the verb) that must never reach a filler.
function text(): string {
  const rng = createRng(11);
  const words = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}x`.replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!));
  const out: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    if (i % 997 === 0) out.push('The Author finally finished her Book.');
    out.push(words[Math.floor(300 * rng.next() ** 2)]!);
  }
  return out.join(' ');
}

describe('word-gap corpus', () => {
  const corpus = buildWordGapCorpus(text(), { fillerVocabulary: 100 });
  it('lays out the vocabulary: pad, unk, frame words, subjects, then fillers', () => {
    expect(corpus.vocabulary.slice(0, 6)).toEqual(['<pad>', '<unk>', 'the', 'finally', 'finished', 'her']);
    expect(corpus.vocabulary.slice(6, 14)).toEqual(WORD_GAP_PAIRS.map((p) => p.subject));
    // "the" and "her" are rare in this text, so all 100 fillers are new ids; in Moby-Dick they are
    // frequent fillers and keep the frame's ids (no duplicates either way).
    expect(corpus.vocabulary.length).toBe(14 + 100);
    expect(new Set(corpus.vocabulary).size).toBe(corpus.vocabulary.length);
    expect(corpus.trainWords.length + corpus.heldOutWords.length).toBe(wordsOf(text()).length);
    expect(corpus.heldOutWords.length / (corpus.trainWords.length + corpus.heldOutWords.length)).toBeCloseTo(0.2, 3);
    expect(corpus.coverage).toBeGreaterThan(0.5);
    expect(corpus.coverage).toBeLessThan(1);
  });
  it('never lets a subject, an object, "finally" or the verb into the filler', () => {
    const banned = new Set([WORD_GAP_IDS.finally, WORD_GAP_IDS.verb, ...WORD_GAP_PAIRS.map((_, i) => WORD_GAP_IDS.firstSubject + i)]);
    for (const w of [...corpus.trainWords, ...corpus.heldOutWords]) expect(banned.has(w)).toBe(false);
    expect(corpus.vocabulary).not.toContain('book');
  });
  it('finds runs of the training region, and only those', () => {
    const run = corpus.trainWords.subarray(500, 540);
    expect(corpus.occursInTraining(run)).toBe(true);
    const odd = Int32Array.from(run);
    odd[20] = corpus.vocabulary.length + 5; // an id that never occurs
    expect(corpus.occursInTraining(odd)).toBe(false);
  });
  it('refuses bad options with typed errors', () => {
    expect(() => buildWordGapCorpus('too short', {})).toThrow(InvalidArgumentError);
    expect(() => buildWordGapCorpus(text(), { fillerVocabulary: 0 })).toThrow(InvalidArgumentError);
    expect(() => buildWordGapCorpus(text(), { heldOutFraction: 1 })).toThrow(InvalidArgumentError);
    expect(() => buildWordGapCorpus(text(), { pairs: [{ subject: 'a', object: 'b' }] })).toThrow(/at least 2/);
  });
});

describe('word-gap task', () => {
  const corpus = buildWordGapCorpus(text(), { fillerVocabulary: 100 });
  const gap = 12;
  it('builds "the <subject> <filler> finally finished her" with the subject\'s object as the target', () => {
    const b = wordGapTask({ corpus, n: 200, gap, seed: 3, split: 'train' });
    const V = corpus.vocabulary.length;
    expect(b.steps).toBe(gap + 2);
    expect(b.features).toBe(V);
    expect(b.classes).toBe(8);
    expect(b.chance).toBe(1 / 8);
    for (let s = 0; s < b.n; s++) {
      const row = Array.from(b.tokens.subarray(s * b.steps, (s + 1) * b.steps));
      expect(row[0]).toBe(WORD_GAP_IDS.the);
      expect(row[1]).toBe(WORD_GAP_IDS.firstSubject + b.targets[s]!);
      expect(row.slice(-3)).toEqual([WORD_GAP_IDS.finally, WORD_GAP_IDS.verb, WORD_GAP_IDS.her]);
      for (let t = 0; t < b.steps; t++) {
        const onehot = b.inputs.subarray((s * b.steps + t) * V, (s * b.steps + t + 1) * V);
        expect(onehot.indexOf(1)).toBe(row[t]);
        expect(onehot.reduce((a, v) => a + v, 0)).toBe(1);
      }
    }
    expect(wordGapSentence(b, 0)).toMatch(new RegExp(`^the ${WORD_GAP_PAIRS[b.targets[0]!]!.subject} .* finally finished her ___$`));
  });
  it('draws held-out fillers that never occur in the training region', () => {
    const b = wordGapTask({ corpus, n: 100, gap, seed: 4, split: 'held-out' });
    for (let s = 0; s < b.n; s++) expect(corpus.occursInTraining(b.tokens.subarray(s * b.steps + 2, (s + 1) * b.steps - 3))).toBe(false);
  });
  it('is deterministic; the generator maps negative seeds to held-out sentences', () => {
    const gen = wordGapGenerator(corpus, gap);
    expect(gen(7, 5).tokens).toEqual(wordGapTask({ corpus, n: 5, gap, seed: 7, split: 'train' }).tokens);
    expect(gen(-2, 5).tokens).toEqual(wordGapTask({ corpus, n: 5, gap, seed: -2, split: 'held-out' }).tokens);
  });
  it('refuses a gap without filler, a bad split and a foreign corpus', () => {
    expect(() => wordGapTask({ corpus, n: 1, gap: 3, seed: 0, split: 'train' })).toThrow(InvalidArgumentError);
    expect(() => wordGapTask({ corpus, n: 1, gap, seed: 0, split: 'test' as never })).toThrow(/split/);
    expect(() => wordGapTask({ corpus: {} as never, n: 1, gap, seed: 0, split: 'train' })).toThrow(/buildWordGapCorpus/);
    // Two-word held-out fillers nearly all occur in training: a clear error, not a hang.
    const tiny = buildWordGapCorpus(text(), { fillerVocabulary: 3 });
    expect(() => wordGapTask({ corpus: tiny, n: 50, gap: 5, seed: 0, split: 'held-out' })).toThrow(/longer gap/);
  });
});

describe('word-gap probes', () => {
  it('ablation grid: every k for short sentences, dense around the subject for long ones', () => {
    expect(wordGapContextGrid(12)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const g = wordGapContextGrid(102);
    expect(g).toEqual(expect.arrayContaining([1, 99, 100, 101, 102]));
    expect(g.length).toBeLessThan(25);
  });
  it('an untrained model: accuracy curve over every k, gradient by distance from the blank', async () => {
    const corpus = buildWordGapCorpus(text(), { fillerVocabulary: 40 });
    const b = wordGapTask({ corpus, n: 16, gap: 6, seed: 1, split: 'held-out' });
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: b.features, hiddenSize: 4, outputSize: 8 }, { backend: createCpuBackend(), seed: 1 });
    const p = await probeWordGap(model, b, { gradientSentences: 8 });
    expect(p.gap).toBe(6);
    expect(p.ablation.curve.map((c) => c.k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const c of p.ablation.curve) expect(c.score).toBeGreaterThanOrEqual(0);
    expect(p.gradient).toHaveLength(8);
    for (const g of p.gradient) expect(g).toBeGreaterThan(0);
    const other = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 8 }, { backend: createCpuBackend(), seed: 1 });
    await expect(probeWordGap(other, b)).rejects.toThrow(/one-hot vocabulary/);
  });
});
