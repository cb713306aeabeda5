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
import { checkOptimizerStep, type OptimizerStepParams } from '@recur/backend';
import type { KernelContext } from '../context.js';
import type { CpuArray } from '../tensor-store.js';

/** One in-place update of `param`. */
export function optimizerStep(ctx: KernelContext, p: OptimizerStepParams): void {
  const hp = checkOptimizerStep(p);
  const { kind, lr, step, weightDecay: wd, momentum, dampening, beta1, beta2, alpha, eps } = hp;

  const param = ctx.live(p.param, 'optimizerStep.param');
  const n = param.length;
  const grad = ctx.exact(p.grad, 'optimizerStep.grad', n, p.param.shape);
  const state: CpuArray[] = p.state.map((s, i) => ctx.exact(s, `optimizerStep.state[${i}]`, n, p.param.shape));

  switch (kind) {
    case 'sgd': {
      const buf = state[0] ?? null;
      const nesterov = hp.nesterov;
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
