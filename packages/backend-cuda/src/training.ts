/**
 * Losses and fused optimizer updates: PyTorch semantics (see the kernel comments in
 * native/kernels.cu), the same argument checks as backend-cpu.
 */
import { checkLoss, checkOptimizerState, checkOptimizerStep, type LossParams, type OptimizerStepParams } from '@recur/backend';
import type { KernelContext } from './context.js';

const LOSSES = { mse: 0, mae: 1, huber: 2, 'cross-entropy': 3 } as const;
const OPTIMIZERS = { sgd: 0, adam: 1, adamw: 2, rmsprop: 3 } as const;

/**
 * Mean loss and (optionally) its gradient. Cross-entropy class indices live on the device, so an
 * invalid one is found by the kernel and reported by the next `read`/`sync` as InvalidArgumentError.
 */
export function loss(k: KernelContext, p: LossParams): void {
  const { kind, n, c, delta, ce } = checkLoss(p);
  const code = LOSSES[kind];
  const pred = k.exact(p.pred, 'loss.pred', n * c, [n, c]);
  const target = k.exact(p.target, 'loss.target', ce ? n : n * c, ce ? [n] : [n, c]);
  const weights = p.weights ? k.exact(p.weights, 'loss.weights', n, [n]) : null;
  const out = k.live(p.loss, 'loss.loss', 1);
  const grad = p.grad ? k.exact(p.grad, 'loss.grad', n * c, [n, c]) : null;
  k.call(() => k.addon.loss(k.ctx(), { kind: code, pred, target, weights, n, c, delta, loss: out, grad }));
}

/** One in-place update of `param` (torch.optim SGD / Adam / AdamW / RMSprop). */
export function optimizerStep(k: KernelContext, p: OptimizerStepParams): void {
  const hp = checkOptimizerStep(p);
  const { kind, lr, step, weightDecay: wd, momentum, dampening, beta1, beta2, alpha, eps } = hp;
  const code = OPTIMIZERS[kind];
  const param = k.live(p.param, 'optimizerStep.param');
  const n = p.param.size;
  const grad = k.exact(p.grad, 'optimizerStep.grad', n, p.param.shape);
  checkOptimizerState(p, hp);
  const state = p.state.map((s, i) => k.exact(s, `optimizerStep.state[${i}]`, n, p.param.shape));
  // Adam's bias corrections in double on the host: stepSize = lr / (1 − β1^t), √(1 − β2^t).
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  k.call(() =>
    k.addon.optimizer(k.ctx(), {
      kind: code, param, grad, s0: state[0] ?? null, s1: state[1] ?? null, n,
      lr, wd, momentum, dampening, beta1, beta2, alpha, eps, stepSize, bc2Sqrt,
      nesterov: hp.nesterov, firstStep: step === 1,
    }),
  );
}
