/**
 * `ModelConfig`: a JSON-serialisable description of a model's whole architecture. Saving a model
 * stores this next to its weights; {@link validateModelConfig} fills defaults and rejects bad values.
 */
import { GATE_COUNT, InvalidArgumentError, isCellKind, type ActivationKind, type CellKind } from '@recur/backend';

/** The three model shapes. */
export type ModelKind = 'seq2one' | 'seq2seq' | 'lm';

/** How recurrent weights are initialised (PyTorch default, or orthogonal `weight_hh`). */
export interface InitConfig {
  /** `'uniform'` (PyTorch default U(−1/√H, 1/√H) everywhere) or `'orthogonal'` (weight_hh blocks orthogonal). */
  readonly recurrent?: 'uniform' | 'orthogonal';
  /**
   * LSTM only: set the forget-gate bias. `bias_ih`'s f block is set to this value and `bias_hh`'s
   * f block to 0, so the effective bias b_ih + b_hh equals it (Keras' `unit_forget_bias` uses 1).
   */
  readonly forgetBias?: number | null;
  /**
   * GRU only: set the update-gate bias. In `h' = (1−z)⊙n + z⊙h` the update gate z is the GRU's
   * keep gate, so a positive bias (σ(3) ≈ 0.95) makes an untrained GRU carry its state across tens
   * of steps, as `forgetBias` does for an LSTM. `bias_ih`'s z block is set to this value and
   * `bias_hh`'s z block to 0.
   */
  readonly updateBias?: number | null;
  /**
   * LSTM only: set the input-gate bias (`bias_ih`'s i block to this value, `bias_hh`'s to 0).
   * With `forgetBias: b` and `inputBias: −b` an untrained LSTM keeps its cell and writes little
   * into it, as chrono initialisation does (Tallec & Ollivier 2018, b_i = −b_f): the filler of a
   * long gap then no longer washes out what the cell stored.
   */
  readonly inputBias?: number | null;
}

/** The architecture of a recur model. Plain JSON. */
export interface ModelConfig {
  /** `seq2one`: head on the last real state; `seq2seq`: head at every step; `lm`: embedding → rnn → vocab logits. */
  readonly kind: ModelKind;
  readonly cell: CellKind;
  /** Features per step. For `lm` it equals `embeddingDim`. */
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  /** Dropout probability between stacked layers (training only), as PyTorch's `dropout`. */
  readonly dropout: number;
  /** Whether the recurrent layers have `bias_ih`/`bias_hh`. */
  readonly bias: boolean;
  /** Size of the dense head's output, or null for no head (the output is the recurrent features). For `lm` it equals `vocabSize`. */
  readonly outputSize: number | null;
  /** Activation after the head. */
  readonly headActivation: ActivationKind;
  /** `lm` only: vocabulary size. */
  readonly vocabSize?: number | null;
  /** `lm` only: embedding width. */
  readonly embeddingDim?: number | null;
  /** Initialisation options (only used when a model is created, not when weights are loaded). */
  readonly init?: InitConfig;
}

/** What users pass: the required fields, everything else defaulted. */
export type ModelConfigInput = Partial<ModelConfig> & Pick<ModelConfig, 'kind' | 'cell' | 'hiddenSize'>;

const ACTIVATIONS: readonly ActivationKind[] = ['identity', 'tanh', 'sigmoid', 'relu'];

/**
 * Upper bounds on the sizes of a {@link ModelConfig}. They are far above any model recur can train
 * in reasonable time, and low enough that a corrupted or hostile config is refused before a single
 * buffer is allocated (a `hiddenSize` of 10⁹ would otherwise ask for a 16-exabyte weight matrix,
 * and `numLayers: 1000000` for a million layers). Each error names the limit it hit.
 */
export const MODEL_LIMITS = Object.freeze({
  /** Largest `hiddenSize` (H). */
  maxHiddenSize: 32_768,
  /** Largest `inputSize` (I) and `embeddingDim` (E). */
  maxInputSize: 1_048_576,
  /** Largest `numLayers`. */
  maxNumLayers: 256,
  /** Largest `outputSize` (O) of the head. */
  maxOutputSize: 1_048_576,
  /** Largest `vocabSize` (V) of a language model. */
  maxVocabSize: 4_194_304,
  /** Largest total number of parameters (float32: 2 GiB of weights). */
  maxParameters: 536_870_912,
});

function positiveInt(name: string, v: unknown, max?: { value: number; limit: string }): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidArgumentError(name, `must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  if (max !== undefined && v > max.value) {
    throw new InvalidArgumentError(name, `is ${v}, above the limit MODEL_LIMITS.${max.limit} = ${max.value}.`);
  }
  return v;
}

/**
 * Names and shapes of every parameter a model of this config has, in `state_dict` order, computed
 * from the config alone (nothing is allocated). PyTorch names and layouts; G gates (4 LSTM, 3 GRU,
 * 1 RNN), D directions, H hidden, I input, E embedding, V vocabulary, O head outputs:
 *
 * ```
 * embedding.weight                  [V, E]                    (lm only)
 * rnn.weight_ih_l{k}{_reverse}      [G·H, I] (k = 0), [G·H, D·H] (k > 0)
 * rnn.weight_hh_l{k}{_reverse}      [G·H, H]
 * rnn.bias_ih_l{k}, rnn.bias_hh_l{k} [G·H]                    (bias: true)
 * head.weight [O, D·H], head.bias [O]                          (outputSize not null)
 * ```
 */
export function parameterShapes(config: ModelConfig): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const G = GATE_COUNT[config.cell];
  const H = config.hiddenSize;
  const D = config.bidirectional ? 2 : 1;
  if (config.kind === 'lm') out['embedding.weight'] = [config.vocabSize as number, config.embeddingDim as number];
  for (let k = 0; k < config.numLayers; k++) {
    for (const sfx of config.bidirectional ? ['', '_reverse'] : ['']) {
      out[`rnn.weight_ih_l${k}${sfx}`] = [G * H, k === 0 ? config.inputSize : D * H];
      out[`rnn.weight_hh_l${k}${sfx}`] = [G * H, H];
      if (config.bias) {
        out[`rnn.bias_ih_l${k}${sfx}`] = [G * H];
        out[`rnn.bias_hh_l${k}${sfx}`] = [G * H];
      }
    }
  }
  if (config.outputSize !== null) {
    out['head.weight'] = [config.outputSize, D * H];
    out['head.bias'] = [config.outputSize];
  }
  return out;
}

/** Number of scalars in a model of this config (arithmetic only, see {@link parameterShapes}). */
export function countParameters(config: ModelConfig): number {
  const G = GATE_COUNT[config.cell];
  const H = config.hiddenSize;
  const D = config.bidirectional ? 2 : 1;
  const perDirection = (inSize: number): number => G * H * inSize + G * H * H + (config.bias ? 2 * G * H : 0);
  let n = config.kind === 'lm' ? (config.vocabSize as number) * (config.embeddingDim as number) : 0;
  n += D * perDirection(config.inputSize) + (config.numLayers - 1) * D * perDirection(D * H);
  if (config.outputSize !== null) n += config.outputSize * (D * H + 1);
  return n;
}

function checkParameterCount(config: ModelConfig): ModelConfig {
  const n = countParameters(config);
  if (n > MODEL_LIMITS.maxParameters) {
    throw new InvalidArgumentError(
      'config',
      `describes ${n} parameters (hiddenSize ${config.hiddenSize}, numLayers ${config.numLayers}, inputSize ${config.inputSize}), above the limit MODEL_LIMITS.maxParameters = ${MODEL_LIMITS.maxParameters}.`,
    );
  }
  return config;
}

/** Fill defaults and validate; returns a frozen, complete {@link ModelConfig}. */
export function validateModelConfig(input: ModelConfigInput): ModelConfig {
  if (input === null || typeof input !== 'object') throw new InvalidArgumentError('config', 'expected a ModelConfig object.');
  const kind = input.kind;
  if (kind !== 'seq2one' && kind !== 'seq2seq' && kind !== 'lm') {
    throw new InvalidArgumentError('config.kind', `must be 'seq2one', 'seq2seq' or 'lm', got ${JSON.stringify(kind)}.`);
  }
  if (!isCellKind(input.cell)) {
    throw new InvalidArgumentError('config.cell', `must be 'rnn-tanh', 'rnn-relu', 'lstm' or 'gru', got ${JSON.stringify(input.cell)}.`);
  }
  const hiddenSize = positiveInt('config.hiddenSize', input.hiddenSize, { value: MODEL_LIMITS.maxHiddenSize, limit: 'maxHiddenSize' });
  const numLayers = positiveInt('config.numLayers', input.numLayers ?? 1, { value: MODEL_LIMITS.maxNumLayers, limit: 'maxNumLayers' });
  const bidirectional = input.bidirectional ?? false;
  if (typeof bidirectional !== 'boolean') throw new InvalidArgumentError('config.bidirectional', 'must be a boolean.');
  const dropout = input.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new InvalidArgumentError('config.dropout', `must be a probability in [0, 1), got ${JSON.stringify(dropout)}.`);
  }
  const bias = input.bias ?? true;
  const headActivation = input.headActivation ?? 'identity';
  if (!ACTIVATIONS.includes(headActivation)) {
    throw new InvalidArgumentError('config.headActivation', `must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(headActivation)}.`);
  }
  const init: InitConfig = {
    recurrent: input.init?.recurrent ?? 'uniform',
    forgetBias: input.init?.forgetBias ?? null,
    updateBias: input.init?.updateBias ?? null,
    inputBias: input.init?.inputBias ?? null,
  };
  if (init.recurrent !== 'uniform' && init.recurrent !== 'orthogonal') {
    throw new InvalidArgumentError('config.init.recurrent', `must be 'uniform' or 'orthogonal', got ${JSON.stringify(init.recurrent)}.`);
  }
  if (init.forgetBias !== null && init.forgetBias !== undefined) {
    if (input.cell !== 'lstm') throw new InvalidArgumentError('config.init.forgetBias', 'only an LSTM has a forget gate.');
    if (!Number.isFinite(init.forgetBias)) throw new InvalidArgumentError('config.init.forgetBias', 'must be a finite number.');
    if (!bias) throw new InvalidArgumentError('config.init.forgetBias', 'needs bias: true.');
  }
  if (init.updateBias !== null && init.updateBias !== undefined) {
    if (input.cell !== 'gru') throw new InvalidArgumentError('config.init.updateBias', `only a GRU has an update gate (use forgetBias for an LSTM); got cell '${input.cell}'.`);
    if (!Number.isFinite(init.updateBias)) throw new InvalidArgumentError('config.init.updateBias', 'must be a finite number.');
    if (!bias) throw new InvalidArgumentError('config.init.updateBias', 'needs bias: true.');
  }
  if (init.inputBias !== null && init.inputBias !== undefined) {
    if (input.cell !== 'lstm') throw new InvalidArgumentError('config.init.inputBias', `only an LSTM has an input gate; got cell '${input.cell}'.`);
    if (!Number.isFinite(init.inputBias)) throw new InvalidArgumentError('config.init.inputBias', 'must be a finite number.');
    if (!bias) throw new InvalidArgumentError('config.init.inputBias', 'needs bias: true.');
  }
  if (kind === 'lm') {
    const vocabSize = positiveInt('config.vocabSize', input.vocabSize, { value: MODEL_LIMITS.maxVocabSize, limit: 'maxVocabSize' });
    const embeddingDim = positiveInt('config.embeddingDim', input.embeddingDim ?? input.inputSize, { value: MODEL_LIMITS.maxInputSize, limit: 'maxInputSize' });
    if (input.inputSize !== undefined && input.inputSize !== embeddingDim) {
      throw new InvalidArgumentError('config.inputSize', `an lm's inputSize must equal embeddingDim (${embeddingDim}); got ${input.inputSize}.`);
    }
    if (input.outputSize !== undefined && input.outputSize !== null && input.outputSize !== vocabSize) {
      throw new InvalidArgumentError('config.outputSize', `an lm's head outputs vocabSize (${vocabSize}) logits; got ${input.outputSize}.`);
    }
    if (headActivation !== 'identity') throw new InvalidArgumentError('config.headActivation', "an lm's head outputs logits: use 'identity'.");
    return checkParameterCount(Object.freeze({
      kind, cell: input.cell, inputSize: embeddingDim, hiddenSize, numLayers, bidirectional, dropout, bias,
      outputSize: vocabSize, headActivation, vocabSize, embeddingDim, init,
    }));
  }
  const inputSize = positiveInt('config.inputSize', input.inputSize, { value: MODEL_LIMITS.maxInputSize, limit: 'maxInputSize' });
  const outputSize = input.outputSize === null || input.outputSize === undefined ? null : positiveInt('config.outputSize', input.outputSize, { value: MODEL_LIMITS.maxOutputSize, limit: 'maxOutputSize' });
  if (outputSize === null && headActivation !== 'identity') {
    throw new InvalidArgumentError('config.headActivation', 'there is no head (outputSize is null), so headActivation must be identity.');
  }
  return checkParameterCount(Object.freeze({
    kind, cell: input.cell, inputSize, hiddenSize, numLayers, bidirectional, dropout, bias,
    outputSize, headActivation, vocabSize: null, embeddingDim: null, init,
  }));
}
