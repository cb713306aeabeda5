/**
 * Losses and fused optimizer updates: PyTorch semantics (see the kernel comments in
 * native/kernels.cu), the same argument checks as backend-cpu.
 */
import { InvalidArgumentError, optimizerStateCount, type LossParams, type OptimizerStepParams } from '@recur/backend';
import type { KernelContext } from './context.js';

const LOSSES = { mse: 0, mae: 1, huber: 2, 'cross-entropy': 3 } as const;
const OPTIMIZERS = { sgd: 0, adam: 1, adamw: 2, rmsprop: 3 } as const;

/**
 * Mean loss and (optionally) its gradient. Cross-entropy class indices live on the device, so an
 * invalid one is found by the kernel and reported by the next `read`/`sync` as InvalidArgumentError.
 */
export function loss(k: KernelContext, p: LossParams): void {
  const { kind, n, c } = p;
  const code = (LOSSES as Record<string, number | undefined>)[kind];
  if (code === undefined) throw new InvalidArgumentError('loss.kind', `unknown loss "${String(kind)}"; use mse, mae, huber or cross-entropy.`);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('loss.n', `must be a positive integer, got ${String(n)}.`);
  if (!Number.isInteger(c) || c < 1) throw new InvalidArgumentError('loss.c', `must be a positive integer, got ${String(c)}.`);
  const delta = p.delta ?? 1;
  if (kind === 'huber' && !(delta > 0 && Number.isFinite(delta))) {
    throw new InvalidArgumentError('loss.delta', `Huber's delta must be a finite number > 0, got ${String(delta)}.`);
  }
  const pred = k.exact(p.pred, 'loss.pred', n * c, [n, c]);
  const ce = kind === 'cross-entropy';
  const target = k.exact(p.target, 'loss.target', ce ? n : n * c, ce ? [n] : [n, c]);
  const weights = p.weights ? k.exact(p.weights, 'loss.weights', n, [n]) : null;
  const out = k.live(p.loss, 'loss.loss', 1);
  const grad = p.grad ? k.exact(p.grad, 'loss.grad', n * c, [n, c]) : null;
  k.call(() => k.addon.loss(k.ctx(), { kind: code, pred, target, weights, n, c, delta, loss: out, grad }));
}

function hyper(name: string, v: number, min: number, max = Infinity): void {
  if (typeof v !== 'number' || !(v >= min && v <= max) || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`optimizerStep.${name}`, `must be a finite number in [${min}, ${max}], got ${String(v)}.`);
  }
}

/** One in-place update of `param` (torch.optim SGD / Adam / AdamW / RMSprop). */
export function optimizerStep(k: KernelContext, p: OptimizerStepParams): void {
  const { kind, lr, step } = p;
  const code = (OPTIMIZERS as Record<string, number | undefined>)[kind];
  if (code === undefined) throw new InvalidArgumentError('optimizerStep.kind', `unknown optimizer "${String(kind)}"; use sgd, adam, adamw or rmsprop.`);
  hyper('lr', lr, 0);
  if (!Number.isInteger(step) || step < 1) throw new InvalidArgumentError('optimizerStep.step', `must be a 1-based integer step count, got ${String(step)}.`);
  const wd = p.weightDecay ?? (kind === 'adamw' ? 0.01 : 0);
  const momentum = p.momentum ?? 0;
  const dampening = p.dampening ?? 0;
  const beta1 = p.beta1 ?? 0.9;
  const beta2 = p.beta2 ?? 0.999;
  const alpha = p.alpha ?? 0.99;
  const eps = p.eps ?? 1e-8;
  hyper('weightDecay', wd, 0);
  hyper('momentum', momentum, 0);
  hyper('dampening', dampening, 0, 1);
  hyper('beta1', beta1, 0, 1);
  hyper('beta2', beta2, 0, 1);
  hyper('alpha', alpha, 0, 1);
  hyper('eps', eps, 0);
  if (p.nesterov && (kind !== 'sgd' || momentum <= 0 || dampening !== 0)) {
    throw new InvalidArgumentError('optimizerStep.nesterov', 'Nesterov momentum needs sgd with momentum > 0 and dampening 0 (as in PyTorch).');
  }
  const param = k.live(p.param, 'optimizerStep.param');
  const n = p.param.size;
  const grad = k.exact(p.grad, 'optimizerStep.grad', n, p.param.shape);
  const want = optimizerStateCount(kind, { momentum });
  if (!Array.isArray(p.state) || p.state.length !== want) {
    throw new InvalidArgumentError(
      'optimizerStep.state',
      `${kind}${kind === 'sgd' || kind === 'rmsprop' ? ` with momentum ${momentum}` : ''} keeps ${want} state tensor(s) per parameter (optimizerStateCount), got ${Array.isArray(p.state) ? p.state.length : 'none'}.`,
    );
  }
  const state = p.state.map((s, i) => k.exact(s, `optimizerStep.state[${i}]`, n, p.param.shape));
  // Adam's bias corrections in double on the host: stepSize = lr / (1 − β1^t), √(1 − β2^t).
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  k.call(() =>
    k.addon.optimizer(k.ctx(), {
      kind: code, param, grad, s0: state[0] ?? null, s1: state[1] ?? null, n,
      lr, wd, momentum, dampening, beta1, beta2, alpha, eps, stepSize, bc2Sqrt,
      nesterov: p.nesterov === true, firstStep: step === 1,
    }),
  );
}
