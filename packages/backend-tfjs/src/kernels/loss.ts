/**
 * Mean losses with their gradient in one call (spec.ts `LossParams`), from tfjs ops.
 *
 * Shape legend: N rows, C columns. d = pred − target.
 * - mse: ℓ = d², ∂ℓ = 2d;  mae: ℓ = |d|, ∂ℓ = sign(d);
 *   huber(δ): ℓ = ½d² if |d| ≤ δ else δ(|d| − ½δ), ∂ℓ = d if |d| ≤ δ else δ·sign(d).
 *   loss = Σ wᵣ Σ_c ℓ / (Σ wᵣ · C), grad = wᵣ ∂ℓ / (Σ wᵣ · C)  (wᵣ = 1 without weights).
 * - cross-entropy: ℓᵣ = logsumexp(predᵣ) − predᵣ[targetᵣ];
 *   loss = Σ wᵣ ℓᵣ / Σ wᵣ, grad = wᵣ (softmax(predᵣ) − onehot(targetᵣ)) / Σ wᵣ.
 * Rows of weight 0 (padding) contribute nothing, even when they hold NaN; when every weight is 0
 * the loss and gradient are 0 (as the CPU reference does), not 0/0.
 */
import {
  checkDim,
  checkExact,
  checkTensor,
  InvalidArgumentError,
  type LossKind,
  type LossParams,
} from '@recur/backend';
import { tidy, type TfjsContext } from '../context.js';
import { valueOf } from '../handle-store.js';
import type { TfTensor } from '../tf-types.js';
import { spliceFlat } from './write-range.js';

const LOSSES: readonly LossKind[] = ['mse', 'mae', 'huber', 'cross-entropy'];

/**
 * Host-side check that every class index of a row with non-zero weight is an integer in [0, C)
 * (on engines that can read synchronously; WebGPU cannot, and there a bad index gives a zero
 * one-hot row).
 */
function checkClassIndices(ctx: TfjsContext, p: LossParams): void {
  if (!ctx.syncReads) return;
  const values = valueOf(p.target, 'loss.target').dataSync();
  const weights = p.weights ? valueOf(p.weights, 'loss.weights').dataSync() : null;
  for (let r = 0; r < values.length; r++) {
    if (weights && weights[r] === 0) continue;
    const v = values[r] as number;
    if (!Number.isInteger(v) || v < 0 || v >= p.c) {
      throw new InvalidArgumentError(
        'loss.target',
        `cross-entropy needs class indices in [0, ${p.c}); row ${r} holds ${v}.`,
      );
    }
  }
}

/** Compute `loss[0]` (overwritten) and, unless `grad` is null, `grad` = dLoss/dpred (overwritten). */
export function loss(ctx: TfjsContext, p: LossParams): void {
  if (!(LOSSES as readonly unknown[]).includes(p.kind)) {
    throw new InvalidArgumentError('loss.kind', `unknown loss "${String(p.kind)}"; use ${LOSSES.join(', ')}.`);
  }
  checkDim('loss.n', p.n);
  checkDim('loss.c', p.c);
  const { n, c, kind } = p;
  const delta = p.delta ?? 1;
  if (kind === 'huber' && !(typeof delta === 'number' && delta > 0 && Number.isFinite(delta))) {
    throw new InvalidArgumentError('loss.delta', `Huber's delta must be a positive finite number, got ${String(delta)}.`);
  }
  const ce = kind === 'cross-entropy';
  checkExact(ctx.backend, p.pred, 'loss.pred', n * c, [n, c]);
  checkExact(ctx.backend, p.target, 'loss.target', ce ? n : n * c, ce ? [n] : [n, c]);
  if (p.weights) checkExact(ctx.backend, p.weights, 'loss.weights', n, [n]);
  checkTensor(ctx.backend, p.loss, 'loss.loss', 1);
  if (p.grad) checkExact(ctx.backend, p.grad, 'loss.grad', n * c, [n, c]);
  if (ce) checkClassIndices(ctx, p);

  const { tf, store } = ctx;
  const out = tidy(ctx.tf, () => {
    const pred = tf.reshape(valueOf(p.pred, 'loss.pred'), [n, c]);
    const w = p.weights ? tf.reshape(valueOf(p.weights, 'loss.weights'), [n, 1]) : null;
    // inv = 1 / (Σ wᵣ · (C, or 1 for cross-entropy)), or 0 when every weight is 0
    const perRow = ce ? 1 : c;
    let inv: TfTensor | number = 1 / (n * perRow);
    if (w) {
      const denom = tf.mul(tf.sum(w), perRow);
      inv = tf.where(tf.notEqual(denom, 0), tf.div(1, denom), tf.zerosLike(denom));
    }
    let elem: TfTensor; // ℓ, [N, C] or [N, 1]
    let dElem: TfTensor | null = null; // ∂ℓ/∂pred, [N, C]
    if (ce) {
      const onehot = tf.cast(tf.oneHot(tf.cast(tf.reshape(valueOf(p.target, 'loss.target'), [n]), 'int32'), c), 'float32');
      const lse = tf.logSumExp(pred, 1, true); // [N, 1]
      elem = tf.sub(lse, tf.sum(tf.mul(pred, onehot), 1, true));
      if (p.grad) dElem = tf.sub(tf.softmax(pred), onehot);
    } else {
      const d = tf.sub(pred, tf.reshape(valueOf(p.target, 'loss.target'), [n, c]));
      if (kind === 'mse') {
        elem = tf.square(d);
        if (p.grad) dElem = tf.mul(d, 2);
      } else if (kind === 'mae') {
        elem = tf.abs(d);
        if (p.grad) dElem = tf.sign(d);
      } else {
        const ad = tf.abs(d);
        const quad = tf.lessEqual(ad, delta);
        elem = tf.where(quad, tf.mul(tf.square(d), 0.5), tf.mul(tf.sub(ad, 0.5 * delta), delta));
        if (p.grad) dElem = tf.where(quad, d, tf.mul(tf.sign(d), delta));
      }
    }
    if (w) {
      // Weighted, with weight-0 rows masked out (so NaN in padding rows does not leak).
      const keep = tf.notEqual(w, 0); // [N, 1]
      elem = tf.where(keep, tf.mul(elem, w), tf.zerosLike(elem));
      if (dElem) dElem = tf.where(keep, tf.mul(dElem, w), tf.zerosLike(dElem));
    }
    const lossValue = tf.reshape(tf.mul(tf.sum(elem), inv), [1]);
    return {
      loss: spliceFlat(tf, valueOf(p.loss, 'loss.loss'), 0, lossValue),
      grad: dElem ? tf.mul(dElem, inv) : null,
    };
  });
  store.assign(p.loss, out.loss, 'loss.loss');
  if (p.grad && out.grad) store.assign(p.grad, out.grad, 'loss.grad');
}
