/**
 * The word-level material of the long-gap task: a bounded vocabulary over a real English text
 * (the bundled Moby-Dick), the text as word ids split into a training region and a held-out
 * region, and the subject → object pairs whose first word decides the answer.
 *
 * Input ids (one-hot positions), V = 6 + P + F:
 *   0 `<pad>` (what context ablation shows in place of hidden words), 1 `<unk>` (a filler word
 *   outside the vocabulary), 2 `the`, 3 `finally`, 4 the verb, 5 `her`, 6 … 6+P−1 the P subjects,
 *   then the F most frequent words of the text (the filler vocabulary).
 * The subjects, their objects, `finally` and the verb never occur in a filler (they become `<unk>`),
 * so only the subject at the start of a sentence says which object completes it.
 */
import { InvalidArgumentError } from '@recur/backend';
import { checkInt } from '../metrics/check.js';

/** One subject and the object that completes its sentence. */
export interface WordGapPair {
  readonly subject: string;
  readonly object: string;
}

/** The default eight pairs: "The author … finally finished her ___" → book, and so on. */
export const WORD_GAP_PAIRS: readonly WordGapPair[] = Object.freeze([
  { subject: 'author', object: 'book' },
  { subject: 'composer', object: 'symphony' },
  { subject: 'chef', object: 'meal' },
  { subject: 'painter', object: 'portrait' },
  { subject: 'poet', object: 'poem' },
  { subject: 'sculptor', object: 'statue' },
  { subject: 'tailor', object: 'dress' },
  { subject: 'baker', object: 'cake' },
]);

/** Options of {@link buildWordGapCorpus}. */
export interface WordGapCorpusOptions {
  /** Filler vocabulary F: the F most frequent words of the text; rarer words become `<unk>` (default 256). */
  readonly fillerVocabulary?: number;
  /** Subject → object pairs (default {@link WORD_GAP_PAIRS}; at least 2). */
  readonly pairs?: readonly WordGapPair[];
  /** The verb before the blank, the same for every subject (default `finished`). */
  readonly verb?: string;
  /** Fraction of the text, at its end, kept for held-out fillers (default 0.2). */
  readonly heldOutFraction?: number;
}

/** A tokenised text ready for {@link wordGapTask}. */
export interface WordGapCorpus {
  /** Input vocabulary, id → word (see the module docs for the layout). */
  readonly vocabulary: readonly string[];
  readonly pairs: readonly WordGapPair[];
  readonly verb: string;
  /** Word ids of the training region of the text. */
  readonly trainWords: Int32Array;
  /** Word ids of the held-out region (the end of the text). */
  readonly heldOutWords: Int32Array;
  /** Share of the text's words that the vocabulary covers (not `<unk>`). */
  readonly coverage: number;
  /** Whether this run of word ids occurs anywhere in the training region. */
  occursInTraining(run: ArrayLike<number>): boolean;
}

/** Fixed ids of the frame words. */
export const WORD_GAP_IDS = Object.freeze({ pad: 0, unk: 1, the: 2, finally: 3, verb: 4, her: 5, firstSubject: 6 });

/** Lower-case words of a text: letters with inner apostrophes (`whale's`); punctuation and digits dropped. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().replace(/[’‘]/g, "'").match(/[a-z]+(?:'[a-z]+)*/g) ?? [];
}

/** Tokenise `text`, keep its most frequent words as the filler vocabulary, and split it. */
export function buildWordGapCorpus(text: string, options: WordGapCorpusOptions = {}): WordGapCorpus {
  if (typeof text !== 'string') throw new InvalidArgumentError('buildWordGapCorpus: text', 'must be a string (e.g. loadDataset("moby-dick") from @recur/datasets).');
  const F = options.fillerVocabulary ?? 256;
  checkInt('buildWordGapCorpus: fillerVocabulary', F, 1);
  const pairs = options.pairs ?? WORD_GAP_PAIRS;
  if (!Array.isArray(pairs) || pairs.length < 2) throw new InvalidArgumentError('buildWordGapCorpus: pairs', 'needs at least 2 subject → object pairs.');
  const verb = (options.verb ?? 'finished').toLowerCase();
  const heldOut = options.heldOutFraction ?? 0.2;
  if (!(heldOut > 0 && heldOut < 1)) throw new InvalidArgumentError('buildWordGapCorpus: heldOutFraction', `must be in (0, 1); got ${String(heldOut)}.`);
  const subjects = pairs.map((p) => p.subject.toLowerCase());
  if (new Set(subjects).size !== subjects.length) throw new InvalidArgumentError('buildWordGapCorpus: pairs', 'every subject must be different.');
  const reserved = new Set([...subjects, ...pairs.map((p) => p.object.toLowerCase()), 'finally', verb, '<pad>', '<unk>']);

  const words = wordsOf(text);
  const minimum = 10 * (F + 100);
  if (words.length < minimum) throw new InvalidArgumentError('buildWordGapCorpus: text', `has ${words.length} words; needs at least ${minimum} for a filler vocabulary of ${F}.`);
  const counts = new Map<string, number>();
  for (const w of words) if (!reserved.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const fillers = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, F).map(([w]) => w);

  const vocabulary = ['<pad>', '<unk>', 'the', 'finally', verb, 'her', ...subjects];
  const ids = new Map<string, number>([['the', WORD_GAP_IDS.the], ['her', WORD_GAP_IDS.her]]);
  for (const w of fillers) {
    if (ids.has(w)) continue;
    ids.set(w, vocabulary.length);
    vocabulary.push(w);
  }
  const stream = new Int32Array(words.length);
  let known = 0;
  for (let i = 0; i < words.length; i++) {
    const id = ids.get(words[i] as string) ?? WORD_GAP_IDS.unk;
    stream[i] = id;
    if (id !== WORD_GAP_IDS.unk) known++;
  }
  const cut = Math.floor(words.length * (1 - heldOut));
  const trainWords = stream.slice(0, cut);
  const heldOutWords = stream.slice(cut);
  const seen = new Map<number, Set<number>>();
  return {
    vocabulary,
    pairs,
    verb,
    trainWords,
    heldOutWords,
    coverage: known / words.length,
    occursInTraining(run) {
      const L = run.length;
      if (L === 0 || L > trainWords.length) return L === 0;
      let set = seen.get(L);
      if (!set) {
        set = runHashes(trainWords, L);
        seen.set(L, set);
      }
      return set.has(hashOf(run, 0, L));
    },
  };
}

// Two polynomial hashes modulo primes below 2^26, combined into one number below 2^52, so a set
// of numbers holds every run of length L of the training region (about 170k runs) cheaply.
const P1 = 67108859;
const P2 = 67108837;
const BASE1 = 1000003;
const BASE2 = 999983;

function hashOf(run: ArrayLike<number>, from: number, length: number): number {
  let h1 = 0;
  let h2 = 0;
  for (let i = from; i < from + length; i++) {
    const v = (run[i] as number) + 1;
    h1 = (h1 * BASE1 + v) % P1;
    h2 = (h2 * BASE2 + v) % P2;
  }
  return h1 * 67108864 + h2;
}

/** Hashes of every run of `length` ids in `stream` (rolling, O(n)). */
function runHashes(stream: Int32Array, length: number): Set<number> {
  const out = new Set<number>();
  // BASE^(length−1) mod P, to drop the leading id.
  let top1 = 1;
  let top2 = 1;
  for (let i = 1; i < length; i++) {
    top1 = (top1 * BASE1) % P1;
    top2 = (top2 * BASE2) % P2;
  }
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < stream.length; i++) {
    if (i >= length) {
      const old = (stream[i - length] as number) + 1;
      h1 = (h1 - ((old * top1) % P1) + P1) % P1;
      h2 = (h2 - ((old * top2) % P2) + P2) % P2;
    }
    const v = (stream[i] as number) + 1;
    h1 = (h1 * BASE1 + v) % P1;
    h2 = (h2 * BASE2 + v) % P2;
    if (i >= length - 1) out.add(h1 * 67108864 + h2);
  }
  return out;
}
