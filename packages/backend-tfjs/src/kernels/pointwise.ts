/** Pointwise activations, their derivatives, and row softmax, from tfjs ops. */
import {
  checkExact,
  checkTensor,
  nonNegativeInt,
  InvalidArgumentError,
  type ActivationBackwardParams,
  type ActivationKind,
  type ActivationParams,
  type SoftmaxParams,
} from '@recur/backend';
import { update, type TfjsContext } from '../context.js';
import { valueOf } from '../handle-store.js';
import type { Tfjs, TfTensor } from '../tf-types.js';

const ACTIVATIONS: readonly ActivationKind[] = ['identity', 'tanh', 'sigmoid', 'relu'];

function checkOp(what: string, op: unknown): asserts op is ActivationKind {
  if (!(ACTIVATIONS as readonly unknown[]).includes(op)) {
    throw new InvalidArgumentError(what, `unknown activation "${String(op)}"; use ${ACTIVATIONS.join(', ')}.`);
  }
}

/** `act(x)` elementwise. Call inside `tf.tidy`. */
export function applyActivation(tf: Tfjs, op: ActivationKind, x: TfTensor): TfTensor {
  switch (op) {
    case 'identity':
      return x;
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'relu':
      return tf.relu(x);
  }
}

/**
 * `act'(·) ⊙ dy`, written with the forward output y: tanh' = 1 − y², σ' = y(1 − y),
 * relu' = [y > 0], identity' = 1. Call inside `tf.tidy`.
 */
export function activationGrad(tf: Tfjs, op: ActivationKind, y: TfTensor, dy: TfTensor): TfTensor {
  switch (op) {
    case 'identity':
      return dy;
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'relu':
      return tf.where(tf.greater(y, 0), dy, tf.zerosLike(dy));
  }
}

/** `out = act(x)` (out and x of the same size). */
export function activation(ctx: TfjsContext, p: ActivationParams): void {
  checkOp('activation.op', p.op);
  checkTensor(ctx.backend, p.x, 'activation.x');
  checkExact(ctx.backend, p.out, 'activation.out', p.x.size, p.x.shape);
  update(ctx, p.out, 'activation.out', () => applyActivation(ctx.tf, p.op, valueOf(p.x, 'activation.x')));
}

/** `dx = act'(y) ⊙ dy` (overwritten; y, dy and dx of the same size). */
export function activationBackward(ctx: TfjsContext, p: ActivationBackwardParams): void {
  checkOp('activationBackward.op', p.op);
  checkTensor(ctx.backend, p.y, 'activationBackward.y');
  checkExact(ctx.backend, p.dy, 'activationBackward.dy', p.y.size, p.y.shape);
  checkExact(ctx.backend, p.dx, 'activationBackward.dx', p.y.size, p.y.shape);
  update(ctx, p.dx, 'activationBackward.dx', () =>
    activationGrad(ctx.tf, p.op, valueOf(p.y, 'activationBackward.y'), valueOf(p.dy, 'activationBackward.dy')),
  );
}

/** `out[r, :] = softmax(x[r, :] / temperature)` (max-subtracted, so large logits stay finite). */
export function softmax(ctx: TfjsContext, p: SoftmaxParams): void {
  for (const [name, v] of [['softmax.rows', p.rows], ['softmax.cols', p.cols]] as const) {
    nonNegativeInt(name, v);
  }
  const temperature = p.temperature ?? 1;
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError('softmax.temperature', `must be a positive finite number, got ${String(temperature)}.`);
  }
  const n = p.rows * p.cols;
  checkExact(ctx.backend, p.x, 'softmax.x', n, [p.rows, p.cols]);
  checkExact(ctx.backend, p.out, 'softmax.out', n, [p.rows, p.cols]);
  if (n === 0) return;
  const { tf } = ctx;
  update(ctx, p.out, 'softmax.out', () => {
    let x: TfTensor = tf.reshape(valueOf(p.x, 'softmax.x'), [p.rows, p.cols]);
    if (temperature !== 1) x = tf.div(x, temperature);
    return tf.softmax(x);
  });
}
