/**
 * Character and word tokenizers. Each owns a {@link Vocabulary} (built by `fit`), encodes
 * text to Int32Array ids, decodes back, and saves/loads as JSON.
 */
import { InvalidOptionError, NotFittedError } from './errors';
import { Vocabulary, type VocabularyBuildOptions, type VocabularyJSON } from './vocabulary';
import { parseSaved, tokenizerJsonSchema } from './saved-schemas';

/** Serialised tokenizer. */
export interface TokenizerJSON {
  format: 'recur-tokenizer';
  version: 1;
  kind: 'char' | 'word';
  lowercase: boolean;
  vocabulary: VocabularyJSON;
}

/** Common tokenizer behaviour. */
export abstract class Tokenizer {
  abstract readonly kind: 'char' | 'word';
  /** Lowercase text before tokenizing. */
  readonly lowercase: boolean;
  protected vocab: Vocabulary | undefined;

  constructor(options: { lowercase?: boolean } = {}) {
    this.lowercase = options.lowercase ?? false;
  }

  /** Split text into tokens (no vocabulary needed). */
  abstract tokenize(text: string): string[];
  /** Join tokens back into text. */
  protected abstract join(tokens: string[]): string;

  /** The vocabulary (after `fit` or `fromJSON`). */
  get vocabulary(): Vocabulary {
    if (!this.vocab) throw new NotFittedError(`This ${this.kind} tokenizer`);
    return this.vocab;
  }

  /** Build the vocabulary from a training text. */
  fit(text: string, options: VocabularyBuildOptions = {}): this {
    this.vocab = Vocabulary.build(this.tokenize(text), options);
    return this;
  }

  /** Use an existing vocabulary. */
  withVocabulary(vocabulary: Vocabulary): this {
    this.vocab = vocabulary;
    return this;
  }

  /** Text → ids (unknown tokens → the unknown id, or an error when the vocabulary has none). */
  encode(text: string): Int32Array {
    return this.vocabulary.encode(this.tokenize(text));
  }

  /** Ids → text. */
  decode(ids: ArrayLike<number>): string {
    return this.join(this.vocabulary.decode(ids));
  }

  /** Serialise (with the vocabulary). */
  toJSON(): TokenizerJSON {
    return { format: 'recur-tokenizer', version: 1, kind: this.kind, lowercase: this.lowercase, vocabulary: this.vocabulary.toJSON() };
  }

  protected prepare(text: string): string {
    if (typeof text !== 'string') throw new InvalidOptionError('Tokenizers take a string.');
    return this.lowercase ? text.toLowerCase() : text;
  }
}

/** One token per Unicode code point. */
export class CharTokenizer extends Tokenizer {
  readonly kind = 'char' as const;
  tokenize(text: string): string[] {
    return Array.from(this.prepare(text));
  }
  protected join(tokens: string[]): string {
    return tokens.join('');
  }
}

/**
 * Words (letters, digits, apostrophes and hyphens inside words) and single punctuation
 * marks; whitespace separates tokens. Optionally a newline token marks line ends.
 */
export class WordTokenizer extends Tokenizer {
  readonly kind = 'word' as const;
  private static readonly pattern = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;
  tokenize(text: string): string[] {
    return this.prepare(text).match(WordTokenizer.pattern) ?? [];
  }
  protected join(tokens: string[]): string {
    let out = '';
    for (const t of tokens) {
      const punct = /^[^\p{L}\p{N}]$/u.test(t);
      out += out.length === 0 || (punct && /^[.,;:!?)\]}]$/.test(t)) ? t : ` ${t}`;
    }
    return out;
  }
}

/**
 * Restore a tokenizer saved with `toJSON()`, checked against {@link tokenizerJsonSchema} first.
 *
 * @throws {SavedFormatError} naming the field and what was expected.
 */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  const j = parseSaved(tokenizerJsonSchema, json, 'tokenizer', 'Expected { format: "recur-tokenizer", version: 1, kind: "char" | "word", ... }.');
  const t = j.kind === 'char' ? new CharTokenizer({ lowercase: j.lowercase ?? false }) : new WordTokenizer({ lowercase: j.lowercase ?? false });
  return t.withVocabulary(Vocabulary.fromJSON(j.vocabulary));
}
