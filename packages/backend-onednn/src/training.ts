/**
 * Losses and fused optimizer updates in C++ (native/kernels.cc): PyTorch semantics, the shared
 * argument checks of @recur/backend. An invalid cross-entropy class is found by the native loop and
 * thrown synchronously as InvalidArgumentError.
 */
import { checkLoss, checkOptimizerState, checkOptimizerStep, type LossParams, type OptimizerStepParams } from '@recur/backend';
import type { KernelContext } from './context.js';

const LOSS_CODES = { mse: 0, mae: 1, huber: 2, 'cross-entropy': 3 } as const;
const OPTIMIZER_CODES = { sgd: 0, adam: 1, adamw: 2, rmsprop: 3 } as const;

/** Mean loss (1 element) and, when `grad` is given, dLoss/dpred. */
export function loss(k: KernelContext, p: LossParams): void {
  const r = checkLoss(p);
  const { n, c } = r;
  const args = {
    kind: LOSS_CODES[r.kind],
    n,
    c,
    delta: r.delta,
    pred: k.exact(p.pred, 'loss.pred', n * c, [n, c]),
    target: k.exact(p.target, 'loss.target', r.ce ? n : n * c, r.ce ? [n] : [n, c]),
    weights: p.weights ? k.exact(p.weights, 'loss.weights', n, [n]) : null,
    loss: k.live(p.loss, 'loss.loss', 1),
    grad: p.grad ? k.exact(p.grad, 'loss.grad', n * c, [n, c]) : null,
  };
  k.call(() => k.addon.loss(k.ctx(), args));
}

/** One in-place torch.optim SGD / Adam / AdamW / RMSprop update of `param`. */
export function optimizerStep(k: KernelContext, p: OptimizerStepParams): void {
  const hp = checkOptimizerStep(p);
  const param = k.live(p.param, 'optimizerStep.param');
  const n = p.param.size;
  const grad = k.exact(p.grad, 'optimizerStep.grad', n, p.param.shape);
  checkOptimizerState(p, hp);
  const [s0 = null, s1 = null] = p.state.map((s, i) => k.exact(s, `optimizerStep.state[${i}]`, n, p.param.shape));
  // Adam's bias corrections, in double here: stepSize = lr / (1 − β1^t), √(1 − β2^t).
  const stepSize = hp.lr / (1 - Math.pow(hp.beta1, hp.step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(hp.beta2, hp.step));
  const args = {
    kind: OPTIMIZER_CODES[hp.kind],
    param,
    grad,
    s0,
    s1,
    n,
    lr: hp.lr,
    wd: hp.weightDecay,
    momentum: hp.momentum,
    dampening: hp.dampening,
    beta1: hp.beta1,
    beta2: hp.beta2,
    alpha: hp.alpha,
    eps: hp.eps,
    stepSize,
    bc2Sqrt,
    nesterov: hp.nesterov,
    firstStep: hp.step === 1,
  };
  k.call(() => k.addon.optimizer(k.ctx(), args));
}
