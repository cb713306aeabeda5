/**
 * Finding the modules of a PyTorch `state_dict` without being told their names: the recurrent
 * module's prefix (`''` for a bare `nn.LSTM(...).state_dict()`, `'rnn.'`, `'encoder.gru.'`, …), a
 * trailing `nn.Linear` head, and the cell kind from the weight shapes.
 *
 * Shapes (G gates, H hidden, D directions, as in torch-names.ts):
 *
 * ```
 * <prefix>weight_hh_l0   [G·H, H]   G = rows / columns: 4 → LSTM, 3 → GRU, 1 → nn.RNN (tanh or relu: weights cannot tell)
 * <head>.weight          [O, D·H]   a 2-D weight reading D·H features, outside the recurrent module and the embedding
 * ```
 *
 * Where a file holds several candidates, {@link TorchLayoutAmbiguousError} lists them so the
 * caller can ask for the one option that decides.
 */
import type { CellKind } from '@recur/backend';
import { ModelFormatError } from './errors.js';
import type { TensorDict } from './tensor-dict.js';

/** Which import option a {@link TorchLayoutAmbiguousError} needs. */
export type TorchLayoutOption = 'prefix' | 'head' | 'cell';

/**
 * The state dict does not decide one import option by itself: several recurrent modules or
 * several possible heads, or an `nn.RNN` whose nonlinearity weights cannot tell. `candidates` are
 * the values that would work; pass one as `option`.
 */
export class TorchLayoutAmbiguousError extends ModelFormatError {
  override name = 'TorchLayoutAmbiguousError';
  /** The option to pass. */
  readonly option: TorchLayoutOption;
  /** The values seen in the file (or, for `cell`, the kinds the shapes allow). */
  readonly candidates: readonly string[];
  /** What was ambiguous, e.g. "the file holds 2 recurrent modules". */
  readonly subject: string;
  constructor(option: TorchLayoutOption, subject: string, candidates: readonly string[], options?: { file?: string }) {
    super(`${subject} (${candidates.map((c) => JSON.stringify(c)).join(', ')}): pass ${option} with one of them.`, options);
    this.option = option;
    this.subject = subject;
    this.candidates = candidates;
  }
}

/** What the file holds, before any option is applied. */
export interface TorchLayoutCandidates {
  /** Prefixes under which `weight_ih_l0` and `weight_hh_l0` sit ('' for a bare module), in name order. */
  readonly prefixes: readonly string[];
  /** Head prefixes (without the dot) whose `.weight` could read the chosen recurrent module's output. */
  readonly heads: readonly string[];
}

/** The resolved layout: the options to import with, and what was detected rather than given. */
export interface TorchLayout {
  readonly prefix: string;
  /** `undefined` when no head candidate was found and none was given (the importer's default applies). */
  readonly head: string | null | undefined;
  readonly cell: CellKind;
  /** Options that were detected (not given by the caller or the file's recur metadata). */
  readonly detected: readonly TorchLayoutOption[];
  readonly candidates: TorchLayoutCandidates;
}

/** Options the caller (or the file's metadata) already decided. */
export interface TorchLayoutHints {
  readonly prefix?: string;
  readonly head?: string | null;
  readonly cell?: CellKind;
  /** Prefix of an `nn.Embedding` (excluded from head candidates). Default `'embedding'`. */
  readonly embedding?: string | null;
}

const IH0 = 'weight_ih_l0';

function withDot(prefix: string): string {
  return prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.`;
}

/** Every recurrent-module prefix in the dict: names ending in `weight_ih_l0` with a `weight_hh_l0` beside them. */
export function recurrentPrefixes(tensors: TensorDict): string[] {
  return Object.keys(tensors)
    .filter((n) => n.endsWith(IH0))
    .map((n) => n.slice(0, -IH0.length))
    .filter((p) => (p === '' || p.endsWith('.')) && tensors[`${p}weight_hh_l0`] !== undefined)
    .sort();
}

/**
 * Decide prefix, head and cell for importing `tensors`: each hint wins; otherwise the single
 * candidate in the file is used. Throws {@link TorchLayoutAmbiguousError} when a needed option has
 * several candidates (or an `nn.RNN` needs `cell`); leaves other problems (no recurrent weights,
 * bad shapes) to the importer, whose errors name the tensor.
 */
export function detectTorchLayout(tensors: TensorDict, hints: TorchLayoutHints = {}, options: { file?: string } = {}): TorchLayout {
  const detected: TorchLayoutOption[] = [];
  const prefixes = recurrentPrefixes(tensors);
  let prefix: string;
  if (hints.prefix !== undefined) {
    prefix = withDot(hints.prefix);
  } else if (prefixes.length === 1) {
    prefix = prefixes[0]!;
    detected.push('prefix');
  } else if (prefixes.length > 1) {
    throw new TorchLayoutAmbiguousError('prefix', `the file holds ${prefixes.length} recurrent modules`, prefixes, options);
  } else {
    prefix = 'rnn.'; // nothing recurrent: the importer says what the file has instead
  }

  const hh = tensors[`${prefix}weight_hh_l0`];
  const H = hh && hh.shape.length === 2 ? hh.shape[1]! : 0;
  const D = tensors[`${prefix}${IH0}_reverse`] !== undefined ? 2 : 1;

  let cell: CellKind;
  if (hints.cell !== undefined) {
    cell = hints.cell;
  } else {
    const G = hh && H > 0 ? hh.shape[0]! / H : NaN;
    if (G === 4) cell = 'lstm';
    else if (G === 3) cell = 'gru';
    else if (G === 1) throw new TorchLayoutAmbiguousError('cell', `${prefix}weight_hh_l0 has H rows, so it is an nn.RNN, whose weights do not say its nonlinearity`, ['rnn-tanh', 'rnn-relu'], options);
    else {
      throw new ModelFormatError(
        hh
          ? `${prefix}weight_hh_l0 has shape [${hh.shape.join(', ')}]: its rows are not 1, 3 or 4 × its ${H} columns, so it is not an nn.RNN, nn.GRU or nn.LSTM weight.`
          : `no recurrent weights found (expected a name ending in weight_hh_l0); the state dict has: ${Object.keys(tensors).slice(0, 8).join(', ')}.`,
        options,
      );
    }
    detected.push('cell');
  }

  const embedding = hints.embedding === null ? null : withDot(hints.embedding ?? 'embedding');
  const heads = Object.keys(tensors)
    .filter((n) => n.endsWith('.weight'))
    .filter((n) => !(prefix !== '' && n.startsWith(prefix)) && n !== `${embedding ?? ''}weight`)
    .filter((n) => {
      const s = tensors[n]!.shape;
      return H > 0 && s.length === 2 && s[1] === D * H;
    })
    .map((n) => n.slice(0, -'.weight'.length))
    .sort();
  let head: string | null | undefined;
  if (hints.head !== undefined) {
    head = hints.head;
  } else if (heads.length === 1) {
    head = heads[0]!;
    detected.push('head');
  } else if (heads.length > 1) {
    throw new TorchLayoutAmbiguousError('head', `the file holds ${heads.length} nn.Linear weights that could read the ${D * H} recurrent features`, heads, options);
  }
  return { prefix, head, cell, detected, candidates: { prefixes, heads } };
}
