/**
 * The slice of a `@recur/core` model the probes use. Declared structurally, so the probes work
 * with any object that has this shape (core's `Model` does) on any backend.
 */
import type { ActivationKind, Backend, CellKind, FloatArray } from '@recur/backend';

/** A named host tensor (PyTorch `state_dict` entry). */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** The architecture fields the probes read (a subset of core's `ModelConfig`). */
export interface ProbeModelConfig {
  readonly kind: 'seq2one' | 'seq2seq' | 'lm';
  readonly cell: CellKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
  readonly outputSize: number | null;
  readonly headActivation: ActivationKind;
}

/** A time-major batch: inputs [T, B, I] (lm: token ids [T, B]). */
export interface ProbeBatch {
  readonly inputs: ArrayLike<number>;
  readonly T: number;
  readonly B: number;
}

/** What the probes need from a recur model. */
export interface RecurModelLike {
  readonly config: ProbeModelConfig;
  readonly backend: Backend;
  /** seq2one output [B, O]; seq2seq [T, B, O]. */
  predict(batch: ProbeBatch): Promise<{ readonly output: FloatArray; readonly shape: readonly number[] }>;
  /** Weights with PyTorch names (`rnn.weight_ih_l0`, `head.weight`, `embedding.weight`, …). */
  stateDict(): Promise<Record<string, HostTensor>>;
}
