/**
 * Mean losses with their gradient fused (PyTorch `reduction='mean'`).
 *
 * Shape legend: N rows, C columns. d = pred − target.
 *   mse    ℓ = d²                         ∂ℓ/∂p = 2d
 *   mae    ℓ = |d|                        ∂ℓ/∂p = sign(d)   (0 at d = 0, as torch.sign)
 *   huber  ℓ = ½d² if |d| ≤ δ             ∂ℓ/∂p = d
 *            = δ(|d| − ½δ) otherwise             = δ·sign(d)
 *   cross-entropy (pred = logits [N, C], target = class index [N]):
 *          ℓ_r = logsumexp(p_r) − p_r[target_r]      ∂ℓ_r/∂p_r = softmax(p_r) − onehot(target_r)
 *          (logsumexp subtracts the row max, so large logits do not overflow)
 * Mean: Σ_r w_r·Σ_c ℓ_rc / Σ_r w_r·C (C = 1 for cross-entropy), with w_r = 1 when no weights
 * are given; the gradient is divided by the same denominator. When every weight is zero, the
 * loss and gradient are 0 (nothing to learn from), instead of PyTorch's 0/0 = NaN.
 */
import { InvalidArgumentError, checkLoss, type LossParams } from '@recur/backend';
import type { KernelContext } from '../context.js';

/** Compute the mean loss and (optionally) its gradient. */
export function loss(ctx: KernelContext, p: LossParams): void {
  const { kind, n, c, delta, ce } = checkLoss(p);
  const pred = ctx.exact(p.pred, 'loss.pred', n * c, [n, c]);
  const target = ctx.exact(p.target, 'loss.target', ce ? n : n * c, ce ? [n] : [n, c]);
  const weights = p.weights ? ctx.exact(p.weights, 'loss.weights', n, [n]) : null;
  const out = ctx.live(p.loss, 'loss.loss', 1);
  const grad = p.grad ? ctx.exact(p.grad, 'loss.grad', n * c, [n, c]) : null;

  let wSum = 0;
  for (let r = 0; r < n; r++) wSum += weights ? (weights[r] as number) : 1;
  const denom = wSum * (ce ? 1 : c);
  const inv = denom !== 0 ? 1 / denom : 0;

  let total = 0;
  if (ce) {
    for (let r = 0; r < n; r++) {
      const w = weights ? (weights[r] as number) : 1;
      const base = r * c;
      if (w === 0) {
        if (grad) grad.fill(0, base, base + c);
        continue;
      }
      const cls = target[r] as number;
      if (!Number.isInteger(cls) || cls < 0 || cls >= c) {
        throw new InvalidArgumentError('loss.target', `row ${r} has class ${cls}, outside [0, ${c}); cross-entropy targets are class indices.`);
      }
      let max = -Infinity;
      for (let j = 0; j < c; j++) max = Math.max(max, pred[base + j] as number);
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp((pred[base + j] as number) - max);
      const lse = max + Math.log(sum);
      total += w * (lse - (pred[base + cls] as number));
      if (grad) {
        const g = w * inv;
        for (let j = 0; j < c; j++) {
          const sm = Math.exp((pred[base + j] as number) - lse);
          grad[base + j] = (sm - (j === cls ? 1 : 0)) * g;
        }
      }
    }
  } else {
    for (let r = 0; r < n; r++) {
      const w = weights ? (weights[r] as number) : 1;
      const base = r * c;
      if (w === 0) {
        if (grad) grad.fill(0, base, base + c);
        continue;
      }
      const g = w * inv;
      for (let j = 0; j < c; j++) {
        const d = (pred[base + j] as number) - (target[base + j] as number);
        let l: number;
        let dl: number;
        if (kind === 'mse') {
          l = d * d;
          dl = 2 * d;
        } else if (kind === 'mae') {
          l = Math.abs(d);
          dl = d > 0 ? 1 : d < 0 ? -1 : d === 0 ? 0 : d;
        } else {
          const ad = Math.abs(d);
          if (ad <= delta) {
            l = 0.5 * d * d;
            dl = d;
          } else {
            l = delta * (ad - 0.5 * delta);
            dl = d > 0 ? delta : d < 0 ? -delta : d;
          }
        }
        total += w * l;
        if (grad) grad[base + j] = dl * g;
      }
    }
  }
  out[0] = total * inv;
}
