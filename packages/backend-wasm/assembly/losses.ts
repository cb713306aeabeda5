/**
 * Mean losses with fused gradients (PyTorch `reduction='mean'`), over N rows of C columns.
 * With row weights w (0 for padding): loss = Σ_r w_r·ℓ_r / Σ_r w_r·(C, or 1 for cross-entropy).
 * Accumulation is in f64. The loss value is returned; `grad` (0 to skip) is overwritten.
 */
export const LOSS_MSE: i32 = 0;
export const LOSS_MAE: i32 = 1;
export const LOSS_HUBER: i32 = 2;
export const LOSS_CE: i32 = 3;

// @ts-ignore: decorator
@inline
function weightOf(weights: usize, r: i32): f64 {
  return weights != 0 ? <f64>load<f32>(weights + <usize>(r * 4)) : 1.0;
}

export function loss(kind: i32, pred: usize, target: usize, n: i32, c: i32, delta: f64, weights: usize, grad: usize): f64 {
  let wsum: f64 = 0;
  for (let r = 0; r < n; r++) wsum += weightOf(weights, r);
  const denom = kind == LOSS_CE ? wsum : wsum * <f64>c;
  const inv = denom != 0 ? 1.0 / denom : 0.0;
  let total: f64 = 0;
  if (kind == LOSS_CE) {
    for (let r = 0; r < n; r++) {
      const w = weightOf(weights, r);
      const row = pred + <usize>(r * c * 4);
      const cls = <i32>load<f32>(target + <usize>(r * 4));
      // −log softmax(p)[cls] = logΣexp(p − max) + max − p[cls]
      let mx: f64 = -Infinity;
      for (let j = 0; j < c; j++) mx = Math.max(mx, <f64>load<f32>(row + <usize>(j * 4)));
      let se: f64 = 0;
      for (let j = 0; j < c; j++) se += Math.exp(<f64>load<f32>(row + <usize>(j * 4)) - mx);
      const lse = Math.log(se) + mx;
      if (w != 0) total += w * (lse - <f64>load<f32>(row + <usize>(cls * 4)));
      if (grad != 0) {
        const grow = grad + <usize>(r * c * 4);
        for (let j = 0; j < c; j++) {
          const sm = Math.exp(<f64>load<f32>(row + <usize>(j * 4)) - lse);
          store<f32>(grow + <usize>(j * 4), <f32>(w * (sm - (j == cls ? 1.0 : 0.0)) * inv));
        }
      }
    }
    return total * inv;
  }
  for (let r = 0; r < n; r++) {
    const w = weightOf(weights, r);
    for (let j = 0; j < c; j++) {
      const o = <usize>((r * c + j) * 4);
      const d = <f64>load<f32>(pred + o) - <f64>load<f32>(target + o);
      let l: f64;
      let g: f64;
      if (kind == LOSS_MSE) {
        l = d * d;
        g = 2 * d;
      } else if (kind == LOSS_MAE) {
        l = Math.abs(d);
        g = d > 0 ? 1 : d < 0 ? -1 : 0;
      } else {
        const ad = Math.abs(d);
        if (ad <= delta) {
          l = 0.5 * d * d;
          g = d;
        } else {
          l = delta * (ad - 0.5 * delta);
          g = d > 0 ? delta : -delta;
        }
      }
      if (w != 0) total += w * l;
      if (grad != 0) store<f32>(grad + o, <f32>(w * g * inv));
    }
  }
  return total * inv;
}
