/**
 * Argument checks every backend runs before a kernel, so that all backends reject bad input
 * with the same typed errors (and none reads out of bounds).
 */
import { GATE_COUNT, hasCellState } from './cells.js';
import { BackendMismatchError, DisposedTensorError, InvalidArgumentError, ShapeError } from './errors.js';
import { optimizerStateCount } from './spec.js';
import type {
  ActivationKind,
  Backend,
  CellBackwardParams,
  CellForwardParams,
  CellShape,
  CopyParams,
  GatherParams,
  GemmParams,
  LossKind,
  LossParams,
  OptimizerKind,
  OptimizerStepParams,
  ScatterAddParams,
  SoftmaxParams,
  Tensor,
} from './spec.js';

/** Product of a shape's dimensions, after checking each is a non-negative integer. */
export function shapeSize(shape: readonly number[], what = 'shape'): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(what, 'non-negative integer dimensions', shape);
    }
    size *= d;
  }
  return size;
}

/** A positive integer size argument. */
export function checkDim(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(name, `must be a positive integer, got ${String(value)}.`);
  }
}

/** `t` is live, belongs to `backend`, and (when given) holds at least `minSize` elements. */
export function checkTensor(backend: Pick<Backend, 'id' | 'name'>, t: Tensor, what: string, minSize?: number): void {
  if (t === null || t === undefined || typeof t !== 'object') {
    throw new InvalidArgumentError(what, 'expected a tensor handle.');
  }
  if (t.disposed) throw new DisposedTensorError(what);
  if (t.backendId !== backend.id) throw new BackendMismatchError(what, t.backendId, backend.name);
  if (minSize !== undefined && t.size < minSize) {
    throw new ShapeError(what, `at least ${minSize} elements`, `${t.size} elements`);
  }
}

/** Like {@link checkTensor} but requires an exact element count. */
export function checkExact(backend: Pick<Backend, 'id' | 'name'>, t: Tensor, what: string, size: number, shape?: readonly number[]): void {
  checkTensor(backend, t, what);
  if (t.size !== size) throw new ShapeError(what, shape ?? `${size} elements`, t.shape);
}

/** Validate a GEMM call; returns the resolved scalars. */
export function checkGemm(backend: Pick<Backend, 'id' | 'name'>, p: GemmParams): { alpha: number; beta: number } {
  checkDim('gemm.m', p.m);
  checkDim('gemm.n', p.n);
  checkDim('gemm.k', p.k);
  checkExact(backend, p.a, 'gemm.a', p.m * p.k, p.transA ? [p.k, p.m] : [p.m, p.k]);
  checkExact(backend, p.b, 'gemm.b', p.k * p.n, p.transB ? [p.n, p.k] : [p.k, p.n]);
  checkExact(backend, p.c, 'gemm.c', p.m * p.n, [p.m, p.n]);
  if (p.bias) checkExact(backend, p.bias, 'gemm.bias', p.n, [p.n]);
  return { alpha: p.alpha ?? 1, beta: p.beta ?? 0 };
}

/** Resolved layout of a cell call. */
export interface ResolvedCellShape {
  readonly G: number;
  readonly yStride: number;
  readonly yOffset: number;
  readonly reverse: boolean;
  readonly lengths: Int32Array | null;
}

/**
 * The defaults of a cell call, without checking anything: for a kernel that runs behind the shared
 * checks (`checked` / `defineBackend`), which have already run {@link checkCellForward} or
 * {@link checkCellBackward} on the same call. A hot path (streaming, one call per step) then
 * validates once, not twice.
 */
export function resolveCellShape(p: CellShape): ResolvedCellShape {
  return {
    G: GATE_COUNT[p.cell],
    yStride: p.yStride ?? p.H,
    yOffset: p.yOffset ?? 0,
    reverse: p.reverse === true,
    lengths: p.lengths ?? null,
  };
}

function checkCellShape(backend: Pick<Backend, 'id' | 'name'>, p: CellShape, weights: { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null }): ResolvedCellShape {
  checkDim('cell.T', p.T);
  checkDim('cell.B', p.B);
  checkDim('cell.I', p.I);
  checkDim('cell.H', p.H);
  const G = GATE_COUNT[p.cell];
  if (G === undefined) throw new InvalidArgumentError('cell', `unknown cell kind "${String(p.cell)}"; use rnn-tanh, rnn-relu, lstm or gru.`);
  const yStride = p.yStride ?? p.H;
  const yOffset = p.yOffset ?? 0;
  if (!Number.isInteger(yStride) || !Number.isInteger(yOffset) || yOffset < 0 || yOffset + p.H > yStride) {
    throw new InvalidArgumentError('cell.yOffset', `columns [${yOffset}, ${yOffset + p.H}) do not fit in rows of stride ${yStride}.`);
  }
  checkExact(backend, weights.wIh, 'weight_ih', G * p.H * p.I, [G * p.H, p.I]);
  checkExact(backend, weights.wHh, 'weight_hh', G * p.H * p.H, [G * p.H, p.H]);
  if (weights.bIh) checkExact(backend, weights.bIh, 'bias_ih', G * p.H, [G * p.H]);
  if (weights.bHh) checkExact(backend, weights.bHh, 'bias_hh', G * p.H, [G * p.H]);
  let lengths: Int32Array | null = null;
  if (p.lengths) {
    if (p.lengths.length !== p.B) throw new ShapeError('lengths', [p.B], [p.lengths.length]);
    for (let b = 0; b < p.B; b++) {
      const len = p.lengths[b] as number;
      if (!Number.isInteger(len) || len < 0 || len > p.T) {
        throw new InvalidArgumentError('lengths', `lengths[${b}] = ${len} is outside [0, T=${p.T}].`);
      }
    }
    lengths = p.lengths;
  }
  return { G, yStride, yOffset, reverse: p.reverse === true, lengths };
}

/** Validate a `cellForward` call. */
export function checkCellForward(backend: Pick<Backend, 'id' | 'name'>, p: CellForwardParams): ResolvedCellShape {
  const r = checkCellShape(backend, p, p);
  const { T, B, I, H } = p;
  checkExact(backend, p.x, 'x', T * B * I, [T, B, I]);
  checkExact(backend, p.y, 'y', T * B * r.yStride, [T, B, r.yStride]);
  checkExact(backend, p.hN, 'hN', B * H, [B, H]);
  if (p.h0) checkExact(backend, p.h0, 'h0', B * H, [B, H]);
  if (hasCellState(p.cell)) {
    if (!p.cN) throw new InvalidArgumentError('cN', 'an LSTM needs a cN tensor [B, H] for its final cell state.');
    checkExact(backend, p.cN, 'cN', B * H, [B, H]);
    if (p.c0) checkExact(backend, p.c0, 'c0', B * H, [B, H]);
  }
  return r;
}

/** Validate a `cellBackward` call. */
export function checkCellBackward(backend: Pick<Backend, 'id' | 'name'>, p: CellBackwardParams): ResolvedCellShape {
  const r = checkCellShape(backend, p, p);
  const { T, B, I, H, G } = { ...p, G: r.G };
  checkExact(backend, p.x, 'x', T * B * I, [T, B, I]);
  checkTensor(backend, p.cache, 'cache');
  if (p.h0) checkExact(backend, p.h0, 'h0', B * H, [B, H]);
  if (p.dy) checkExact(backend, p.dy, 'dy', T * B * r.yStride, [T, B, r.yStride]);
  if (p.dhN) checkExact(backend, p.dhN, 'dhN', B * H, [B, H]);
  if (p.dx) checkExact(backend, p.dx, 'dx', T * B * I, [T, B, I]);
  checkExact(backend, p.dWih, 'dWih', G * H * I, [G * H, I]);
  checkExact(backend, p.dWhh, 'dWhh', G * H * H, [G * H, H]);
  if (p.dbIh) checkExact(backend, p.dbIh, 'dbIh', G * H, [G * H]);
  if (p.dbHh) checkExact(backend, p.dbHh, 'dbHh', G * H, [G * H]);
  if (p.dh0) checkExact(backend, p.dh0, 'dh0', B * H, [B, H]);
  if (hasCellState(p.cell)) {
    if (p.c0) checkExact(backend, p.c0, 'c0', B * H, [B, H]);
    if (p.dcN) checkExact(backend, p.dcN, 'dcN', B * H, [B, H]);
    if (p.dc0) checkExact(backend, p.dc0, 'dc0', B * H, [B, H]);
  }
  return r;
}

/** Whether step `t` of sequence `b` is real (not padding) under optional `lengths`. */
export function isActiveStep(lengths: Int32Array | null, b: number, t: number): boolean {
  return lengths === null || t < (lengths[b] as number);
}

// ---------------------------------------------------------------------------------------------
// Non-cell kernels. These checks validate and resolve the scalar arguments of a call (defaults
// applied) and throw the same typed errors on every backend. Tensor arguments are still fetched
// through each backend's own checked accessor (which runs `checkTensor`/`checkExact`), in the
// order the kernels document, so the first error a caller sees is the same everywhere.
// ---------------------------------------------------------------------------------------------

/** A non-negative integer argument (a count, offset or stride that may be 0). */
export function nonNegativeInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(name, `must be a non-negative integer, got ${String(v)}.`);
}

/** A finite number argument (no NaN, no ±Infinity). */
export function finiteNumber(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(name, `must be a finite number, got ${String(v)}.`);
}

/** The value of `fill`: any number (NaN and ±Infinity included). */
export function checkFillValue(value: number): void {
  if (typeof value !== 'number') throw new InvalidArgumentError('fill.value', `must be a number, got ${typeof value}.`);
}

/** The limit of `clipByValue`: a number ≥ 0 (Infinity allowed, NaN rejected). */
export function checkClipLimit(limit: number): void {
  if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0) {
    throw new InvalidArgumentError('clipByValue.limit', `must be a non-negative number, got ${String(limit)}.`);
  }
}

/** The `rows`/`cols` of `sumRows`. */
export function checkSumRows(rows: number, cols: number): void {
  nonNegativeInt('sumRows.rows', rows);
  nonNegativeInt('sumRows.cols', cols);
}

/** A {@link CopyParams} with its defaults applied. */
export interface ResolvedCopy {
  readonly rows: number;
  readonly cols: number;
  readonly srcOffset: number;
  readonly dstOffset: number;
  readonly srcStride: number;
  readonly dstStride: number;
  /** Whether the copy moves nothing (rows or cols is 0). */
  readonly empty: boolean;
  /** One past the last source element read: srcOffset + (rows − 1)·srcStride + cols. */
  readonly srcEnd: number;
  /** One past the last destination element written: dstOffset + (rows − 1)·dstStride + cols. */
  readonly dstEnd: number;
}

/**
 * Resolve and check the scalars of a strided `copy` (rows default 1, offsets 0, strides `cols`).
 * Call before fetching `src`/`dst`, then {@link checkCopyExtent} once they are known to be live.
 */
export function checkCopy(p: CopyParams): ResolvedCopy {
  const rows = p.rows ?? 1;
  const cols = p.cols;
  const srcOffset = p.srcOffset ?? 0;
  const dstOffset = p.dstOffset ?? 0;
  const srcStride = p.srcStride ?? cols;
  const dstStride = p.dstStride ?? cols;
  nonNegativeInt('copy.rows', rows);
  nonNegativeInt('copy.cols', cols);
  nonNegativeInt('copy.srcOffset', srcOffset);
  nonNegativeInt('copy.dstOffset', dstOffset);
  nonNegativeInt('copy.srcStride', srcStride);
  nonNegativeInt('copy.dstStride', dstStride);
  const empty = rows === 0 || cols === 0;
  const srcEnd = empty ? srcOffset : srcOffset + (rows - 1) * srcStride + cols;
  const dstEnd = empty ? dstOffset : dstOffset + (rows - 1) * dstStride + cols;
  return { rows, cols, srcOffset, dstOffset, srcStride, dstStride, empty, srcEnd, dstEnd };
}

/**
 * Bounds of a resolved copy against the (live) `src` and `dst` sizes: throws ShapeError when a
 * row would fall outside either tensor. Returns false when there is nothing to copy.
 */
export function checkCopyExtent(p: CopyParams, r: ResolvedCopy): boolean {
  if (r.empty) return false;
  if (r.srcEnd > p.src.size) {
    throw new ShapeError('copy.src', `at least ${r.srcEnd} elements (offset ${r.srcOffset}, ${r.rows} rows of ${r.cols}, stride ${r.srcStride})`, `${p.src.size} elements`);
  }
  if (r.dstEnd > p.dst.size) {
    throw new ShapeError('copy.dst', `at least ${r.dstEnd} elements (offset ${r.dstOffset}, ${r.rows} rows of ${r.cols}, stride ${r.dstStride})`, `${p.dst.size} elements`);
  }
  return true;
}

/** The activation kinds a kernel accepts. */
const ACTIVATION_KINDS: readonly string[] = ['identity', 'tanh', 'sigmoid', 'relu'];

/** `op` is a known {@link ActivationKind}; `where` names the argument (e.g. `activation.op`). */
export function checkActivation(op: string, where: string): ActivationKind {
  if (!ACTIVATION_KINDS.includes(op)) {
    throw new InvalidArgumentError(where, `unknown activation "${String(op)}"; use identity, tanh, sigmoid or relu.`);
  }
  return op as ActivationKind;
}

/** Resolve and check the scalars of a `softmax` call (temperature default 1, finite and > 0). */
export function checkSoftmax(p: SoftmaxParams): { rows: number; cols: number; temperature: number } {
  const { rows, cols } = p;
  const temperature = p.temperature ?? 1;
  nonNegativeInt('softmax.rows', rows);
  nonNegativeInt('softmax.cols', cols);
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError('softmax.temperature', `must be a finite number > 0, got ${String(temperature)}.`);
  }
  return { rows, cols, temperature };
}

/**
 * Rows of an embedding table of `dim` columns (its size must be a multiple of `dim`);
 * `where` names the table argument (e.g. `gather.table`).
 */
export function checkTableRows(where: string, table: Tensor, dim: number): number {
  if (table.size % dim !== 0) throw new ShapeError(where, `a multiple of dim=${dim} elements`, `${table.size} elements`);
  return table.size / dim;
}

/** `indices` is an Int32Array whose entries all lie in [0, tableRows); `where` is the op name. */
export function checkIndices(where: string, indices: Int32Array, tableRows: number): void {
  if (!(indices instanceof Int32Array)) throw new InvalidArgumentError(`${where}.indices`, 'must be an Int32Array.');
  for (let r = 0; r < indices.length; r++) {
    const ix = indices[r] as number;
    if (ix < 0 || ix >= tableRows) {
      throw new InvalidArgumentError(`${where}.indices`, `indices[${r}] = ${ix} is outside [0, ${tableRows}) (the table has ${tableRows} rows).`);
    }
  }
}

/** The `dim` of a `gather` call (a positive integer). Check before fetching the table. */
export function checkGather(p: GatherParams): void {
  checkDim('gather.dim', p.dim);
}

/** The indices of a `gather` call against its (live) table; returns the number of rows gathered. */
export function checkGatherIndices(p: GatherParams): number {
  checkIndices('gather', p.indices, checkTableRows('gather.table', p.table, p.dim));
  return p.indices.length;
}

/** The `dim` of a `scatterAdd` call (a positive integer). Check before fetching `dTable`. */
export function checkScatterAdd(p: ScatterAddParams): void {
  checkDim('scatterAdd.dim', p.dim);
}

/** The indices of a `scatterAdd` call against its (live) `dTable`; returns the number of rows scattered. */
export function checkScatterAddIndices(p: ScatterAddParams): number {
  checkIndices('scatterAdd', p.indices, checkTableRows('scatterAdd.dTable', p.dTable, p.dim));
  return p.indices.length;
}

/** A {@link LossParams} with its scalars checked and defaults applied. */
export interface ResolvedLoss {
  readonly kind: LossKind;
  readonly n: number;
  readonly c: number;
  /** Huber's δ (default 1; checked only for huber). */
  readonly delta: number;
  /** Whether the loss is cross-entropy (target holds N class indices instead of [N, C] values). */
  readonly ce: boolean;
}

const LOSS_KINDS: readonly string[] = ['mse', 'mae', 'huber', 'cross-entropy'];

/** Check the kind, N, C and Huber δ of a `loss` call. Check before fetching its tensors. */
export function checkLoss(p: LossParams): ResolvedLoss {
  const { kind, n, c } = p;
  if (!LOSS_KINDS.includes(kind)) {
    throw new InvalidArgumentError('loss.kind', `unknown loss "${String(kind)}"; use mse, mae, huber or cross-entropy.`);
  }
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('loss.n', `must be a positive integer, got ${String(n)}.`);
  if (!Number.isInteger(c) || c < 1) throw new InvalidArgumentError('loss.c', `must be a positive integer, got ${String(c)}.`);
  const delta = p.delta ?? 1;
  if (kind === 'huber' && !(delta > 0 && Number.isFinite(delta))) {
    throw new InvalidArgumentError('loss.delta', `Huber's delta must be a finite number > 0, got ${String(delta)}.`);
  }
  return { kind, n, c, delta, ce: kind === 'cross-entropy' };
}

/** An {@link OptimizerStepParams} with its hyper-parameters checked and PyTorch's defaults applied. */
export interface ResolvedOptimizerStep {
  readonly kind: OptimizerKind;
  readonly lr: number;
  /** 1-based step count. */
  readonly step: number;
  /** Weight decay (default 0.01 for adamw, 0 otherwise). */
  readonly weightDecay: number;
  /** Momentum (default 0). */
  readonly momentum: number;
  /** SGD dampening (default 0). */
  readonly dampening: number;
  /** Adam β1 (default 0.9). */
  readonly beta1: number;
  /** Adam β2 (default 0.999). */
  readonly beta2: number;
  /** RMSprop smoothing α (default 0.99). */
  readonly alpha: number;
  /** ε (default 1e-8). */
  readonly eps: number;
  readonly nesterov: boolean;
}

const OPTIMIZER_KINDS: readonly string[] = ['sgd', 'adam', 'adamw', 'rmsprop'];

function hyper(name: string, v: number, min: number, max = Infinity): void {
  if (typeof v !== 'number' || !(v >= min && v <= max) || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`optimizerStep.${name}`, `must be a finite number in [${min}, ${max}], got ${String(v)}.`);
  }
}

/**
 * Check the kind, step and hyper-parameters of an `optimizerStep` call and apply PyTorch's
 * defaults (torch.optim SGD / Adam / AdamW / RMSprop). Check before fetching its tensors, then
 * {@link checkOptimizerState} once `param` and `grad` are fetched.
 */
export function checkOptimizerStep(p: OptimizerStepParams): ResolvedOptimizerStep {
  const { kind, lr, step } = p;
  if (!OPTIMIZER_KINDS.includes(kind)) {
    throw new InvalidArgumentError('optimizerStep.kind', `unknown optimizer "${String(kind)}"; use sgd, adam, adamw or rmsprop.`);
  }
  hyper('lr', lr, 0);
  if (!Number.isInteger(step) || step < 1) throw new InvalidArgumentError('optimizerStep.step', `must be a 1-based integer step count, got ${String(step)}.`);
  const weightDecay = p.weightDecay ?? (kind === 'adamw' ? 0.01 : 0);
  const momentum = p.momentum ?? 0;
  const dampening = p.dampening ?? 0;
  const beta1 = p.beta1 ?? 0.9;
  const beta2 = p.beta2 ?? 0.999;
  const alpha = p.alpha ?? 0.99;
  const eps = p.eps ?? 1e-8;
  hyper('weightDecay', weightDecay, 0);
  hyper('momentum', momentum, 0);
  hyper('dampening', dampening, 0, 1);
  hyper('beta1', beta1, 0, 1);
  hyper('beta2', beta2, 0, 1);
  hyper('alpha', alpha, 0, 1);
  hyper('eps', eps, 0);
  if (p.nesterov && (kind !== 'sgd' || momentum <= 0 || dampening !== 0)) {
    throw new InvalidArgumentError('optimizerStep.nesterov', 'Nesterov momentum needs sgd with momentum > 0 and dampening 0 (as in PyTorch).');
  }
  return { kind, lr, step, weightDecay, momentum, dampening, beta1, beta2, alpha, eps, nesterov: p.nesterov === true };
}

/** `state` holds the number of tensors {@link optimizerStateCount} says; returns that number. */
export function checkOptimizerState(p: OptimizerStepParams, r: ResolvedOptimizerStep): number {
  const { kind, momentum } = r;
  const want = optimizerStateCount(kind, { momentum });
  if (!Array.isArray(p.state) || p.state.length !== want) {
    throw new InvalidArgumentError(
      'optimizerStep.state',
      `${kind}${kind === 'sgd' || kind === 'rmsprop' ? ` with momentum ${momentum}` : ''} keeps ${want} state tensor(s) per parameter (optimizerStateCount), got ${Array.isArray(p.state) ? p.state.length : 'none'}.`,
    );
  }
  return want;
}

/**
 * What a backend records on the training cache its `cellForward` returns, so `cellBackward` can
 * check it was given the cache of the same shape, direction and padding.
 */
export interface CellCacheMeta {
  readonly cell: string;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly reverse: boolean;
  /** A copy of the forward's `lengths` (null for full length). */
  readonly lengths: Int32Array | null;
}

/** The {@link CellCacheMeta} of a `cellForward` call (its lengths copied). */
export function cellCacheMeta(p: CellShape, r: ResolvedCellShape): CellCacheMeta {
  return { cell: p.cell, T: p.T, B: p.B, I: p.I, H: p.H, reverse: r.reverse, lengths: r.lengths ? r.lengths.slice() : null };
}

/**
 * Check that `meta` (read from the cache handle a backend was given; null when it is not one of
 * its caches) matches a `cellBackward` call: the same cell, shape, direction and lengths.
 */
export function checkCellCache(meta: CellCacheMeta | null, p: CellShape, r: ResolvedCellShape): void {
  if (meta === null) {
    throw new InvalidArgumentError('cache', 'is not a cache returned by cellForward({ training: true }) on this backend.');
  }
  const { cell, T, B, I, H } = p;
  if (meta.cell !== cell || meta.T !== T || meta.B !== B || meta.I !== I || meta.H !== H || meta.reverse !== r.reverse) {
    throw new ShapeError(
      'cache',
      `a ${cell} cache for T=${T}, B=${B}, I=${I}, H=${H}${r.reverse ? ', reverse' : ''}`,
      `a ${meta.cell} cache for T=${meta.T}, B=${meta.B}, I=${meta.I}, H=${meta.H}${meta.reverse ? ', reverse' : ''}`,
      'Pass the cache from the cellForward call with the same shape and direction.',
    );
  }
  // Same padding pattern (null means every sequence has length T).
  const a = meta.lengths;
  const b = r.lengths;
  const n = a?.length ?? b?.length ?? 0;
  for (let i = 0; i < n; i++) {
    if ((a ? (a[i] as number) : T) !== (b ? (b[i] as number) : T)) {
      throw new InvalidArgumentError('lengths', 'differ from the lengths the forward pass (that made this cache) used. Pass the same lengths to cellBackward.');
    }
  }
}
