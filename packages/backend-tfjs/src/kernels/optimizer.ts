/**
 * One optimizer update with PyTorch's semantics (torch.optim.SGD / Adam / AdamW / RMSprop), from
 * tfjs ops. `state` holds the zero-initialised buffers in the order of `optimizerStateCount`:
 * sgd [momentum_buffer]; adam/adamw [exp_avg, exp_avg_sq]; rmsprop [square_avg, momentum_buffer].
 */
import type { OptimizerStepParams } from '@recur/backend';
import { tidy, type TfjsContext } from '../context.js';
import { valueOf } from '../handle-store.js';
import type { Tfjs, TfTensor } from '../tf-types.js';

/** New values of the parameter and of each state buffer. */
interface Updated {
  param: TfTensor;
  state: TfTensor[];
}

/**
 * sgd:  g = ∇ + λθ;  with momentum μ: b = g (step 1) or μb + (1 − τ)g;  g = g + μb (Nesterov) or b;
 *       θ = θ − lr·g
 */
function sgd(tf: Tfjs, p: OptimizerStepParams, theta: TfTensor, grad: TfTensor, state: TfTensor[]): Updated {
  const wd = p.weightDecay ?? 0;
  const momentum = p.momentum ?? 0;
  const dampening = p.dampening ?? 0;
  let g = wd !== 0 ? tf.add(grad, tf.mul(theta, wd)) : grad;
  const next: TfTensor[] = [];
  if (momentum > 0) {
    const buf = p.step === 1 ? g : tf.add(tf.mul(state[0] as TfTensor, momentum), tf.mul(g, 1 - dampening));
    next.push(buf);
    g = p.nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
  }
  return { param: tf.sub(theta, tf.mul(g, p.lr)), state: next };
}

/**
 * adam / adamw:  (adamw first: θ = θ(1 − lr·λ); adam: g = ∇ + λθ)
 *   m = β₁m + (1 − β₁)g,  v = β₂v + (1 − β₂)g²
 *   θ = θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 */
function adam(tf: Tfjs, p: OptimizerStepParams, theta: TfTensor, grad: TfTensor, state: TfTensor[]): Updated {
  const decoupled = p.kind === 'adamw';
  const wd = p.weightDecay ?? (decoupled ? 0.01 : 0);
  const b1 = p.beta1 ?? 0.9;
  const b2 = p.beta2 ?? 0.999;
  const eps = p.eps ?? 1e-8;
  let g = grad;
  let th = theta;
  if (decoupled) {
    if (wd !== 0) th = tf.mul(th, 1 - p.lr * wd);
  } else if (wd !== 0) {
    g = tf.add(g, tf.mul(theta, wd));
  }
  const m = tf.add(tf.mul(state[0] as TfTensor, b1), tf.mul(g, 1 - b1));
  const v = tf.add(tf.mul(state[1] as TfTensor, b2), tf.mul(tf.square(g), 1 - b2));
  const bc1 = 1 - Math.pow(b1, p.step);
  const bc2 = 1 - Math.pow(b2, p.step);
  const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps);
  const param = tf.sub(th, tf.mul(tf.div(m, denom), p.lr / bc1));
  return { param, state: [m, v] };
}

/**
 * rmsprop:  g = ∇ + λθ;  s = αs + (1 − α)g²;  d = √s + ε
 *   with momentum μ: b = μb + g/d, θ = θ − lr·b;  else θ = θ − lr·g/d
 */
function rmsprop(tf: Tfjs, p: OptimizerStepParams, theta: TfTensor, grad: TfTensor, state: TfTensor[]): Updated {
  const wd = p.weightDecay ?? 0;
  const alpha = p.alpha ?? 0.99;
  const eps = p.eps ?? 1e-8;
  const momentum = p.momentum ?? 0;
  const g = wd !== 0 ? tf.add(grad, tf.mul(theta, wd)) : grad;
  const sq = tf.add(tf.mul(state[0] as TfTensor, alpha), tf.mul(tf.square(g), 1 - alpha));
  const avg = tf.add(tf.sqrt(sq), eps);
  if (momentum > 0) {
    const buf = tf.add(tf.mul(state[1] as TfTensor, momentum), tf.div(g, avg));
    return { param: tf.sub(theta, tf.mul(buf, p.lr)), state: [sq, buf] };
  }
  return { param: tf.sub(theta, tf.mul(tf.div(g, avg), p.lr)), state: [sq] };
}

/** One in-place update of `param` and its `state` buffers. */
export function optimizerStep(ctx: TfjsContext, p: OptimizerStepParams): void {
  // Arguments (kind, hyper-parameters, state count, tensor sizes) are checked by `checked`.

  const { tf, store } = ctx;
  const out = tidy(tf, () => {
    const theta = valueOf(p.param, 'optimizerStep.param');
    const grad = valueOf(p.grad, 'optimizerStep.grad');
    const state = p.state.map((s, i) => valueOf(s, `optimizerStep.state[${i}]`));
    const r = p.kind === 'sgd' ? sgd(tf, p, theta, grad, state) : p.kind === 'rmsprop' ? rmsprop(tf, p, theta, grad, state) : adam(tf, p, theta, grad, state);
    // A result may be an input as is (e.g. SGD's first momentum buffer is the gradient): copy it.
    const fresh = (t: TfTensor): TfTensor => (store.isHeld(t) ? tf.clone(t) : t);
    return { param: fresh(r.param), state: r.state.map(fresh) };
  });
  out.state.forEach((s, i) => store.assign(p.state[i] as (typeof p.state)[number], s, `optimizerStep.state[${i}]`));
  store.assign(p.param, out.param, 'optimizerStep.param');
}
