/**
 * Fused optimizer updates with PyTorch's exact semantics (`torch.optim.*`, foreach=False,
 * maximize=False, amsgrad=False, centered=False). Per element, with g = grad and p = param:
 *
 * SGD (state: [momentum_buffer] when momentum > 0)
 *   g ← g + wd·p
 *   buf ← g                                   at step 1
 *   buf ← μ·buf + (1 − dampening)·g           after
 *   g ← g + μ·buf (nesterov)  or  g ← buf
 *   p ← p − lr·g
 * Adam (state: [exp_avg m, exp_avg_sq v])
 *   g ← g + wd·p                              (L2 penalty added to the gradient)
 *   m ← β1·m + (1 − β1)·g        v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * AdamW (state as Adam; weight decay default 0.01)
 *   p ← p − lr·wd·p                           (decoupled decay, applied first)
 *   then Adam's update without the L2 term
 * RMSprop (state: [square_avg s, momentum_buffer when momentum > 0])
 *   g ← g + wd·p
 *   s ← α·s + (1 − α)·g²          avg = √s + ε   (ε outside the square root)
 *   momentum > 0:  buf ← μ·buf + g/avg;  p ← p − lr·buf
 *   otherwise:     p ← p − lr·g/avg
 */
import { InvalidArgumentError, optimizerStateCount, type OptimizerStepParams } from '@recur/backend';
import type { KernelContext } from './context.js';
import type { CpuArray } from './tensor-store.js';

function hyper(name: string, v: number, min: number, max = Infinity): void {
  if (typeof v !== 'number' || !(v >= min && v <= max) || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`optimizerStep.${name}`, `must be a finite number in [${min}, ${max}], got ${String(v)}.`);
  }
}

/** One in-place update of `param`. */
export function optimizerStep(ctx: KernelContext, p: OptimizerStepParams): void {
  const { kind, lr, step } = p;
  if (kind !== 'sgd' && kind !== 'adam' && kind !== 'adamw' && kind !== 'rmsprop') {
    throw new InvalidArgumentError('optimizerStep.kind', `unknown optimizer "${String(kind)}"; use sgd, adam, adamw or rmsprop.`);
  }
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

  const param = ctx.live(p.param, 'optimizerStep.param');
  const n = param.length;
  const grad = ctx.exact(p.grad, 'optimizerStep.grad', n, p.param.shape);
  const want = optimizerStateCount(kind, { momentum });
  if (!Array.isArray(p.state) || p.state.length !== want) {
    throw new InvalidArgumentError(
      'optimizerStep.state',
      `${kind}${kind === 'sgd' || kind === 'rmsprop' ? ` with momentum ${momentum}` : ''} keeps ${want} state tensor(s) per parameter (optimizerStateCount), got ${Array.isArray(p.state) ? p.state.length : 'none'}.`,
    );
  }
  const state: CpuArray[] = p.state.map((s, i) => ctx.exact(s, `optimizerStep.state[${i}]`, n, p.param.shape));

  switch (kind) {
    case 'sgd': {
      const buf = state[0] ?? null;
      const nesterov = p.nesterov === true;
      for (let i = 0; i < n; i++) {
        const w = param[i] as number;
        let g = (grad[i] as number) + wd * w;
        if (buf !== null) {
          const b = step === 1 ? g : momentum * (buf[i] as number) + (1 - dampening) * g;
          buf[i] = b;
          g = nesterov ? g + momentum * b : b;
        }
        param[i] = w - lr * g;
      }
      break;
    }
    case 'adam':
    case 'adamw': {
      const m = state[0] as CpuArray;
      const v = state[1] as CpuArray;
      const bc1 = 1 - Math.pow(beta1, step);
      const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
      const stepSize = lr / bc1;
      const decoupled = kind === 'adamw';
      for (let i = 0; i < n; i++) {
        let w = param[i] as number;
        let g = grad[i] as number;
        if (decoupled) w = w * (1 - lr * wd);
        else g = g + wd * w;
        const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
        const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        param[i] = w - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
      }
      break;
    }
    case 'rmsprop': {
      const sq = state[0] as CpuArray;
      const buf = state[1] ?? null;
      for (let i = 0; i < n; i++) {
        const w = param[i] as number;
        const g = (grad[i] as number) + wd * w;
        const s = alpha * (sq[i] as number) + (1 - alpha) * g * g;
        sq[i] = s;
        const avg = Math.sqrt(s) + eps;
        if (buf !== null) {
          const b = momentum * (buf[i] as number) + g / avg;
          buf[i] = b;
          param[i] = w - lr * b;
        } else {
          param[i] = w - (lr * g) / avg;
        }
      }
      break;
    }
  }
}
