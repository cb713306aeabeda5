/**
 * Step 4 and 6 of the checklist: GEMM, pointwise, loss and optimizer kernels, written plainly.
 * Each follows the TSDoc of the matching method in @recur/backend's spec.ts.
 */
import type { ActivationKind, LossParams, OptimizerStepParams } from '@recur/backend';
import { sigmoid } from './naive-math.js';
import { buf } from './tensor.js';

/** C = alpha·op(A)·op(B) + beta·C + bias, row-major, the textbook triple loop. */
export function naiveGemm(
  a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean, alpha: number, beta: number, bias: Float64Array | null,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) {
        const av = transA ? a[q * m + i]! : a[i * k + q]!;
        const bv = transB ? b[j * k + q]! : b[q * n + j]!;
        s += av * bv;
      }
      // beta = 0 overwrites (so NaN garbage in C never leaks through 0·NaN).
      const old = beta === 0 ? 0 : beta * c[i * n + j]!;
      c[i * n + j] = alpha * s + old + (bias ? bias[j]! : 0);
    }
  }
}

/** y = act(x). */
export function applyActivation(op: ActivationKind, v: number): number {
  switch (op) {
    case 'identity':
      return v;
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return sigmoid(v);
    case 'relu':
      return v > 0 ? v : 0;
  }
}

/** act'(x) written in terms of y = act(x). */
export function activationGrad(op: ActivationKind, y: number): number {
  switch (op) {
    case 'identity':
      return 1;
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    case 'relu':
      return y > 0 ? 1 : 0;
  }
}

/** Mean loss and its gradient (see LossParams in spec.ts for the weighting rule). */
export function naiveLoss(p: LossParams): void {
  const pred = buf(p.pred), target = buf(p.target), w = p.weights ? buf(p.weights) : null;
  const grad = p.grad ? buf(p.grad) : null;
  const { n, c } = p;
  const delta = p.delta ?? 1;
  let weightSum = 0;
  for (let r = 0; r < n; r++) weightSum += w ? w[r]! : 1;
  const denom = p.kind === 'cross-entropy' ? weightSum : weightSum * c;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const wr = w ? w[r]! : 1;
    const scale = denom > 0 ? wr / denom : 0;
    if (p.kind === 'cross-entropy') {
      // ℓ = logsumexp(x) − x[target];  ∂ℓ/∂x = softmax(x) − onehot(target)
      let max = -Infinity;
      for (let j = 0; j < c; j++) max = Math.max(max, pred[r * c + j]!);
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp(pred[r * c + j]! - max);
      const lse = max + Math.log(sum);
      const cls = target[r]!;
      total += wr * (lse - pred[r * c + cls]!);
      if (grad) {
        for (let j = 0; j < c; j++) {
          const sm = Math.exp(pred[r * c + j]! - lse);
          grad[r * c + j] = scale * (sm - (j === cls ? 1 : 0));
        }
      }
      continue;
    }
    for (let j = 0; j < c; j++) {
      const d = pred[r * c + j]! - target[r * c + j]!;
      let l: number, g: number;
      if (p.kind === 'mse') {
        l = d * d;
        g = 2 * d;
      } else if (p.kind === 'mae') {
        l = Math.abs(d);
        g = Math.sign(d);
      } else if (Math.abs(d) <= delta) {
        l = 0.5 * d * d;
        g = d;
      } else {
        l = delta * (Math.abs(d) - 0.5 * delta);
        g = delta * Math.sign(d);
      }
      total += wr * l;
      if (grad) grad[r * c + j] = scale * g;
    }
  }
  buf(p.loss)[0] = denom > 0 ? total / denom : 0;
}

/** One PyTorch-exact optimizer update (torch.optim.SGD / Adam / AdamW / RMSprop). */
export function naiveOptimizerStep(p: OptimizerStepParams): void {
  const param = buf(p.param), grad = buf(p.grad);
  const state = p.state.map(buf);
  const lr = p.lr, step = p.step, eps = p.eps ?? 1e-8;
  const momentum = p.momentum ?? 0;
  const wd = p.weightDecay ?? (p.kind === 'adamw' ? 0.01 : 0);
  for (let i = 0; i < param.length; i++) {
    let g = grad[i]!;
    const w = param[i]!;
    switch (p.kind) {
      case 'sgd': {
        g += wd * w;
        if (momentum > 0) {
          const m = state[0]!;
          m[i] = step === 1 ? g : momentum * m[i]! + (1 - (p.dampening ?? 0)) * g;
          g = p.nesterov ? g + momentum * m[i]! : m[i]!;
        }
        param[i] = w - lr * g;
        break;
      }
      case 'adam':
      case 'adamw': {
        let wNow = w;
        if (p.kind === 'adamw') wNow = w * (1 - lr * wd);
        else g += wd * w;
        const b1 = p.beta1 ?? 0.9, b2 = p.beta2 ?? 0.999;
        const m = state[0]!, v = state[1]!;
        m[i] = b1 * m[i]! + (1 - b1) * g;
        v[i] = b2 * v[i]! + (1 - b2) * g * g;
        const bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
        const denom = Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps;
        param[i] = wNow - (lr / bc1) * (m[i]! / denom);
        break;
      }
      case 'rmsprop': {
        g += wd * w;
        const alpha = p.alpha ?? 0.99;
        const sq = state[0]!;
        sq[i] = alpha * sq[i]! + (1 - alpha) * g * g;
        const avg = Math.sqrt(sq[i]!) + eps;
        if (momentum > 0) {
          const mb = state[1]!;
          mb[i] = momentum * mb[i]! + g / avg;
          param[i] = w - lr * mb[i]!;
        } else {
          param[i] = w - (lr * g) / avg;
        }
        break;
      }
    }
  }
}
