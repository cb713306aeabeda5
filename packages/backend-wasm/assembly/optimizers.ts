/**
 * Fused in-place optimizer updates with torch.optim semantics (SGD, Adam, AdamW, RMSprop).
 * Vectorised 4 lanes at a time; scalars are computed in f64 by the caller and passed as f32.
 */

/**
 * SGD: d = g + wd·p; with momentum: buf = first ? d : μ·buf + (1−dampening)·d;
 * d = nesterov ? d + μ·buf : buf;  p −= lr·d.
 */
export function sgd(p: usize, g: usize, buf: usize, n: i32, lr: f32, wd: f32, momentum: f32, dampening: f32, nesterov: bool, first: bool): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>(i * 4);
    const pv = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (wd != 0) d += wd * pv;
    if (momentum != 0) {
      let b = first ? d : momentum * load<f32>(buf + o) + (1 - dampening) * d;
      store<f32>(buf + o, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<f32>(p + o, pv - lr * d);
  }
}

/**
 * Adam / AdamW:
 *   adamw: p *= 1 − lr·wd;   adam: g += wd·p
 *   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
 *   p −= (lr / bc1) · m / (√v / √bc2 + eps)        with bc1 = 1 − β1^t, bc2 = 1 − β2^t
 */
export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, decoupled: bool, stepSize: f32, invSqrtBc2: f32): void {
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(1 - beta1);
  const ob2 = f32x4.splat(1 - beta2);
  const ep = f32x4.splat(eps);
  const ss = f32x4.splat(stepSize);
  const ib = f32x4.splat(invSqrtBc2);
  const wdv = f32x4.splat(wd);
  const decay = f32x4.splat(1 - lr * wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    let pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (wd != 0) {
      if (decoupled) pv = f32x4.mul(pv, decay);
      else gv = f32x4.add(gv, f32x4.mul(wdv, pv));
    }
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(ob1, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(ob2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), ib), ep);
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(ss, f32x4.div(mv, denom))));
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    let pv = load<f32>(p + o);
    let gv = load<f32>(g + o);
    if (wd != 0) {
      if (decoupled) pv *= 1 - lr * wd;
      else gv += wd * pv;
    }
    const mv = beta1 * load<f32>(m + o) + (1 - beta1) * gv;
    const vv = beta2 * load<f32>(v + o) + (1 - beta2) * gv * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, pv - stepSize * (mv / (Mathf.sqrt(vv) * invSqrtBc2 + eps)));
  }
}

/**
 * RMSprop (not centred): g += wd·p;  s = α·s + (1−α)·g²;  avg = √s + eps;
 * momentum > 0: buf = μ·buf + g/avg, p −= lr·buf;  else p −= lr·g/avg.
 */
export function rmsprop(p: usize, g: usize, sq: usize, buf: usize, n: i32, lr: f32, alpha: f32, eps: f32, wd: f32, momentum: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>(i * 4);
    const pv = load<f32>(p + o);
    let gv = load<f32>(g + o);
    if (wd != 0) gv += wd * pv;
    const s = alpha * load<f32>(sq + o) + (1 - alpha) * gv * gv;
    store<f32>(sq + o, s);
    const avg = Mathf.sqrt(s) + eps;
    if (momentum > 0) {
      const b = momentum * load<f32>(buf + o) + gv / avg;
      store<f32>(buf + o, b);
      store<f32>(p + o, pv - lr * b);
    } else {
      store<f32>(p + o, pv - lr * (gv / avg));
    }
  }
}
