/**
 * PyTorch `state_dict` ⇄ recur name mapping and architecture inference (dict level, no model).
 *
 * PyTorch names, per layer k and direction (suffix `''` forward, `'_reverse'` backward), with
 * G gates (rnn 1, gru 3, lstm 4), D directions, I input size, H hidden size:
 *
 * ```
 * <prefix>weight_ih_l{k}{sfx}   [G·H, I]      (k = 0)   [G·H, D·H]  (k > 0)
 * <prefix>weight_hh_l{k}{sfx}   [G·H, H]
 * <prefix>bias_ih_l{k}{sfx}     [G·H]         (only when the module has bias=True)
 * <prefix>bias_hh_l{k}{sfx}     [G·H]
 * <head>.weight                 [O, D·H]      a trailing nn.Linear (optional)
 * <head>.bias                   [O]           (optional; a bias-free Linear imports with zeros)
 * <embedding>.weight            [V, E]        nn.Embedding in front (language models)
 * ```
 *
 * recur uses the same names under fixed prefixes `rnn.`, `head.` and `embedding.`, with the same
 * layouts and gate orders, so the data is copied unchanged: only names move.
 */
import { GATE_COUNT, isCellKind, type ActivationKind, type CellKind } from '@recur/backend';
import { validateModelConfig, type InitConfig, type ModelConfig, type ModelKind } from '../model/config.js';
import { ModelFormatError } from './errors.js';
import { formatShape, type HostTensor, type TensorDict } from './tensor-dict.js';

/** Options of {@link fromTorchStateDict}. */
export interface TorchImportOptions {
  /** The recurrent cell: PyTorch's weights do not say whether an `nn.RNN` uses tanh or relu, or which module class it was. */
  cell: CellKind;
  /** Name prefix of the recurrent module, e.g. `'rnn.'` (default), `'lstm.'`, `'encoder.rnn.'`, or `''` for a bare `nn.LSTM`. A trailing dot is added if missing. */
  prefix?: string;
  /**
   * Name prefix of a trailing `nn.Linear`, e.g. `'head'` or `'fc'`. Default: `'head'` when
   * `head.weight` exists, otherwise no head. `null` forces no head.
   */
  head?: string | null;
  /** Name prefix of an `nn.Embedding` in front (makes a language model). Default: `'embedding'` when `embedding.weight` exists. `null`: none. */
  embedding?: string | null;
  /** Model kind. Default `'lm'` with an embedding, otherwise `'seq2one'`. */
  kind?: ModelKind;
  /** Activation after the head (weights cannot tell). Default `'identity'`. */
  headActivation?: ActivationKind;
  /** Dropout between stacked layers for later training (weights cannot tell). Default 0. */
  dropout?: number;
  /** Initialisation options recorded in the config (only matter if the model is re-initialised). */
  init?: InitConfig;
  /** Ignore tensors that belong to none of the modules above instead of rejecting them. Default false. */
  allowUnused?: boolean;
}

/** What {@link fromTorchStateDict} returns: everything `createModel` + `loadStateDict` need. */
export interface TorchImport {
  /** The inferred, validated architecture. */
  config: ModelConfig;
  /** The weights under recur's names (`rnn.…`, `head.…`, `embedding.…`); fresh copies of the input data. */
  stateDict: TensorDict;
  /** Names that were ignored because `allowUnused` was set. */
  unused: string[];
}

/** Options of {@link renameToTorch}: where each recur module goes in the PyTorch state dict. */
export interface TorchExportOptions {
  /** Prefix for the recurrent module. Default `'rnn.'`. */
  prefix?: string;
  /** Prefix for the head. Default `'head'`. */
  head?: string;
  /** Prefix for the embedding. Default `'embedding'`. */
  embedding?: string;
}

const PARAM_RE = /^(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)(_reverse)?$/;

function withDot(prefix: string): string {
  return prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.`;
}

function fail(message: string): never {
  throw new ModelFormatError(message);
}

function copy(t: HostTensor): HostTensor {
  return { shape: [...t.shape], data: new Float32Array(t.data) };
}

function checkShape(name: string, t: HostTensor, expected: number[], hint: string): void {
  if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    fail(`${name} has shape ${formatShape(t.shape)}, expected ${formatShape(expected)} (${hint}).`);
  }
}

/** Suggests which cell a weight_hh of `rows` × H rows belongs to. */
function cellHint(rows: number, h: number): string {
  const g = rows / h;
  if (g === 4) return ' 4·H rows means an LSTM: pass cell: "lstm".';
  if (g === 3) return ' 3·H rows means a GRU: pass cell: "gru".';
  if (g === 1) return ' H rows means a vanilla RNN: pass cell: "rnn-tanh" (or "rnn-relu").';
  return '';
}

/**
 * Reads a PyTorch `state_dict` (names and shapes exactly as `torch.save(model.state_dict())` or a
 * safetensors export has them) and infers the recur architecture: number of layers, direction, input
 * and hidden sizes, bias, and an optional trailing `nn.Linear` and leading `nn.Embedding`.
 *
 * Every inconsistency is a {@link ModelFormatError} that names the tensor: a missing
 * `weight_hh_l1`, a gap in layer numbers, a layer without `_reverse` weights in a bidirectional
 * stack, a shape that is not G·H × I, a head whose input is not D·H, unknown extra tensors.
 */
export function fromTorchStateDict(tensors: TensorDict, options: TorchImportOptions): TorchImport {
  if (!isCellKind(options.cell)) {
    fail(`cell must be 'rnn-tanh', 'rnn-relu', 'lstm' or 'gru', got ${JSON.stringify(options.cell)}.`);
  }
  const cell = options.cell;
  const G = GATE_COUNT[cell];
  const prefix = withDot(options.prefix ?? 'rnn.');
  const names = Object.keys(tensors);
  const used = new Set<string>();

  // 1. Recurrent parameters under the prefix.
  interface Slot { weight_ih?: string; weight_hh?: string; bias_ih?: string; bias_hh?: string }
  const slots = new Map<string, Slot>(); // key `${layer}${suffix}`
  const layers = new Set<number>();
  let anyReverse = false;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const local = name.slice(prefix.length);
    const m = PARAM_RE.exec(local);
    if (m === null) {
      if (/^weight_hr_l\d+/.test(local)) {
        fail(`${name}: LSTM projections (proj_size > 0) are not supported by recur; export an LSTM without proj_size.`);
      }
      // Might belong to the head or embedding when they share a prefix (e.g. prefix '').
      continue;
    }
    const [, param, layerStr, reverse] = m as unknown as [string, keyof Slot, string, string | undefined];
    const layer = Number(layerStr);
    layers.add(layer);
    if (reverse) anyReverse = true;
    const key = `${layer}${reverse ?? ''}`;
    const slot = slots.get(key) ?? {};
    slot[param] = name;
    slots.set(key, slot);
    used.add(name);
  }
  if (layers.size === 0) {
    const guess = names.find((n) => n.endsWith('weight_ih_l0'));
    fail(
      `no recurrent weights found under prefix "${prefix}" (expected e.g. ${prefix}weight_ih_l0).${
        guess !== undefined ? ` Found ${guess}: pass prefix: "${guess.slice(0, -'weight_ih_l0'.length)}".` : ` The state dict has: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}.`
      }`,
    );
  }
  const sortedLayers = [...layers].sort((a, b) => a - b);
  const numLayers = sortedLayers[sortedLayers.length - 1]! + 1;
  if (sortedLayers.length !== numLayers) {
    const missing = Array.from({ length: numLayers }, (_, k) => k).filter((k) => !layers.has(k));
    fail(
      `gap in layer numbers under "${prefix}": found layers ${sortedLayers.map((k) => `l${k}`).join(', ')} but no ${missing
        .map((k) => `${prefix}weight_ih_l${k}`)
        .join(', ')}.`,
    );
  }
  const suffixes = anyReverse ? ['', '_reverse'] : [''];
  const D = suffixes.length;
  // Direction and presence checks, then bias presence (all or nothing).
  for (let k = 0; k < numLayers; k++) {
    for (const sfx of suffixes) {
      if (!slots.has(`${k}${sfx}`)) {
        fail(
          sfx === '_reverse'
            ? `mixing directions: layer ${k} has no reverse weights (${prefix}weight_ih_l${k}_reverse) while other layers are bidirectional.`
            : `layer ${k} has reverse weights but no forward ones (${prefix}weight_ih_l${k}).`,
        );
      }
      const slot = slots.get(`${k}${sfx}`)!;
      for (const p of ['weight_ih', 'weight_hh'] as const) {
        if (slot[p] === undefined) fail(`missing ${prefix}${p}_l${k}${sfx}.`);
      }
    }
  }
  const anyBias = [...slots.values()].some((s) => s.bias_ih !== undefined || s.bias_hh !== undefined);
  if (anyBias) {
    for (let k = 0; k < numLayers; k++) {
      for (const sfx of suffixes) {
        const slot = slots.get(`${k}${sfx}`)!;
        for (const p of ['bias_ih', 'bias_hh'] as const) {
          if (slot[p] === undefined) fail(`missing ${prefix}${p}_l${k}${sfx} (other layers have biases; a PyTorch module has all or none).`);
        }
      }
    }
  }

  // 2. Sizes from layer 0, then every shape checked against them.
  const hh0 = tensors[`${prefix}weight_hh_l0`]!;
  if (hh0.shape.length !== 2) fail(`${prefix}weight_hh_l0 has shape ${formatShape(hh0.shape)}, expected a matrix [G·H, H].`);
  const H = hh0.shape[1]!;
  if (H < 1) fail(`${prefix}weight_hh_l0 has shape ${formatShape(hh0.shape)}: hidden size must be at least 1.`);
  if (hh0.shape[0] !== G * H) {
    fail(
      `${prefix}weight_hh_l0 has shape ${formatShape(hh0.shape)}, expected [${G * H}, ${H}] (${G} gates × H=${H} rows for cell "${cell}").${cellHint(hh0.shape[0]!, H)}`,
    );
  }
  const ih0 = tensors[`${prefix}weight_ih_l0`]!;
  if (ih0.shape.length !== 2 || ih0.shape[1]! < 1) fail(`${prefix}weight_ih_l0 has shape ${formatShape(ih0.shape)}, expected a matrix [G·H, I].`);
  const I = ih0.shape[1]!;
  const stateDict: TensorDict = {};
  for (let k = 0; k < numLayers; k++) {
    for (const sfx of suffixes) {
      const slot = slots.get(`${k}${sfx}`)!;
      const inSize = k === 0 ? I : D * H;
      const inWhat = k === 0 ? `I=${I}` : `${D}·H=${D * H} (the previous layer's ${D === 2 ? 'two directions' : 'output'})`;
      checkShape(slot.weight_ih!, tensors[slot.weight_ih!]!, [G * H, inSize], `${G}·H rows, ${inWhat} columns`);
      checkShape(slot.weight_hh!, tensors[slot.weight_hh!]!, [G * H, H], `${G}·H rows, H=${H} columns`);
      stateDict[`rnn.weight_ih_l${k}${sfx}`] = copy(tensors[slot.weight_ih!]!);
      stateDict[`rnn.weight_hh_l${k}${sfx}`] = copy(tensors[slot.weight_hh!]!);
      if (anyBias) {
        checkShape(slot.bias_ih!, tensors[slot.bias_ih!]!, [G * H], `${G}·H`);
        checkShape(slot.bias_hh!, tensors[slot.bias_hh!]!, [G * H], `${G}·H`);
        stateDict[`rnn.bias_ih_l${k}${sfx}`] = copy(tensors[slot.bias_ih!]!);
        stateDict[`rnn.bias_hh_l${k}${sfx}`] = copy(tensors[slot.bias_hh!]!);
      }
    }
  }

  // 3. Optional embedding in front and head behind.
  let vocabSize: number | null = null;
  const embPrefix = options.embedding === null ? null : withDot(options.embedding ?? 'embedding');
  if (embPrefix !== null) {
    const name = `${embPrefix}weight`;
    const w = tensors[name];
    if (w === undefined) {
      if (options.embedding !== undefined) fail(`missing ${name}: no nn.Embedding under "${embPrefix}".`);
    } else {
      if (w.shape.length !== 2) fail(`${name} has shape ${formatShape(w.shape)}, expected [V, E].`);
      if (w.shape[1] !== I) {
        fail(`${name} has shape ${formatShape(w.shape)}: its width E=${w.shape[1]} must equal the recurrent input size I=${I} (${prefix}weight_ih_l0 columns).`);
      }
      vocabSize = w.shape[0]!;
      stateDict['embedding.weight'] = copy(w);
      used.add(name);
    }
  }
  let outputSize: number | null = null;
  const headPrefix = options.head === null ? null : withDot(options.head ?? 'head');
  if (headPrefix !== null) {
    const wName = `${headPrefix}weight`;
    const bName = `${headPrefix}bias`;
    const w = tensors[wName];
    if (w === undefined) {
      if (options.head !== undefined) fail(`missing ${wName}: no nn.Linear under "${headPrefix}".`);
      if (tensors[bName] !== undefined) fail(`${bName} exists but ${wName} does not.`);
    } else {
      if (w.shape.length !== 2) fail(`${wName} has shape ${formatShape(w.shape)}, expected [O, ${D}·H=${D * H}].`);
      const O = w.shape[0]!;
      checkShape(wName, w, [O, D * H], `an nn.Linear(${D * H}, O) reading the ${D === 2 ? 'concatenated directions' : 'hidden state'}`);
      const b = tensors[bName];
      if (b !== undefined) {
        checkShape(bName, b, [O], 'O');
        used.add(bName);
      }
      stateDict['head.weight'] = copy(w);
      // A bias-free nn.Linear equals one with a zero bias.
      stateDict['head.bias'] = b !== undefined ? copy(b) : { shape: [O], data: new Float32Array(O) };
      used.add(wName);
      outputSize = O;
    }
  }

  const unused = names.filter((n) => !used.has(n));
  if (unused.length > 0 && options.allowUnused !== true) {
    // A 2-D `<x>.weight` reading D·H features is almost certainly the head under another name.
    const headGuess =
      outputSize === null
        ? unused.find((n) => n.endsWith('.weight') && tensors[n]!.shape.length === 2 && tensors[n]!.shape[1] === D * H)
        : undefined;
    fail(
      `tensors that belong to no recognised module: ${unused.slice(0, 10).join(', ')}${unused.length > 10 ? `, … (${unused.length} in all)` : ''}.${
        headGuess !== undefined ? ` ${headGuess} looks like an nn.Linear head: pass head: "${headGuess.slice(0, -'.weight'.length)}".` : ''
      } Set prefix/head/embedding to match your module names, or pass allowUnused: true to ignore them.`,
    );
  }

  const kind: ModelKind = options.kind ?? (vocabSize !== null ? 'lm' : 'seq2one');
  if (kind === 'lm') {
    if (vocabSize === null) fail(`kind "lm" needs an nn.Embedding (${embPrefix ?? 'embedding.'}weight).`);
    if (outputSize === null) fail(`kind "lm" needs a head nn.Linear(${D * H}, ${vocabSize}) producing the vocabulary logits.`);
    if (outputSize !== vocabSize) fail(`a language model's head must output vocabSize=${vocabSize} logits, but ${headPrefix ?? 'head.'}weight has ${outputSize} rows.`);
  } else if (vocabSize !== null) {
    fail(`found an embedding (${embPrefix}weight) but kind is "${kind}"; only kind "lm" has one (pass embedding: null to ignore it).`);
  }
  const config = validateModelConfig({
    kind,
    cell,
    inputSize: I,
    hiddenSize: H,
    numLayers,
    bidirectional: D === 2,
    dropout: options.dropout ?? 0,
    bias: anyBias,
    outputSize,
    headActivation: options.headActivation ?? 'identity',
    ...(options.init !== undefined ? { init: options.init } : {}),
    ...(vocabSize !== null ? { vocabSize, embeddingDim: I } : {}),
  });
  return { config, stateDict, unused };
}

/**
 * Renames a recur state dict (`rnn.…`, `head.…`, `embedding.…`) to the PyTorch names of a module
 * with the given prefixes: the exact reverse of {@link fromTorchStateDict}. Data is copied.
 */
export function renameToTorch(stateDict: TensorDict, options: TorchExportOptions = {}): TensorDict {
  const targets: Record<string, string> = {
    'rnn.': withDot(options.prefix ?? 'rnn.'),
    'head.': withDot(options.head ?? 'head'),
    'embedding.': withDot(options.embedding ?? 'embedding'),
  };
  const out: TensorDict = {};
  for (const [name, t] of Object.entries(stateDict)) {
    const source = Object.keys(targets).find((p) => name.startsWith(p));
    if (source === undefined) fail(`state dict entry "${name}" is not under rnn., head. or embedding.; cannot map it to PyTorch.`);
    const target = `${targets[source]}${name.slice(source.length)}`;
    if (out[target] !== undefined) fail(`two tensors map to the PyTorch name "${target}"; choose distinct prefixes.`);
    out[target] = copy(t);
  }
  return out;
}
