/**
 * The Backend contract, version 1.
 *
 * A backend is a plain object made by a factory (e.g. `createCpuBackend()`). Buffers live on the
 * device and are referred to by {@link Tensor} handles; kernels take and return handles, and the
 * only way back to the host is the async {@link Backend.read}. The surface is deliberately small:
 * memory, GEMM, one fused cell kernel pair per direction of a layer, and the handful of elementwise,
 * reduction, loss and optimizer kernels that training needs.
 *
 * Conventions shared by every kernel:
 * - All matrices are dense and row-major. Sequences are **time-major**: `[T, B, features]`.
 * - Shape legend: B batch, T time, I input size, H hidden size, G gates (rnn 1, lstm 4, gru 3).
 * - Gradient outputs are **accumulated** (`+=`): callers zero them first. That lets the two
 *   directions of a bidirectional layer, and a shared embedding, add into one buffer.
 * - Kernels validate sizes and throw {@link ShapeError}; they never read out of bounds.
 */
import type { Capabilities } from './capabilities.js';
import type { CellKind } from './cells.js';

/** The Backend contract version this package defines. */
export const SPECIFICATION_VERSION = 1 as const;

/** Host arrays a backend accepts and returns. */
export type FloatArray = Float32Array | Float64Array;

/**
 * A handle to a device buffer. Opaque apart from these fields: backends attach their own
 * internals. A handle is invalid after `dispose` and refuses to be used.
 */
export interface Tensor {
  /** The `id` of the backend instance that owns the buffer. */
  readonly backendId: string;
  /** Logical shape (informational; kernels check `size`). */
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  /** True once disposed. */
  readonly disposed: boolean;
}

/** Memory statistics, used by leak tests. */
export interface MemoryInfo {
  /** Live (not disposed) tensors. */
  readonly liveTensors: number;
  /** Bytes held by live tensors. */
  readonly liveBytes: number;
}

/** `C = alpha·op(A)·op(B) + beta·C + bias`, with op(A) m×k, op(B) k×n, C m×n, all row-major. */
export interface GemmParams {
  readonly a: Tensor;
  readonly b: Tensor;
  readonly c: Tensor;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** A is stored k×m and used transposed. */
  readonly transA?: boolean;
  /** B is stored n×k and used transposed. */
  readonly transB?: boolean;
  /** Default 1. */
  readonly alpha?: number;
  /** Default 0 (C is overwritten). 1 accumulates. */
  readonly beta?: number;
  /** Length-n row vector added to every row of C. */
  readonly bias?: Tensor | null;
}

/** The weights of one direction of one recurrent layer, PyTorch layout (DESIGN.md §4). */
export interface CellWeights {
  /** `weight_ih_l{k}`: [G·H, I]. */
  readonly wIh: Tensor;
  /** `weight_hh_l{k}`: [G·H, H]. */
  readonly wHh: Tensor;
  /** `bias_ih_l{k}`: [G·H], or null for `bias=False`. */
  readonly bIh: Tensor | null;
  /** `bias_hh_l{k}`: [G·H], or null for `bias=False`. */
  readonly bHh: Tensor | null;
}

/** Sizes and layout shared by the forward and backward cell kernels. */
export interface CellShape {
  readonly cell: CellKind;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  /** Walk time from T−1 down to 0 (the `_reverse` direction of a bidirectional layer). */
  readonly reverse?: boolean;
  /**
   * Per-sequence lengths (B entries, each 0..T; 0 means the whole sequence is padding). Step t of sequence b is padding when
   * `t ≥ lengths[b]`: the state is carried unchanged, the output row is written as 0 and no
   * gradient flows through it. The same rule holds in both directions, so the reverse direction
   * of a padded sequence starts at its own last real step. Omit for full-length batches.
   */
  readonly lengths?: Int32Array | null;
  /** Row stride of `y`/`dy` (default H; 2H for bidirectional outputs). */
  readonly yStride?: number;
  /** Column offset of this direction inside each `y`/`dy` row (default 0; H for the reverse half). */
  readonly yOffset?: number;
}

/**
 * One direction of one layer over a whole sequence (T = 1 is a single fused step).
 *
 * rnn: `h' = act(W_ih x + b_ih + W_hh h + b_hh)`;
 * lstm: `i,f,o = σ(·)`, `g = tanh(·)`, `c' = f⊙c + i⊙g`, `h' = o⊙tanh(c')`;
 * gru: `r,z = σ(·)`, `n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))`, `h' = (1−z)⊙n + z⊙h`.
 */
export interface CellForwardParams extends CellShape, CellWeights {
  /** Input sequence, [T, B, I]. */
  readonly x: Tensor;
  /** Initial hidden state [B, H]; null means zeros. */
  readonly h0: Tensor | null;
  /** Initial cell state [B, H] (LSTM only); null means zeros. */
  readonly c0?: Tensor | null;
  /** Output sequence [T, B, yStride]; this direction writes columns [yOffset, yOffset + H). */
  readonly y: Tensor;
  /** Final hidden state [B, H] (written). For padded sequences, the state at each one's last real step. */
  readonly hN: Tensor;
  /** Final cell state [B, H] (LSTM only, written). */
  readonly cN?: Tensor | null;
  /** Keep what backward needs and return it as an opaque cache tensor. */
  readonly training?: boolean;
}

/** The gradients flowing into and out of {@link Backend.cellBackward}. Outputs accumulate (`+=`). */
export interface CellBackwardParams extends CellShape, CellWeights {
  /** The same input the forward saw, [T, B, I]. */
  readonly x: Tensor;
  /** The same initial states the forward saw. */
  readonly h0: Tensor | null;
  readonly c0?: Tensor | null;
  /** The cache `cellForward` returned with `training: true`. */
  readonly cache: Tensor;
  /** dL/dy [T, B, yStride] (columns [yOffset, yOffset+H) are read); null if y did not reach the loss. */
  readonly dy: Tensor | null;
  /** dL/dh_N [B, H]; null for zero. */
  readonly dhN?: Tensor | null;
  /** dL/dc_N [B, H] (LSTM); null for zero. */
  readonly dcN?: Tensor | null;
  /** += dL/dx [T, B, I]; null to skip. */
  readonly dx: Tensor | null;
  /** += dL/dW_ih [G·H, I]. */
  readonly dWih: Tensor;
  /** += dL/dW_hh [G·H, H]. */
  readonly dWhh: Tensor;
  /** += dL/db_ih [G·H]; null when the layer has no bias. */
  readonly dbIh: Tensor | null;
  /** += dL/db_hh [G·H]; null when the layer has no bias. */
  readonly dbHh: Tensor | null;
  /** += dL/dh_0 [B, H]; null to skip. */
  readonly dh0?: Tensor | null;
  /** += dL/dc_0 [B, H] (LSTM); null to skip. */
  readonly dc0?: Tensor | null;
}

/** Pointwise activations available as kernels. */
export type ActivationKind = 'identity' | 'tanh' | 'sigmoid' | 'relu';

/** `out = act(x)` elementwise over `x.size` elements. */
export interface ActivationParams {
  readonly op: ActivationKind;
  readonly x: Tensor;
  readonly out: Tensor;
}

/** `dx (+)= act'(·)⊙dy`, where the derivative is written in terms of the forward output `y`. */
export interface ActivationBackwardParams {
  readonly op: ActivationKind;
  /** The forward output act(x). */
  readonly y: Tensor;
  readonly dy: Tensor;
  /** Overwritten (not accumulated). */
  readonly dx: Tensor;
}

/** Strided 2-D copy: `dst[dstOffset + r·dstStride + j] (+)= src[srcOffset + r·srcStride + j]`. */
export interface CopyParams {
  readonly src: Tensor;
  readonly dst: Tensor;
  /** Rows to copy (default 1). */
  readonly rows?: number;
  /** Elements per row. */
  readonly cols: number;
  readonly srcOffset?: number;
  readonly dstOffset?: number;
  /** Default `cols`. */
  readonly srcStride?: number;
  /** Default `cols`. */
  readonly dstStride?: number;
  /** Add into dst instead of overwriting. */
  readonly accumulate?: boolean;
}

/** Loss functions with a fused gradient. */
export type LossKind = 'mse' | 'mae' | 'huber' | 'cross-entropy';

/**
 * Mean loss over N rows of C columns, and its gradient with respect to `pred`.
 *
 * - mse: mean of (p − t)²; mae: mean of |p − t|; huber (δ): mean of ½d² if |d| ≤ δ else δ(|d| − ½δ).
 *   Means are over the N·C elements, as PyTorch's `reduction='mean'`.
 * - cross-entropy: `pred` are logits [N, C], `target` holds class indices [N] (as floats);
 *   mean over rows of −log softmax(pred)[target]. The gradient is (softmax − onehot)/N.
 * - With `weights` [N], each row's loss is weighted and the mean is Σ wᵣ·ℓᵣ / Σ wᵣ·(C or 1);
 *   weight-0 rows (padding) contribute nothing.
 */
export interface LossParams {
  readonly kind: LossKind;
  readonly pred: Tensor;
  readonly target: Tensor;
  readonly n: number;
  readonly c: number;
  /** Huber's δ (default 1). */
  readonly delta?: number;
  /** Per-row weights [N] (e.g. a padding mask). */
  readonly weights?: Tensor | null;
  /** Receives the mean loss (1 element, overwritten). */
  readonly loss: Tensor;
  /** Receives dLoss/dpred [N, C] (overwritten); null to skip. */
  readonly grad: Tensor | null;
}

/** Optimizers with a fused update kernel (PyTorch semantics). */
export type OptimizerKind = 'sgd' | 'adam' | 'adamw' | 'rmsprop';

/**
 * One in-place optimizer update of `param` from `grad`, with PyTorch's exact semantics
 * (`torch.optim.SGD/Adam/AdamW/RMSprop`). `state` holds the per-parameter buffers, zero-initialised,
 * in the order given by {@link optimizerStateCount}.
 */
export interface OptimizerStepParams {
  readonly kind: OptimizerKind;
  readonly param: Tensor;
  readonly grad: Tensor;
  readonly state: readonly Tensor[];
  readonly lr: number;
  /** 1-based step count (Adam bias correction; SGD momentum initialisation). */
  readonly step: number;
  /** L2 penalty (sgd, adam, rmsprop) or decoupled decay (adamw). Default 0 (adamw: 0.01). */
  readonly weightDecay?: number;
  /** sgd/rmsprop momentum. Default 0. */
  readonly momentum?: number;
  /** sgd dampening. Default 0. */
  readonly dampening?: number;
  /** sgd Nesterov momentum. */
  readonly nesterov?: boolean;
  /** adam β1, default 0.9. */
  readonly beta1?: number;
  /** adam β2, default 0.999. */
  readonly beta2?: number;
  /** rmsprop smoothing α, default 0.99. */
  readonly alpha?: number;
  /** Default 1e-8. */
  readonly eps?: number;
}

/** Row gather for embeddings: `out[r, :] = table[indices[r], :]`. */
export interface GatherParams {
  readonly table: Tensor;
  /** N row indices, each in [0, rows of table). */
  readonly indices: Int32Array;
  readonly dim: number;
  /** [N, dim], overwritten. */
  readonly out: Tensor;
}

/** Backward of {@link GatherParams}: `dTable[indices[r], :] += grad[r, :]`. */
export interface ScatterAddParams {
  readonly grad: Tensor;
  readonly indices: Int32Array;
  readonly dim: number;
  readonly dTable: Tensor;
}

/** Row softmax with temperature: `out[r, :] = softmax(x[r, :] / temperature)`. */
export interface SoftmaxParams {
  readonly x: Tensor;
  readonly out: Tensor;
  readonly rows: number;
  readonly cols: number;
  /** Default 1. */
  readonly temperature?: number;
}

/**
 * A compute backend. Everything a model does goes through these methods.
 *
 * Kernels may run asynchronously (see `capabilities.async`); `read` and `sync` wait for them.
 */
export interface Backend {
  /** The contract version this backend implements. Must equal {@link SPECIFICATION_VERSION}. */
  readonly specificationVersion: typeof SPECIFICATION_VERSION;
  /** Registry name, e.g. `cpu`, `wasm`, `webgpu`. */
  readonly name: string;
  /** Unique per instance; tensors carry it so mixing backends is caught. */
  readonly id: string;
  /** What this backend can do. */
  readonly capabilities: Capabilities;

  // ---- memory -------------------------------------------------------------------------------
  /** A zero-filled tensor. */
  alloc(shape: readonly number[]): Tensor;
  /** A tensor holding `data` (length must equal the product of `shape`). */
  upload(data: ArrayLike<number>, shape: readonly number[]): Tensor;
  /** Overwrite `data.length` elements of `t` starting at `offset`. */
  write(t: Tensor, data: ArrayLike<number>, offset?: number): void;
  /** Copy a tensor back to the host. Waits for queued kernels. */
  read(t: Tensor): Promise<FloatArray>;
  /** Free a tensor. Disposing twice is a no-op. */
  dispose(t: Tensor): void;
  /** Live tensors and bytes. */
  memory(): MemoryInfo;
  /** Wait until every queued kernel has finished. */
  sync(): Promise<void>;
  /** Free everything this backend holds; the backend is unusable afterwards. */
  destroy(): void;

  // ---- linear algebra and data movement ------------------------------------------------------
  gemm(p: GemmParams): void;
  copy(p: CopyParams): void;
  /** `t[:] = value`. */
  fill(t: Tensor, value: number): void;
  /** `y += alpha·x` over `y.size` elements. */
  axpy(y: Tensor, x: Tensor, alpha: number): void;
  /** `x *= alpha`. */
  scale(x: Tensor, alpha: number): void;
  /** `out = a ⊙ b`. */
  mul(out: Tensor, a: Tensor, b: Tensor): void;
  /** Clamp every element into [−limit, limit]. */
  clipByValue(x: Tensor, limit: number): void;
  /** `out[0] = Σ x²` (overwritten). NaN/Inf in x propagate, which is how non-finite gradients are found. */
  sumSquares(x: Tensor, out: Tensor): void;
  /** `out[c] (+)= Σ_r x[r, c]` over a rows×cols matrix (bias gradients). */
  sumRows(x: Tensor, rows: number, cols: number, out: Tensor, accumulate?: boolean): void;

  // ---- pointwise -------------------------------------------------------------------------------
  activation(p: ActivationParams): void;
  activationBackward(p: ActivationBackwardParams): void;
  softmax(p: SoftmaxParams): void;

  // ---- recurrent cells --------------------------------------------------------------------------
  /** Run one direction of one layer over the sequence; returns the backward cache when `training`. */
  cellForward(p: CellForwardParams): Tensor | null;
  /** Backpropagation through time over the sequence `cellForward` ran. */
  cellBackward(p: CellBackwardParams): void;

  // ---- training --------------------------------------------------------------------------------
  loss(p: LossParams): void;
  optimizerStep(p: OptimizerStepParams): void;
  gather(p: GatherParams): void;
  scatterAdd(p: ScatterAddParams): void;
}

/** Number of state buffers (each the size of the parameter) an optimizer keeps per parameter. */
export function optimizerStateCount(kind: OptimizerKind, options: { momentum?: number } = {}): number {
  const momentum = options.momentum ?? 0;
  switch (kind) {
    case 'sgd':
      return momentum > 0 ? 1 : 0;
    case 'adam':
    case 'adamw':
      return 2;
    case 'rmsprop':
      return momentum > 0 ? 2 : 1;
  }
}
