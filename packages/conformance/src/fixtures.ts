/**
 * The PyTorch golden fixtures (float64), bundled with the package. Regenerate them with
 * `/usr/bin/python3 tools/fixtures/generate_kernels.py`; see tools/fixtures/README.md.
 *
 * Every array is flat and row-major in PyTorch's own layout: sequences time-major [T, B, ·],
 * states [layers·directions, B, H], weights under PyTorch's names (`weight_ih_l0`,
 * `bias_hh_l1_reverse`, ...).
 */
import type { CellKind } from '@recur/backend';
import gruJson from './__fixtures__/cells-gru.json';
import lstmJson from './__fixtures__/cells-lstm.json';
import rnnReluJson from './__fixtures__/cells-rnn-relu.json';
import rnnTanhJson from './__fixtures__/cells-rnn-tanh.json';
import kernelsJson from './__fixtures__/kernels.json';

/**
 * One PyTorch `nn.RNN/LSTM/GRU` run: forward on (x, h0, c0) and backward of
 * `loss = Σ y·gy + Σ hN·ghN (+ Σ cN·gcN)`.
 */
export interface CellFixture {
  /** Case name, e.g. `basic`, `hidden-7`, `stacked-2`, `lengths-bidirectional`. */
  readonly name: string;
  readonly cell: CellKind;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  /** num_layers. */
  readonly layers: number;
  readonly bidirectional: boolean;
  /** False for `bias=False` modules (no bias arrays). */
  readonly bias: boolean;
  /** Per-sequence lengths given to `pack_padded_sequence`, or null. */
  readonly lengths: number[] | null;
  /**
   * Directions of layer 0 that reach the loss (`[1]` for the reverse-only case; the others had
   * zero upstream gradient, so their gradients are zero).
   */
  readonly directions: number[];
  /** [T, B, I]. */
  readonly x: number[];
  /** [layers·D, B, H]. */
  readonly h0: number[];
  readonly c0: number[] | null;
  /** PyTorch parameter name → flat values. */
  readonly weights: Record<string, number[]>;
  /** Upstream gradients: gy [T, B, D·H], ghN/gcN [layers·D, B, H]. */
  readonly gy: number[];
  readonly ghN: number[];
  readonly gcN: number[] | null;
  /** Outputs: y [T, B, D·H] (padding rows 0), hN/cN [layers·D, B, H]. */
  readonly y: number[];
  readonly hN: number[];
  readonly cN: number[] | null;
  /** Gradients: `x`, `h0`, `c0` and every parameter name. */
  readonly grad: Record<string, number[]>;
}

/** A fixture file: one cell kind, several cases. */
export interface CellFixtureFile {
  readonly generator: string;
  readonly torch: string;
  readonly cell: CellKind;
  readonly cases: readonly CellFixture[];
}

/** `torch.softmax(x / temperature, dim=1)`. */
export interface SoftmaxFixture {
  readonly rows: number;
  readonly cols: number;
  readonly temperature: number;
  readonly x: number[];
  readonly out: number[];
}

/** A loss value and its gradient, as PyTorch computes them (see `LossParams` for the weighted mean). */
export interface LossFixture {
  readonly kind: 'mse' | 'mae' | 'huber' | 'cross-entropy';
  readonly n: number;
  readonly c: number;
  readonly delta: number | null;
  readonly pred: number[];
  readonly target: number[];
  readonly weights: number[] | null;
  readonly loss: number;
  readonly grad: number[];
}

/** Several `torch.optim` steps: the parameter after each step. */
export interface OptimizerFixture {
  readonly name: string;
  readonly kind: 'sgd' | 'adam' | 'adamw' | 'rmsprop';
  readonly options: {
    readonly lr: number;
    readonly weightDecay: number;
    readonly momentum: number;
    readonly dampening: number;
    readonly nesterov: boolean;
    readonly beta1: number;
    readonly beta2: number;
    readonly alpha: number;
    readonly eps: number;
  };
  readonly param0: number[];
  readonly grads: number[][];
  readonly params: number[][];
}

/** The non-recurrent kernel fixtures. */
export interface KernelFixtureFile {
  readonly softmax: readonly SoftmaxFixture[];
  readonly losses: readonly LossFixture[];
  readonly optimizers: readonly OptimizerFixture[];
}

const CELL_FILES: Record<CellKind, unknown> = {
  'rnn-tanh': rnnTanhJson,
  'rnn-relu': rnnReluJson,
  lstm: lstmJson,
  gru: gruJson,
};

/** The PyTorch golden cases for one cell kind. */
export function loadFixture(cell: CellKind): CellFixtureFile {
  const file = CELL_FILES[cell] as CellFixtureFile | undefined;
  if (!file) throw new Error(`no fixture for cell kind "${String(cell)}"`);
  return file;
}

/** The PyTorch golden softmax, loss and optimizer cases. */
export function loadKernelFixtures(): KernelFixtureFile {
  return kernelsJson as unknown as KernelFixtureFile;
}
