/**
 * A token ↔ id vocabulary that saves and loads as JSON, with an optional unknown token.
 */
import { InvalidOptionError, UnknownTokenError } from './errors';
import { parseSaved, vocabularyJsonSchema } from './saved-schemas';

/** Options of {@link Vocabulary.build}. */
export interface VocabularyBuildOptions {
  /** Keep only tokens seen at least this often. Default 1. */
  minCount?: number;
  /** Keep at most this many tokens (specials included), the most frequent first. */
  maxSize?: number;
  /** Token that stands for every unknown token; `null` for none (unknown tokens then throw). Default `'<unk>'`. */
  unkToken?: string | null;
  /** Extra special tokens given the first ids (after the unknown token), e.g. `['<eos>']`. */
  specials?: readonly string[];
}

/** Serialised vocabulary. */
export interface VocabularyJSON {
  format: 'recur-vocabulary';
  version: 1;
  tokens: string[];
  unkToken: string | null;
}

/** Token ↔ id map. Ids are 0..size−1 in the order of `tokens`. */
export class Vocabulary {
  /** Tokens by id. */
  readonly tokens: readonly string[];
  /** The unknown token, or null. */
  readonly unkToken: string | null;
  /** Id of the unknown token, or −1. */
  readonly unkId: number;
  private readonly ids: Map<string, number>;

  constructor(tokens: readonly string[], unkToken: string | null = null) {
    this.ids = new Map();
    tokens.forEach((t, i) => {
      if (this.ids.has(t)) throw new InvalidOptionError(`Token ${JSON.stringify(t)} appears twice in the vocabulary.`);
      this.ids.set(t, i);
    });
    if (unkToken !== null && !this.ids.has(unkToken)) throw new InvalidOptionError(`The unknown token ${JSON.stringify(unkToken)} must be one of the tokens.`);
    this.tokens = [...tokens];
    this.unkToken = unkToken;
    this.unkId = unkToken === null ? -1 : this.ids.get(unkToken)!;
  }

  /**
   * Build from a token stream: specials first (unknown token, then `specials`), then tokens by
   * descending count, ties in order of first appearance (deterministic).
   */
  static build(tokens: Iterable<string>, options: VocabularyBuildOptions = {}): Vocabulary {
    const minCount = options.minCount ?? 1;
    if (!Number.isInteger(minCount) || minCount < 1) throw new InvalidOptionError(`minCount must be an integer ≥ 1, got ${String(minCount)}.`);
    const unk = options.unkToken === undefined ? '<unk>' : options.unkToken;
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    const specials = [...(unk === null ? [] : [unk]), ...(options.specials ?? [])];
    const special = new Set(specials);
    const ranked = [...counts.entries()].filter(([t, c]) => c >= minCount && !special.has(t));
    // Stable sort keeps first-appearance order among equal counts.
    ranked.sort((a, b) => b[1] - a[1]);
    let list = [...specials, ...ranked.map(([t]) => t)];
    if (options.maxSize !== undefined) {
      if (!Number.isInteger(options.maxSize) || options.maxSize < specials.length + 1) {
        throw new InvalidOptionError(`maxSize must be an integer > ${specials.length} (the special tokens), got ${String(options.maxSize)}.`);
      }
      list = list.slice(0, options.maxSize);
    }
    return new Vocabulary(list, unk);
  }

  /** Number of tokens. */
  get size(): number {
    return this.tokens.length;
  }

  /** True when the token is in the vocabulary. */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** Id of a token; unknown tokens map to the unknown id, or throw {@link UnknownTokenError} without one. */
  idOf(token: string): number {
    const id = this.ids.get(token);
    if (id !== undefined) return id;
    if (this.unkId >= 0) return this.unkId;
    throw new UnknownTokenError(token);
  }

  /** Token of an id. */
  tokenOf(id: number): string {
    const t = this.tokens[id];
    if (t === undefined || !Number.isInteger(id)) throw new InvalidOptionError(`Token id ${id} is outside the vocabulary (size ${this.size}).`);
    return t;
  }

  /** Ids of tokens. */
  encode(tokens: Iterable<string>): Int32Array {
    const out: number[] = [];
    for (const t of tokens) out.push(this.idOf(t));
    return Int32Array.from(out);
  }

  /** Tokens of ids. */
  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => this.tokenOf(id));
  }

  /** Serialise. */
  toJSON(): VocabularyJSON {
    return { format: 'recur-vocabulary', version: 1, tokens: [...this.tokens], unkToken: this.unkToken };
  }

  /**
   * Restore from {@link toJSON}'s output, checked against {@link vocabularyJsonSchema} first.
   *
   * @throws {SavedFormatError} naming the field and what was expected.
   */
  static fromJSON(json: unknown): Vocabulary {
    const j = parseSaved(vocabularyJsonSchema, json, 'vocabulary', 'Expected { format: "recur-vocabulary", version: 1, tokens: string[] }.');
    return new Vocabulary(j.tokens, j.unkToken ?? null);
  }
}
