/**
 * Loss and optimizer kernels (PyTorch semantics; see the CPU backend's loss.ts / optimizers.ts
 * for the reference formulas).
 *
 * Loss, in three dispatches of one pass (N rows, C columns, d = pred − target):
 *   1. loss-denom:  inv = 1 / (Σ_r w_r · C')   (C' = C, or 1 for cross-entropy; inv = 0 if the sum is 0)
 *   2. loss-rows:   per row r: ℓ_r = w_r·Σ_c ℓ(d_rc) and grad_rc = w_r·inv·∂ℓ/∂p_rc
 *        mse ℓ = d², ∂ = 2d;  mae ℓ = |d|, ∂ = sign(d);  huber ℓ = ½d² (|d| ≤ δ) else δ(|d| − ½δ), ∂ = d or δ·sign(d)
 *        cross-entropy ℓ_r = logsumexp(p_r) − p_r[class_r], ∂ = softmax(p_r) − onehot(class_r)
 *   3. loss-total:  loss = inv · Σ_r ℓ_r
 */
import type { KernelSpec } from '../gpu-context.js';
import { WGSL_COMMON } from './common.js';

/** Loss kind codes. */
export const LOSS_CODE = { mse: 0, mae: 1, huber: 2, 'cross-entropy': 3 } as const;

/** Params 'uuu': n, hasWeights, cPrime. */
export const LOSS_DENOM: KernelSpec = {
  name: 'loss-denom',
  bindings: 'rw',
  code: /* wgsl */ `
struct P { n: u32, hasWeights: u32, cPrime: u32 };
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> scal: array<f32>;
var<workgroup> part: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  for (var r = lid.x; r < p.n; r = r + 256u) { s = s + select(1.0, w[r], p.hasWeights != 0u); }
  part[lid.x] = s;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k = k / 2u) {
    if (lid.x < k) { part[lid.x] = part[lid.x] + part[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    let denom = part[0] * f32(p.cPrime);
    scal[0] = select(0.0, 1.0 / denom, denom != 0.0);
  }
}
`,
};

/** Params 'uuuuuff': n, c, kind, hasWeights, hasGrad, delta, nanValue (NaN, passed in: WGSL has no NaN constant). */
export const LOSS_ROWS: KernelSpec = {
  name: 'loss-rows',
  bindings: 'rrrrww',
  code: /* wgsl */ `
${WGSL_COMMON}
struct P { n: u32, c: u32, kind: u32, hasWeights: u32, hasGrad: u32, delta: f32, nanValue: f32 };
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> tgt: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> scal: array<f32>;
@group(0) @binding(5) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;

fn sgn(d: f32) -> f32 {
  return select(select(select(d, 0.0, d == 0.0), -1.0, d < 0.0), 1.0, d > 0.0);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = flat_index(gid, nwg, 64u);
  if (r >= p.n) { return; }
  let wr = select(1.0, w[r], p.hasWeights != 0u);
  let base = r * p.c;
  if (wr == 0.0) {
    rowLoss[r] = 0.0;
    if (p.hasGrad != 0u) { for (var j = 0u; j < p.c; j = j + 1u) { grad[base + j] = 0.0; } }
    return;
  }
  let g = wr * scal[0];
  var total = 0.0;
  if (p.kind == 3u) {
    let tv = tgt[r];
    var m = pred[base];
    for (var j = 1u; j < p.c; j = j + 1u) { m = max(m, pred[base + j]); }
    var s = 0.0;
    for (var j = 0u; j < p.c; j = j + 1u) { s = s + exp(pred[base + j] - m); }
    let lse = m + log(s);
    // A class index that is not an integer in [0, C) gives a NaN loss (the GPU cannot throw).
    let valid = tv >= 0.0 && tv < f32(p.c) && floor(tv) == tv;
    let cls = select(0u, u32(tv), valid);
    total = select(p.nanValue, lse - pred[base + cls], valid);
    if (p.hasGrad != 0u) {
      for (var j = 0u; j < p.c; j = j + 1u) {
        grad[base + j] = (exp(pred[base + j] - lse) - select(0.0, 1.0, j == cls)) * g;
      }
    }
  } else {
    for (var j = 0u; j < p.c; j = j + 1u) {
      let d = pred[base + j] - tgt[base + j];
      var l = 0.0;
      var dl = 0.0;
      if (p.kind == 0u) {
        l = d * d; dl = 2.0 * d;
      } else if (p.kind == 1u) {
        l = abs(d); dl = sgn(d);
      } else {
        let ad = abs(d);
        if (ad <= p.delta) { l = 0.5 * d * d; dl = d; } else { l = p.delta * (ad - 0.5 * p.delta); dl = p.delta * sgn(d); }
      }
      total = total + l;
      if (p.hasGrad != 0u) { grad[base + j] = dl * g; }
    }
  }
  rowLoss[r] = wr * total;
}
`,
};

/** Params 'u': n. */
export const LOSS_TOTAL: KernelSpec = {
  name: 'loss-total',
  bindings: 'rrw',
  code: /* wgsl */ `
struct P { n: u32 };
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(2) var<storage, read> scal: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
var<workgroup> part: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  for (var r = lid.x; r < p.n; r = r + 256u) { s = s + rowLoss[r]; }
  part[lid.x] = s;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k = k / 2u) {
    if (lid.x < k) { part[lid.x] = part[lid.x] + part[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { o[0] = part[0] * scal[0]; }
}
`,
};

/** Optimizer codes. */
export const OPTIMIZER_CODE = { sgd: 0, adam: 1, adamw: 2, rmsprop: 3 } as const;

/**
 * One fused update per element (torch.optim semantics):
 *   sgd:     g += wd·p; buf = g (step 1) or μ·buf + (1−τ)·g; g = g + μ·buf (nesterov) or buf; p −= lr·g
 *   adam:    g += wd·p; m = β1 m + (1−β1) g; v = β2 v + (1−β2) g²; p −= stepSize·m / (√v / bc2Sqrt + ε)
 *   adamw:   p ·= (1 − lr·wd); then adam without the L2 term
 *   rmsprop: g += wd·p; s = α s + (1−α) g²; avg = √s + ε; buf = μ buf + g/avg, p −= lr·buf  (or p −= lr·g/avg)
 * stepSize = lr / (1 − β1^t) and bc2Sqrt = √(1 − β2^t) are computed on the host in float64.
 * Params 'uuffffuffffuffu': n, kind, lr, wd, momentum, dampening, nesterov, beta1, beta2, alpha, eps, first, stepSize, bc2Sqrt, hasBuf.
 */
export const OPTIMIZER: KernelSpec = {
  name: 'optimizer',
  bindings: 'wrww',
  code: /* wgsl */ `
${WGSL_COMMON}
struct P {
  n: u32, kind: u32, lr: f32, wd: f32, momentum: f32, dampening: f32, nesterov: u32,
  beta1: f32, beta2: f32, alpha: f32, eps: f32, first: u32, stepSize: f32, bc2Sqrt: f32, hasBuf: u32,
};
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> s0: array<f32>;
@group(0) @binding(4) var<storage, read_write> s1: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg, 64u);
  if (i >= p.n) { return; }
  var w = param[i];
  var g = grad[i];
  if (p.kind == 0u) {
    g = g + p.wd * w;
    if (p.hasBuf != 0u) {
      var b = g;
      if (p.first == 0u) { b = p.momentum * s0[i] + (1.0 - p.dampening) * g; }
      s0[i] = b;
      g = select(b, g + p.momentum * b, p.nesterov != 0u);
    }
    param[i] = w - p.lr * g;
  } else if (p.kind == 1u || p.kind == 2u) {
    if (p.kind == 2u) { w = w * (1.0 - p.lr * p.wd); } else { g = g + p.wd * w; }
    let m = p.beta1 * s0[i] + (1.0 - p.beta1) * g;
    let v = p.beta2 * s1[i] + (1.0 - p.beta2) * g * g;
    s0[i] = m;
    s1[i] = v;
    param[i] = w - (p.stepSize * m) / (sqrt(v) / p.bc2Sqrt + p.eps);
  } else {
    g = g + p.wd * w;
    let s = p.alpha * s0[i] + (1.0 - p.alpha) * g * g;
    s0[i] = s;
    let avg = sqrt(s) + p.eps;
    if (p.hasBuf != 0u) {
      let b = p.momentum * s1[i] + g / avg;
      s1[i] = b;
      param[i] = w - p.lr * b;
    } else {
      param[i] = w - (p.lr * g) / avg;
    }
  }
}
`,
};
