import { describe, expect, it } from 'vitest';
import { Vocabulary } from './vocabulary';
import { CharTokenizer, WordTokenizer, tokenizerFromJSON } from './tokenizers';
import { languageModelBatches, oneHot } from './lm-batches';
import { InvalidOptionError, NotFittedError, UnknownTokenError } from './errors';

describe('Vocabulary', () => {
  it('orders specials first, then by count, ties by first appearance', () => {
    const v = Vocabulary.build(['b', 'a', 'c', 'a', 'c', 'a'], { specials: ['<eos>'] });
    expect(v.tokens).toEqual(['<unk>', '<eos>', 'a', 'c', 'b']);
    expect(v.idOf('c')).toBe(3);
    expect(v.idOf('zzz')).toBe(0);
    expect(v.unkId).toBe(0);
    expect(v.tokenOf(4)).toBe('b');
    expect(() => v.tokenOf(5)).toThrow(InvalidOptionError);
    expect(Array.from(v.encode(['a', 'q']))).toEqual([2, 0]);
    expect(v.decode([4, 2])).toEqual(['b', 'a']);
    expect(v.has('a')).toBe(true);
    expect(v.size).toBe(5);
  });

  it('minCount and maxSize', () => {
    const v = Vocabulary.build(['a', 'a', 'b', 'c', 'c', 'c'], { minCount: 2 });
    expect(v.tokens).toEqual(['<unk>', 'c', 'a']);
    expect(Vocabulary.build(['a', 'a', 'b', 'c', 'c', 'c'], { maxSize: 2 }).tokens).toEqual(['<unk>', 'c']);
    expect(() => Vocabulary.build(['a'], { maxSize: 1 })).toThrow(/maxSize/);
    expect(() => Vocabulary.build(['a'], { minCount: 0 })).toThrow(/minCount/);
  });

  it('without an unknown token, unknown tokens throw', () => {
    const v = Vocabulary.build(['a', 'b'], { unkToken: null });
    expect(v.tokens).toEqual(['a', 'b']);
    expect(() => v.idOf('c')).toThrow(UnknownTokenError);
    expect(() => new Vocabulary(['a', 'a'])).toThrow(/twice/);
    expect(() => new Vocabulary(['a'], '<unk>')).toThrow(/must be one of the tokens/);
  });

  it('saves and loads as JSON', () => {
    const v = Vocabulary.build('hello world'.split(''));
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.tokens).toEqual(v.tokens);
    expect(back.unkToken).toBe('<unk>');
    expect(() => Vocabulary.fromJSON({ tokens: 3 })).toThrow(/Not a saved recur vocabulary/);
  });
});

describe('tokenizers', () => {
  it('char tokenizer round-trips, handles unknown characters and code points', () => {
    const t = new CharTokenizer().fit('abca🐳');
    expect(t.vocabulary.tokens).toEqual(['<unk>', 'a', 'b', 'c', '🐳']);
    expect(Array.from(t.encode('cab🐳'))).toEqual([3, 1, 2, 4]);
    expect(t.decode(t.encode('cab🐳'))).toBe('cab🐳');
    expect(Array.from(t.encode('xa'))).toEqual([0, 1]);
    expect(t.decode(t.encode('xa'))).toBe('<unk>a');
  });

  it('word tokenizer: words, inner apostrophes and hyphens, punctuation, lowercase', () => {
    const t = new WordTokenizer({ lowercase: true });
    expect(t.tokenize("Call me Ishmael. Some years ago—never mind: the whale's sea-going!")).toEqual([
      'call', 'me', 'ishmael', '.', 'some', 'years', 'ago', '—', 'never', 'mind', ':', 'the', "whale's", 'sea-going', '!',
    ]);
    t.fit('the whale. the sea.');
    expect(t.vocabulary.tokens).toEqual(['<unk>', 'the', '.', 'whale', 'sea']);
    expect(t.decode(t.encode('The whale, the sea.'))).toBe('the whale <unk> the sea.');
    expect(new WordTokenizer().tokenize('A a')).toEqual(['A', 'a']);
  });

  it('save/load with the vocabulary; not fitted errors', () => {
    for (const t of [new CharTokenizer({ lowercase: true }).fit('Hello'), new WordTokenizer().fit('a b c a')]) {
      const back = tokenizerFromJSON(JSON.parse(JSON.stringify(t)));
      expect(back.kind).toBe(t.kind);
      expect(back.lowercase).toBe(t.lowercase);
      expect(Array.from(back.encode('Hello a b'))).toEqual(Array.from(t.encode('Hello a b')));
    }
    expect(() => new CharTokenizer().encode('a')).toThrow(NotFittedError);
    expect(() => tokenizerFromJSON({ format: 'recur-tokenizer', version: 1, kind: 'bpe' })).toThrow(/Saved tokenizer is malformed: field kind: expected 'char' or 'word' \(got "bpe"\)/);
    expect(() => new CharTokenizer().tokenize(3 as unknown as string)).toThrow(/take a string/);
  });
});

describe('languageModelBatches', () => {
  const ids = Int32Array.from({ length: 23 }, (_, i) => i);

  it('B parallel streams cut into T-step chunks, next-token targets, time-major', () => {
    const lm = languageModelBatches(ids, { batchSize: 3, seqLen: 4 });
    // perStream = ⌊22/3⌋ = 7 targets; streams start at 0, 7, 14 and are 8 tokens long
    expect(lm.streamLength).toBe(8);
    expect(lm.batchCount).toBe(2);
    expect(lm.droppedTokens).toBe(23 - (3 * 7 + 1));
    const [b0, b1] = [...lm];
    expect(b0!.T).toBe(4);
    // x[t, b] = stream_b[t]
    expect(Array.from(b0!.x)).toEqual([0, 7, 14, 1, 8, 15, 2, 9, 16, 3, 10, 17]);
    expect(Array.from(b0!.y)).toEqual([1, 8, 15, 2, 9, 16, 3, 10, 17, 4, 11, 18]);
    expect(b0!.inputs).toBe(b0!.x);
    expect(b1!.T).toBe(3);
    expect(Array.from(b1!.y)).toEqual([5, 12, 19, 6, 13, 20, 7, 14, 21]);
    // every token but the first is a target exactly once (except the dropped tail)
    const targets = [...lm].flatMap((b) => Array.from(b.y)).sort((a, b) => a - b);
    expect(targets).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('batch-major layout and chunks continue each stream (state carries)', () => {
    const [b0, b1] = [...languageModelBatches(ids, { batchSize: 2, seqLen: 6, layout: 'batch-major' })];
    // perStream = 11: stream 1 starts at 11
    expect(Array.from(b0!.x)).toEqual([0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 15, 16]);
    expect(Array.from(b1!.x)).toEqual([6, 7, 8, 9, 10, 17, 18, 19, 20, 21]);
    expect(b1!.inputs).toBeUndefined();
    expect(languageModelBatches([1, 2, 3], { batchSize: 1, seqLen: 5 }).batchCount).toBe(1);
  });

  it('rejects impossible shapes', () => {
    expect(() => languageModelBatches(ids, { batchSize: 23, seqLen: 2 })).toThrow(/too short/);
    expect(() => languageModelBatches(ids, { batchSize: 0, seqLen: 2 })).toThrow(/batchSize/);
    expect(() => languageModelBatches(ids, { batchSize: 1, seqLen: 0 })).toThrow(/seqLen/);
    expect(() => languageModelBatches(ids, { batchSize: 1, seqLen: 1, layout: 'x' as 'time-major' })).toThrow(/layout/);
  });

  it('oneHot', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([3], 3)).toThrow(/outside/);
    expect(() => oneHot([0], 0)).toThrow(/vocabSize/);
  });
});
