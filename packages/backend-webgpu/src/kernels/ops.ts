/**
 * The non-recurrent kernels: argument checks (the same typed errors as the CPU reference), then
 * one PassBuilder per call, i.e. one command buffer and one submit.
 */
import {
  checkActivation,
  checkClipLimit,
  checkCopy,
  checkCopyExtent,
  checkFillValue,
  checkGather,
  checkGatherIndices,
  checkLoss,
  checkOptimizerState,
  checkOptimizerStep,
  checkScatterAdd,
  checkScatterAddIndices,
  checkSoftmax,
  checkSumRows,
  finiteNumber,
  type ActivationBackwardParams,
  type ActivationParams,
  type CopyParams,
  type GatherParams,
  type LossParams,
  type OptimizerStepParams,
  type ScatterAddParams,
  type SoftmaxParams,
  type Tensor,
} from '@recur/backend';
import type { GpuContext } from '../gpu-context.js';
import {
  ACTIVATION,
  ACTIVATION_BACKWARD,
  ACTIVATION_CODE,
  AXPY,
  CLIP,
  COPY,
  FILL,
  GATHER,
  MUL,
  SCALE,
  SCATTER_ADD,
  SOFTMAX,
  SUM_ROWS,
  SUM_SQUARES,
} from '../shaders/elementwise.js';
import { LOSS_CODE, LOSS_DENOM, LOSS_ROWS, LOSS_TOTAL, OPTIMIZER, OPTIMIZER_CODE } from '../shaders/training.js';

/** Checks a tensor argument (live, this backend's, optional size rules) and returns its buffer. */
export interface OpsContext {
  readonly gpu: GpuContext;
  live(t: Tensor, what: string, minSize?: number): GPUBuffer;
  exact(t: Tensor, what: string, size: number, shape?: readonly number[]): GPUBuffer;
}

function run(ctx: OpsContext, body: (pb: ReturnType<GpuContext['pass']>) => void): void {
  const pb = ctx.gpu.pass();
  body(pb);
  pb.submit();
}

/** Strided 2-D copy. */
export function copy(ctx: OpsContext, p: CopyParams): void {
  const resolved = checkCopy(p);
  const { rows, cols, srcOffset, dstOffset, srcStride, dstStride } = resolved;
  const src = ctx.live(p.src, 'copy.src');
  const dst = ctx.live(p.dst, 'copy.dst');
  if (!checkCopyExtent(p, resolved)) return;
  run(ctx, (pb) => pb.dispatchFlat(COPY, pb.slot('uuuuuuu', [rows * cols, cols, srcOffset, dstOffset, srcStride, dstStride, p.accumulate ? 1 : 0]), [src, dst], rows * cols));
}

/** t[:] = value. */
export function fill(ctx: OpsContext, t: Tensor, value: number): void {
  checkFillValue(value);
  const b = ctx.live(t, 'fill.t');
  run(ctx, (pb) => pb.dispatchFlat(FILL, pb.slot('uuf', [t.size, 0, value]), [b], t.size));
}

/** y += alpha·x. */
export function axpy(ctx: OpsContext, y: Tensor, x: Tensor, alpha: number): void {
  finiteNumber('axpy.alpha', alpha);
  const yb = ctx.live(y, 'axpy.y');
  const xb = ctx.exact(x, 'axpy.x', y.size, y.shape);
  run(ctx, (pb) => pb.dispatchFlat(AXPY, pb.slot('uf', [y.size, alpha]), [xb, yb], y.size));
}

/** x *= alpha. */
export function scale(ctx: OpsContext, x: Tensor, alpha: number): void {
  finiteNumber('scale.alpha', alpha);
  const xb = ctx.live(x, 'scale.x');
  run(ctx, (pb) => pb.dispatchFlat(SCALE, pb.slot('uf', [x.size, alpha]), [xb], x.size));
}

/** out = a ⊙ b. */
export function mul(ctx: OpsContext, out: Tensor, a: Tensor, b: Tensor): void {
  const ob = ctx.live(out, 'mul.out');
  const ab = ctx.exact(a, 'mul.a', out.size, out.shape);
  const bb = ctx.exact(b, 'mul.b', out.size, out.shape);
  run(ctx, (pb) => pb.dispatchFlat(MUL, pb.slot('u', [out.size]), [ab, bb, ob], out.size));
}

/** Clamp into [−limit, limit]. */
export function clipByValue(ctx: OpsContext, x: Tensor, limit: number): void {
  checkClipLimit(limit);
  const xb = ctx.live(x, 'clipByValue.x');
  run(ctx, (pb) => pb.dispatchFlat(CLIP, pb.slot('uf', [x.size, limit]), [xb], x.size));
}

/** out[0] = Σ x². */
export function sumSquares(ctx: OpsContext, x: Tensor, out: Tensor): void {
  const xb = ctx.live(x, 'sumSquares.x');
  const ob = ctx.live(out, 'sumSquares.out', 1);
  run(ctx, (pb) => pb.dispatch(SUM_SQUARES, pb.slot('u', [x.size]), [xb, ob], 1));
}

/** out[c] (+)= Σ_r x[r, c]. */
export function sumRows(ctx: OpsContext, x: Tensor, rows: number, cols: number, out: Tensor, accumulate = false): void {
  checkSumRows(rows, cols);
  const xb = ctx.exact(x, 'sumRows.x', rows * cols, [rows, cols]);
  const ob = ctx.exact(out, 'sumRows.out', cols, [cols]);
  run(ctx, (pb) => pb.dispatchFlat(SUM_ROWS, pb.slot('uuuu', [cols, rows, 0, accumulate ? 1 : 0]), [xb, ob], cols));
}

function activationCode(op: string, where: string): number {
  return ACTIVATION_CODE[checkActivation(op, where)];
}

/** out = act(x). */
export function activation(ctx: OpsContext, p: ActivationParams): void {
  const op = activationCode(p.op, 'activation.op');
  const xb = ctx.live(p.x, 'activation.x');
  const ob = ctx.exact(p.out, 'activation.out', p.x.size, p.x.shape);
  run(ctx, (pb) => pb.dispatchFlat(ACTIVATION, pb.slot('uu', [p.x.size, op]), [xb, ob], p.x.size));
}

/** dx = act'(y)⊙dy. */
export function activationBackward(ctx: OpsContext, p: ActivationBackwardParams): void {
  const op = activationCode(p.op, 'activationBackward.op');
  const yb = ctx.live(p.y, 'activationBackward.y');
  const n = p.y.size;
  const dyb = ctx.exact(p.dy, 'activationBackward.dy', n, p.y.shape);
  const dxb = ctx.exact(p.dx, 'activationBackward.dx', n, p.y.shape);
  run(ctx, (pb) => pb.dispatchFlat(ACTIVATION_BACKWARD, pb.slot('uu', [n, op]), [yb, dyb, dxb], n));
}

/** Row softmax with temperature. */
export function softmax(ctx: OpsContext, p: SoftmaxParams): void {
  const { rows, cols, temperature } = checkSoftmax(p);
  const xb = ctx.exact(p.x, 'softmax.x', rows * cols, [rows, cols]);
  const ob = ctx.exact(p.out, 'softmax.out', rows * cols, [rows, cols]);
  if (cols === 0) return;
  run(ctx, (pb) => pb.dispatchFlat(SOFTMAX, pb.slot('uuf', [rows, cols, 1 / temperature]), [xb, ob], rows));
}

/** out[r, :] = table[indices[r], :]. */
export function gather(ctx: OpsContext, p: GatherParams): void {
  checkGather(p);
  const tb = ctx.live(p.table, 'gather.table');
  const n = checkGatherIndices(p);
  const ob = ctx.exact(p.out, 'gather.out', n * p.dim, [n, p.dim]);
  if (n === 0) return;
  run(ctx, (pb) => pb.dispatchFlat(GATHER, pb.slot('uu', [n * p.dim, p.dim]), [tb, pb.tempWith(p.indices), ob], n * p.dim));
}

/** dTable[indices[r], :] += grad[r, :]. */
export function scatterAdd(ctx: OpsContext, p: ScatterAddParams): void {
  checkScatterAdd(p);
  const tb = ctx.live(p.dTable, 'scatterAdd.dTable');
  const n = checkScatterAddIndices(p);
  const gb = ctx.exact(p.grad, 'scatterAdd.grad', n * p.dim, [n, p.dim]);
  if (n === 0) return;
  run(ctx, (pb) => pb.dispatchFlat(SCATTER_ADD, pb.slot('uu', [p.dim, n]), [gb, pb.tempWith(p.indices), tb], p.dim));
}

/** Mean loss and its gradient. */
export function loss(ctx: OpsContext, p: LossParams): void {
  const { kind, n, c, delta, ce } = checkLoss(p);
  const code = LOSS_CODE[kind];
  const pred = ctx.exact(p.pred, 'loss.pred', n * c, [n, c]);
  const target = ctx.exact(p.target, 'loss.target', ce ? n : n * c, ce ? [n] : [n, c]);
  const weights = p.weights ? ctx.exact(p.weights, 'loss.weights', n, [n]) : null;
  const out = ctx.live(p.loss, 'loss.loss', 1);
  const grad = p.grad ? ctx.exact(p.grad, 'loss.grad', n * c, [n, c]) : null;
  run(ctx, (pb) => {
    const scal = pb.temp(4);
    const rowLoss = pb.temp(n * 4);
    const w = weights ?? ctx.gpu.dummyRead;
    pb.dispatch(LOSS_DENOM, pb.slot('uuu', [n, weights ? 1 : 0, ce ? 1 : c]), [w, scal], 1);
    pb.dispatchFlat(LOSS_ROWS, pb.slot('uuuuuff', [n, c, code, weights ? 1 : 0, grad ? 1 : 0, delta, NaN]), [pred, target, w, scal, rowLoss, grad ?? ctx.gpu.dummyWrite[0]!], n);
    pb.dispatch(LOSS_TOTAL, pb.slot('u', [n]), [rowLoss, scal, out], 1);
  });
}

/** One fused optimizer update. */
export function optimizerStep(ctx: OpsContext, p: OptimizerStepParams): void {
  const hp = checkOptimizerStep(p);
  const { kind, lr, step, weightDecay: wd, momentum, dampening, beta1, beta2, alpha, eps } = hp;
  const code = OPTIMIZER_CODE[kind];
  const param = ctx.live(p.param, 'optimizerStep.param');
  const n = p.param.size;
  const grad = ctx.exact(p.grad, 'optimizerStep.grad', n, p.param.shape);
  const want = checkOptimizerState(p, hp);
  const state = p.state.map((s, i) => ctx.exact(s, `optimizerStep.state[${i}]`, n, p.param.shape));
  const hasBuf = (kind === 'sgd' && want === 1) || (kind === 'rmsprop' && want === 2);
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  run(ctx, (pb) =>
    pb.dispatchFlat(
      OPTIMIZER,
      pb.slot('uuffffuffffuffu', [n, code, lr, wd, momentum, dampening, p.nesterov ? 1 : 0, beta1, beta2, alpha, eps, step === 1 ? 1 : 0, kind === 'adam' || kind === 'adamw' ? stepSize : 0, kind === 'adam' || kind === 'adamw' ? bc2Sqrt : 1, hasBuf ? 1 : 0]),
      [param, grad, state[0] ?? ctx.gpu.dummyWrite[0]!, state[1] ?? ctx.gpu.dummyWrite[1]!],
      n,
    ),
  );
}
