/**
 * Models: sequence-to-one, sequence-to-sequence and language model, built from an optional
 * {@link Embedding}, a {@link Recurrent} module (`rnn.`) and an optional {@link Dense} head (`head.`).
 *
 * SEAM (persistence helper codes against this; keep it stable):
 * - `createModel(config: ModelConfigInput, options?: { backend?: Backend; seed?: number }): Model` is
 *   **synchronous**. Without `options.backend` it uses the registry's `currentBackend()`.
 * - `model.config: ModelConfig` (complete, JSON-serialisable); `model.backend: Backend`.
 * - `model.stateDict(): Promise<StateDict>` with PyTorch names: `rnn.weight_ih_l0`, `rnn.weight_hh_l0`,
 *   `rnn.bias_ih_l0`, `rnn.bias_hh_l0`, `…_reverse`, `…_l1`, `head.weight` [O, D·H], `head.bias` [O],
 *   `embedding.weight` [V, E]. Values are Float32Array.
 * - `model.loadStateDict(dict)` validates every name and shape (ShapeError / InvalidArgumentError,
 *   listing expected names) and uploads (synchronous).
 */
import {
  BackendUnavailableError,
  CapabilityError,
  InvalidArgumentError,
  ShapeError,
  composeSequence,
  currentBackend,
  hasCellState,
  type Backend,
  type FloatArray,
  type Tensor,
} from '@recur/backend';
import { Dense } from '../nn/dense.js';
import { Embedding } from '../nn/embedding.js';
import { TensorScope, type Parameter } from '../nn/parameter.js';
import { Recurrent, type RecurrentForward } from '../nn/recurrent.js';
import { Rng } from '../random/prng.js';
import { resolveLengths, type Batch } from './batch.js';
import { validateModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import { generate, type GenerateOptions } from './generate.js';
import { checkHiddenSize } from './hidden-size.js';
import { moveParameters } from './move.js';
import { resolveBackend } from './resolve-backend.js';
import { StepStream } from './step-stream.js';

/** A host copy of one named tensor. */
export interface NamedTensor {
  readonly shape: number[];
  readonly data: Float32Array;
}

/** Named host tensors, PyTorch `state_dict` names. */
export type StateDict = Record<string, NamedTensor>;

/** Named host tensors at the backend's precision. */
export type HostTensors = Record<string, { readonly shape: number[]; readonly data: FloatArray }>;

/** Options of {@link createModel}. */
export interface CreateModelOptions {
  /** Where the parameters live. Default: the registry's current backend (`useBackend`). */
  readonly backend?: Backend;
  /** Seed of the model's PRNG (initialisation, dropout). Default 0. */
  readonly seed?: number;
}

/** Recurrent state as host arrays, [L·D, B, H] each. */
export interface HostState {
  readonly h: FloatArray;
  readonly c: FloatArray | null;
}

/** Result of {@link Model.predict}. */
export interface Prediction {
  /** seq2one: [B, O]; seq2seq: [T, B, O]; lm: logits [T, B, V] (O is D·H without a head). */
  readonly output: FloatArray;
  readonly shape: number[];
  /** Final hidden states [L·D, B, H]. */
  readonly hN: FloatArray;
  /** Final cell states [L·D, B, H] (LSTM), else null. */
  readonly cN: FloatArray | null;
}

/** Device-side initial state for a forward pass. */
export interface DeviceState {
  readonly h: Tensor;
  readonly c: Tensor | null;
}

/** A forward pass kept for backward (low-level training API). Dispose with {@link Model.disposePass}. */
export interface ForwardPass {
  readonly T: number;
  readonly B: number;
  readonly lengths: Int32Array | null;
  /** Output [rows, cols]: seq2one rows = B; seq2seq/lm rows = T·B (time-major). */
  readonly output: Tensor;
  readonly rows: number;
  readonly cols: number;
  /** Final states [L·D, B, H] (owned by the pass). */
  readonly hN: Tensor;
  readonly cN: Tensor | null;
  /** @internal */
  readonly internals: PassInternals;
}

interface PassInternals {
  readonly scope: TensorScope;
  readonly rnn: RecurrentForward;
  readonly headInput: Tensor | null;
  readonly indices: Int32Array | null;
  readonly training: boolean;
}

export { resolveBackend } from './resolve-backend.js';

/** Create a model (synchronous). See the SEAM note at the top of this file. */
export function createModel(config: ModelConfigInput, options: CreateModelOptions = {}): Model {
  const backend = options.backend ?? currentBackend();
  if (!backend) {
    throw new BackendUnavailableError('(current)', 'no backend was passed to createModel and none was selected with useBackend()', []);
  }
  return new Model(validateModelConfig(config), backend, options.seed ?? 0);
}

/** A recurrent model. Create with {@link createModel}. */
export class Model {
  /** The complete architecture. */
  readonly config: ModelConfig;
  /** The model's PRNG (initialisation, then dropout masks). Its state is saved in checkpoints. */
  readonly rng: Rng;
  readonly embedding: Embedding | null;
  readonly rnn: Recurrent;
  readonly head: Dense | null;
  private currentBackend: Backend;
  private stream: StepStream | null = null;
  private readonly movables = new Set<{ to(from: Backend, to: Backend): Promise<void> }>();

  /** Use {@link createModel}. */
  constructor(config: ModelConfig, backend: Backend, seed: number) {
    this.config = config;
    this.currentBackend = backend;
    this.rng = new Rng(seed);
    // Creation order fixes the PRNG draws: embedding, recurrent (PyTorch order), head.
    this.embedding = config.kind === 'lm' ? new Embedding(backend, config.vocabSize as number, config.embeddingDim as number, 'embedding.', this.rng) : null;
    this.rnn = new Recurrent(
      backend,
      {
        cell: config.cell, inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers,
        bidirectional: config.bidirectional, dropout: config.dropout, bias: config.bias, prefix: 'rnn.',
        recurrentInit: config.init?.recurrent ?? 'uniform', forgetBias: config.init?.forgetBias ?? null,
        updateBias: config.init?.updateBias ?? null,
        inputBias: config.init?.inputBias ?? null,
      },
      this.rng,
    );
    this.head = config.outputSize !== null ? new Dense(backend, this.rnn.outputSize, config.outputSize, config.headActivation, 'head.', this.rng) : null;
  }

  /** The backend the parameters live on. */
  get backend(): Backend {
    return this.currentBackend;
  }

  /** Width of one output row: O, or D·H without a head. */
  get outputSize(): number {
    return this.config.outputSize ?? this.rnn.outputSize;
  }

  /** Parameters in `state_dict` order (embedding, rnn, head). */
  parameters(): Parameter[] {
    return [...(this.embedding?.parameters() ?? []), ...this.rnn.parameters(), ...(this.head?.parameters() ?? [])];
  }

  /** Total number of trainable scalars. */
  get numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Expected names and shapes of {@link stateDict}. */
  stateShapes(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const p of this.parameters()) out[p.name] = [...p.shape];
    return out;
  }

  /** Copy every parameter to the host, PyTorch names. */
  async stateDict(): Promise<StateDict> {
    const out: StateDict = {};
    for (const p of this.parameters()) {
      const data = await this.backend.read(p.value);
      out[p.name] = { shape: [...p.shape], data: data instanceof Float32Array ? data : Float32Array.from(data) };
    }
    return out;
  }

  /** Every parameter at the backend's full precision (Float64Array on a float64 backend). */
  async parameterValues(): Promise<HostTensors> {
    const out: HostTensors = {};
    for (const p of this.parameters()) out[p.name] = { shape: [...p.shape], data: await this.backend.read(p.value) };
    return out;
  }

  /** Every parameter's current gradient at full precision (zeros where none was computed). */
  async gradients(): Promise<HostTensors> {
    const out: HostTensors = {};
    for (const p of this.parameters()) {
      out[p.name] = { shape: [...p.shape], data: p.grad ? await this.backend.read(p.grad) : new Float32Array(p.size) };
    }
    return out;
  }

  /**
   * Replace every parameter. The dict must hold exactly the names of {@link stateShapes} with those
   * shapes; anything missing, unexpected or mis-shaped throws before any upload.
   */
  loadStateDict(dict: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    if (dict === null || typeof dict !== 'object') throw new InvalidArgumentError('stateDict', 'expected an object of named tensors.');
    const params = this.parameters();
    const expected = params.map((p) => p.name);
    const missing = expected.filter((n) => !(n in dict));
    const unexpected = Object.keys(dict).filter((n) => !expected.includes(n));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new InvalidArgumentError(
        'stateDict',
        `${missing.length ? `missing ${missing.join(', ')}` : ''}${missing.length && unexpected.length ? '; ' : ''}${
          unexpected.length ? `unexpected ${unexpected.join(', ')}` : ''
        }. Expected exactly: ${expected.join(', ')}.`,
      );
    }
    for (const p of params) {
      const t = dict[p.name] as { shape: readonly number[]; data: ArrayLike<number> };
      const size = p.shape.reduce((a, b) => a * b, 1);
      if (!Array.isArray(t.shape) || t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
        throw new ShapeError(p.name, p.shape, Array.isArray(t.shape) ? t.shape : String(t.shape));
      }
      if (!t.data || t.data.length !== size) throw new ShapeError(`${p.name} data`, `${size} elements`, `${t.data?.length ?? 0} elements`);
      for (let i = 0; i < t.data.length; i++) {
        if (!Number.isFinite(t.data[i] as number)) throw new InvalidArgumentError(p.name, `element ${i} is ${t.data[i]}; weights must be finite.`);
      }
    }
    for (const p of params) this.backend.write(p.value, (dict[p.name] as { data: ArrayLike<number> }).data);
  }

  // ---- forward / backward ------------------------------------------------------------------------

  /** Check and upload a batch's inputs; returns the device input [T, B, I] and lm token indices. */
  private prepareInput(scope: TensorScope, batch: Batch): { x: Tensor; indices: Int32Array | null } {
    const { T, B } = batch;
    if (!Number.isInteger(T) || T < 1) throw new InvalidArgumentError('batch.T', `must be a positive integer, got ${T}.`);
    if (!Number.isInteger(B) || B < 1) throw new InvalidArgumentError('batch.B', `must be a positive integer, got ${B}.`);
    if (this.embedding) {
      if (batch.inputs.length !== T * B) throw new ShapeError('batch.inputs (token ids)', [T, B], `${batch.inputs.length} elements`);
      const indices = new Int32Array(T * B);
      this.embedding.checkIndices(indices, batch.inputs);
      return { x: this.embedding.forward(this.backend, scope, indices), indices };
    }
    const I = this.config.inputSize;
    if (batch.inputs.length !== T * B * I) {
      throw new ShapeError('batch.inputs', [T, B, I], `${batch.inputs.length} elements`, 'Inputs are time-major [T, B, I].');
    }
    // Non-finite inputs are not rejected here: training reports them as a NonFiniteError naming the step.
    return { x: scope.upload(batch.inputs, [T, B, I]), indices: null };
  }

  /**
   * Low-level forward pass on the device. With `training`, caches are kept for {@link backwardPass}
   * and dropout is applied. `state` gives initial states [L·D, B, H] (e.g. carried by truncated BPTT).
   */
  forwardPass(batch: Batch, options: { training?: boolean; state?: DeviceState | null } = {}): ForwardPass {
    // a backend without a fused sequence gets whole sequences composed from its T = 1 kernels
    const backend = composeSequence(this.backend);
    const training = options.training ?? false;
    if (training && !backend.capabilities.training) throw new CapabilityError(backend.name, 'training', 'its cellBackward/loss/optimizer kernels are missing');
    const { T, B } = batch;
    const lengths = resolveLengths(batch.lengths, T, B);
    if (lengths && !backend.capabilities.variableLength) {
      throw new CapabilityError(backend.name, 'variable-length batches', 'pad all sequences to the same length or pick another backend');
    }
    const H = this.config.hiddenSize;
    checkHiddenSize(backend, H);
    const scope = new TensorScope(backend);
    try {
      const { x, indices } = this.prepareInput(scope, batch);
      const LD = this.config.numLayers * this.rnn.directions;
      if (options.state) {
        if (options.state.h.size !== LD * B * H) throw new ShapeError('initial state h0', [LD, B, H], options.state.h.shape);
        if (options.state.c && options.state.c.size !== LD * B * H) throw new ShapeError('initial state c0', [LD, B, H], options.state.c.shape);
      }
      const rnn = this.rnn.forward(backend, {
        x, T, B, lengths, h0: options.state?.h ?? null, c0: options.state?.c ?? null, training, rng: this.rng,
      });
      scope.track(rnn.hN);
      const DH = this.rnn.outputSize;
      let headInput: Tensor;
      let rows: number;
      if (this.config.kind === 'seq2one') {
        // Features: the top layer's final states, directions concatenated: [B, D·H].
        const L = this.config.numLayers;
        if (L * this.rnn.directions === 1) {
          headInput = rnn.hN; // [1, B, H] is already [B, D·H]
        } else {
          headInput = scope.alloc([B, DH]);
          for (let d = 0; d < this.rnn.directions; d++) {
            backend.copy({ src: rnn.hN, dst: headInput, rows: B, cols: H, srcOffset: ((L - 1) * this.rnn.directions + d) * B * H, srcStride: H, dstOffset: d * H, dstStride: DH });
          }
        }
        rows = B;
      } else {
        headInput = rnn.y; // [T·B, D·H]
        rows = T * B;
      }
      const output = this.head ? this.head.forward(backend, scope, headInput, rows) : headInput;
      return {
        T, B, lengths, output, rows, cols: this.outputSize, hN: rnn.hN, cN: rnn.cN,
        internals: { scope, rnn, headInput, indices, training },
      };
    } catch (e) {
      scope.dispose();
      throw e;
    }
  }

  /**
   * Backpropagate dL/dOutput [rows, cols] through the pass, accumulating into every parameter's
   * `grad` (zero them first, e.g. with {@link zeroGrad}).
   */
  backwardPass(pass: ForwardPass, dOutput: Tensor): void {
    const backend = composeSequence(this.backend); // the same wrapper forwardPass used
    const { scope, rnn, headInput, indices, training } = pass.internals;
    if (!training) throw new InvalidArgumentError('pass', 'backwardPass needs a forward pass run with training: true.');
    const { T, B, rows } = pass;
    let dFeatures: Tensor = dOutput;
    if (this.head && headInput) {
      dFeatures = this.head.backward(backend, scope, headInput, pass.output, dOutput, rows, true) as Tensor;
    }
    if (this.config.kind === 'seq2one') {
      const H = this.config.hiddenSize;
      const D = this.rnn.directions;
      const L = this.config.numLayers;
      // dL/dhN [L·D, B, H] from dL/dFeatures [B, D·H] (the same layout when L·D = 1).
      let dhN = dFeatures;
      if (L * D !== 1) {
        dhN = scope.alloc([L * D, B, H]);
        for (let d = 0; d < D; d++) {
          backend.copy({ src: dFeatures, dst: dhN, rows: B, cols: H, srcOffset: d * H, srcStride: D * H, dstOffset: ((L - 1) * D + d) * B * H, dstStride: H });
        }
      }
      this.rnn.backward(backend, rnn.cache, null, dhN, null, false);
    } else {
      const dx = this.rnn.backward(backend, rnn.cache, dFeatures, null, null, this.embedding !== null);
      if (this.embedding && indices && dx) this.embedding.backward(backend, indices, dx);
    }
    void T;
  }

  /** Free everything a pass holds. Tensors in `keep` survive. */
  disposePass(pass: ForwardPass, keep: readonly (Tensor | null)[] = []): void {
    pass.internals.rnn.cache.scope.dispose(keep);
    pass.internals.scope.dispose(keep);
  }

  /** Zero every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad(this.backend);
  }

  /**
   * Inference on a batch: the model output and the final states, copied to the host.
   * `state` gives initial states [L·D, B, H] as host arrays.
   */
  async predict(batch: Batch, state?: HostState | null): Promise<Prediction> {
    const backend = this.backend;
    const scope = new TensorScope(backend);
    try {
      const dev = state ? this.uploadState(scope, state, batch.B) : null;
      const pass = this.forwardPass(batch, { training: false, state: dev });
      try {
        const output = await backend.read(pass.output);
        const hN = await backend.read(pass.hN);
        const cN = pass.cN ? await backend.read(pass.cN) : null;
        const shape = this.config.kind === 'seq2one' ? [batch.B, this.outputSize] : [batch.T, batch.B, this.outputSize];
        return { output, shape, hN, cN };
      } finally {
        this.disposePass(pass);
      }
    } finally {
      scope.dispose();
    }
  }

  private uploadState(scope: TensorScope, state: HostState, B: number): DeviceState {
    const LD = this.config.numLayers * this.rnn.directions;
    const n = LD * B * this.config.hiddenSize;
    if (state.h.length !== n) throw new ShapeError('state.h', [LD, B, this.config.hiddenSize], `${state.h.length} elements`);
    const lstm = hasCellState(this.config.cell);
    if (lstm && state.c && state.c.length !== n) throw new ShapeError('state.c', [LD, B, this.config.hiddenSize], `${state.c.length} elements`);
    return {
      h: scope.upload(state.h, [LD, B, this.config.hiddenSize]),
      c: lstm ? (state.c ? scope.upload(state.c, [LD, B, this.config.hiddenSize]) : scope.alloc([LD, B, this.config.hiddenSize])) : null,
    };
  }

  // ---- streaming (step-stream.ts) and generation (generate.ts) ----------------------------------------

  /**
   * Streaming inference: run one step (x [B, I], or token ids [B] for an lm) carrying the state from
   * the previous call. Returns the output for this step [B, O]. Stepping through a sequence gives
   * the same outputs as {@link predict} on the whole sequence. Unidirectional models only.
   */
  step(x: ArrayLike<number>, batchSize = 1): Promise<FloatArray> {
    // Not an async function: a stream runs thousands of steps, and each async frame and await
    // allocates (about 0.4 KB per step together), which fills V8's nursery sooner. Every error is
    // still a rejection, never a synchronous throw; a failed first step closes the stream it opened.
    let opened = false;
    try {
      if (this.stream && this.stream.B !== batchSize) {
        throw new ShapeError('step batch size', [this.stream.B], [batchSize], 'Call resetState() before changing the batch size.');
      }
      StepStream.checkInput(this, x, batchSize);
      opened = !this.stream;
      this.stream ??= StepStream.open(this.backend, this, batchSize);
      const out = this.stream.step(this.backend, this, x);
      return opened ? out.catch((e: unknown) => this.closeFailedStream(e)) : out;
    } catch (e) {
      if (opened) this.disposeStream();
      return Promise.reject(e);
    }
  }

  /** A first step failed: close the stream it opened and pass the error on. */
  private closeFailedStream(e: unknown): never {
    this.disposeStream();
    throw e;
  }

  /** The carried streaming state on the host, or null before the first {@link step}. */
  async getState(): Promise<HostState | null> {
    if (!this.stream) return null;
    return this.stream.rnn.readState();
  }

  /** Forget the streaming state (the next {@link step} starts from zeros). */
  resetState(): void {
    this.disposeStream();
  }

  private disposeStream(): void {
    this.stream?.dispose(this.backend);
    this.stream = null;
  }

  /**
   * Language models: continue `prompt` (token ids) by `length` sampled tokens. Each token is drawn
   * from softmax(logits / temperature) with a PRNG seeded by `seed`; temperature 0 picks the argmax.
   * Uses (and then resets) the streaming state.
   */
  async generate(prompt: readonly number[], options: GenerateOptions): Promise<number[]> {
    return generate(this, prompt, options);
  }

  // ---- backends -----------------------------------------------------------------------------------

  /** @internal Register state (e.g. an optimizer) that must move with the model in {@link to}. */
  attach(movable: { to(from: Backend, to: Backend): Promise<void> }): void {
    this.movables.add(movable);
  }

  /** @internal */
  detach(movable: { to(from: Backend, to: Backend): Promise<void> }): void {
    this.movables.delete(movable);
  }

  /**
   * Move the parameters, attached optimizer state and streaming state to another backend (an
   * instance or a registry name). Training continues where it was. Returns this model.
   */
  async to(target: Backend | string): Promise<this> {
    const next = await resolveBackend(target);
    const prev = this.backend;
    if (next === prev) return this;
    await moveParameters(this.parameters(), prev, next, this.config.hiddenSize);
    const stream = this.stream ? { B: this.stream.B, ...(await this.stream.rnn.readState()) } : null;
    for (const m of this.movables) await m.to(prev, next);
    this.disposeStream();
    this.currentBackend = next;
    if (stream) {
      this.stream = StepStream.open(next, this, stream.B);
      this.stream.rnn.loadState(stream.h, stream.c);
    }
    return this;
  }

  /** Free every device buffer the model holds. */
  dispose(): void {
    this.disposeStream();
    for (const p of this.parameters()) p.dispose(this.backend);
  }
}
