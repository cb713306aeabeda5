/**
 * `ModelConfig`: a JSON-serialisable description of a model's whole architecture. Saving a model
 * stores this next to its weights; {@link validateModelConfig} fills defaults and rejects bad values.
 */
import { InvalidArgumentError, isCellKind, type ActivationKind, type CellKind } from '@recur/backend';

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

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidArgumentError(name, `must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  return v;
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
  const hiddenSize = positiveInt('config.hiddenSize', input.hiddenSize);
  const numLayers = positiveInt('config.numLayers', input.numLayers ?? 1);
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
    const vocabSize = positiveInt('config.vocabSize', input.vocabSize);
    const embeddingDim = positiveInt('config.embeddingDim', input.embeddingDim ?? input.inputSize);
    if (input.inputSize !== undefined && input.inputSize !== embeddingDim) {
      throw new InvalidArgumentError('config.inputSize', `an lm's inputSize must equal embeddingDim (${embeddingDim}); got ${input.inputSize}.`);
    }
    if (input.outputSize !== undefined && input.outputSize !== null && input.outputSize !== vocabSize) {
      throw new InvalidArgumentError('config.outputSize', `an lm's head outputs vocabSize (${vocabSize}) logits; got ${input.outputSize}.`);
    }
    if (headActivation !== 'identity') throw new InvalidArgumentError('config.headActivation', "an lm's head outputs logits: use 'identity'.");
    return Object.freeze({
      kind, cell: input.cell, inputSize: embeddingDim, hiddenSize, numLayers, bidirectional, dropout, bias,
      outputSize: vocabSize, headActivation, vocabSize, embeddingDim, init,
    });
  }
  const inputSize = positiveInt('config.inputSize', input.inputSize);
  const outputSize = input.outputSize === null || input.outputSize === undefined ? null : positiveInt('config.outputSize', input.outputSize);
  if (outputSize === null && headActivation !== 'identity') {
    throw new InvalidArgumentError('config.headActivation', 'there is no head (outputSize is null), so headActivation must be identity.');
  }
  return Object.freeze({
    kind, cell: input.cell, inputSize, hiddenSize, numLayers, bidirectional, dropout, bias,
    outputSize, headActivation, vocabSize: null, embeddingDim: null, init,
  });
}
