/**
 * Streaming inference, one timestep per call: the device buffers a {@link Model.step} stream keeps
 * alive between calls (freed by `resetState`, `to` and `dispose`). One step is a `write` of the
 * input x [B, I] (lm: token ids [B] through the embedding into [B, E]), the cell kernels with the
 * state carried (h, and c for an LSTM, [L, B, H]), the head [B, O], and one read.
 */
import { InvalidArgumentError, ShapeError, type Backend, type FloatArray, type Tensor } from '@recur/backend';
import type { Dense } from '../nn/dense.js';
import type { Embedding } from '../nn/embedding.js';
import type { Recurrent } from '../nn/recurrent.js';
import { RecurrentStream } from '../nn/recurrent-stream.js';
import type { ModelConfig } from './config.js';
import { checkHiddenSize } from './hidden-size.js';

/** The parts of a model a stream runs. */
export interface StreamedModel {
  readonly config: ModelConfig;
  readonly embedding: Embedding | null;
  readonly rnn: Recurrent;
  readonly head: Dense | null;
}

/** The open stream of a model at batch size B. */
export class StepStream {
  private constructor(
    readonly B: number,
    readonly rnn: RecurrentStream,
    /** Layer-0 input [B, I] (lm: the embedded tokens [B, E]). */
    private readonly x: Tensor,
    /** lm token ids of the current step, else null. */
    private readonly indices: Int32Array | null,
    /** Head pre-activation (or output, for an identity head) [B, O]; null without a head. */
    private readonly headY: Tensor | null,
    /** Head output after a non-identity activation [B, O], else null. */
    private readonly headZ: Tensor | null,
  ) {}

  /** Allocate the buffers of a stream of batch size B (zero state). */
  static open(backend: Backend, model: StreamedModel, B: number): StepStream {
    checkHiddenSize(backend, model.config.hiddenSize);
    const owned: Tensor[] = [];
    const alloc = (shape: number[]) => {
      const t = backend.alloc(shape);
      owned.push(t);
      return t;
    };
    try {
      const x = alloc([B, model.embedding ? model.embedding.dim : model.config.inputSize]);
      const O = model.head?.outFeatures ?? 0;
      const headY = model.head ? alloc([B, O]) : null;
      const headZ = model.head && model.head.activation !== 'identity' ? alloc([B, O]) : null;
      const rnn = new RecurrentStream(backend, model.rnn, B);
      return new StepStream(B, rnn, x, model.embedding ? new Int32Array(B) : null, headY, headZ);
    } catch (e) {
      for (const t of owned) backend.dispose(t);
      throw e;
    }
  }

  /** Check one step's input: x [B, I] (lm: B token ids) for a unidirectional model. */
  static checkInput(model: StreamedModel, x: ArrayLike<number>, B: number): void {
    if (model.rnn.directions !== 1) {
      throw new InvalidArgumentError('step', 'a bidirectional model needs the whole sequence (its reverse direction starts at the end); use predict().');
    }
    if (!Number.isInteger(B) || B < 1) throw new InvalidArgumentError('batch.B', `must be a positive integer, got ${B}.`);
    if (x === null || x === undefined || typeof x.length !== 'number') throw new InvalidArgumentError('batch.inputs', 'expected an array of numbers.');
    if (model.embedding) {
      if (x.length !== B) throw new ShapeError('batch.inputs (token ids)', [1, B], `${x.length} elements`);
    } else if (x.length !== B * model.config.inputSize) {
      throw new ShapeError('batch.inputs', [1, B, model.config.inputSize], `${x.length} elements`, 'Inputs are time-major [T, B, I].');
    }
  }

  /**
   * Run one step from `x` with the carried state; returns the output [B, O] (or [B, H] without a
   * head). Bad input and kernel errors throw synchronously (Model.step turns them into rejections);
   * only the read is asynchronous.
   */
  step(backend: Backend, model: StreamedModel, x: ArrayLike<number>): Promise<FloatArray> {
    // Non-finite inputs are not rejected (as in forwardPass); they propagate into the output.
    if (model.embedding && this.indices) {
      model.embedding.checkIndices(this.indices, x);
      model.embedding.forwardInto(backend, this.indices, this.x);
    } else {
      backend.write(this.x, x);
    }
    const y = this.rnn.step(this.x); // [B, H]; the state is carried from here on
    const out = model.head ? model.head.forwardInto(backend, y, this.B, this.headY as Tensor, this.headZ) : y;
    return backend.read(out);
  }

  /** Free the stream's buffers on `backend`. */
  dispose(backend: Backend): void {
    this.rnn.dispose();
    for (const t of [this.x, this.headY, this.headZ]) if (t) backend.dispose(t);
  }
}
