/**
 * Elementwise, data-movement, reduction and softmax kernels. Flat kernels run one invocation per
 * element with 64-thread workgroups (`flat_index` folds large grids into 2-D); reductions over a
 * whole tensor run in one 256-thread workgroup (strided partial sums, then a tree in workgroup
 * memory), row reductions one invocation per column or row.
 */
import type { KernelSpec } from '../gpu-context.js';
import { WGSL_COMMON } from './common.js';

function flat(name: string, bindings: string, struct: string, decls: string, body: string): KernelSpec {
  return {
    name,
    bindings,
    code: /* wgsl */ `
${WGSL_COMMON}
struct P { ${struct} };
@group(0) @binding(0) var<uniform> p: P;
${decls}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg, 64u);
  if (i >= p.n) { return; }
  ${body}
}
`,
  };
}

/** t[off + i] = value. Params 'uuf': n, off, value. */
export const FILL = flat('fill', 'w', 'n: u32, off: u32, value: f32', '@group(0) @binding(1) var<storage, read_write> t: array<f32>;', 't[p.off + i] = p.value;');

/** y += alpha·x. Params 'uf'. */
export const AXPY = flat(
  'axpy',
  'rw',
  'n: u32, alpha: f32',
  '@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> y: array<f32>;',
  'y[i] = y[i] + p.alpha * x[i];',
);

/** x *= alpha. Params 'uf'. */
export const SCALE = flat('scale', 'w', 'n: u32, alpha: f32', '@group(0) @binding(1) var<storage, read_write> x: array<f32>;', 'x[i] = p.alpha * x[i];');

/** out = a ⊙ b. Params 'u'. */
export const MUL = flat(
  'mul',
  'rrw',
  'n: u32',
  '@group(0) @binding(1) var<storage, read> a: array<f32>;\n@group(0) @binding(2) var<storage, read> b: array<f32>;\n@group(0) @binding(3) var<storage, read_write> o: array<f32>;',
  'o[i] = a[i] * b[i];',
);

/** Clamp into [−limit, limit]; NaN stays NaN (comparisons with NaN are false). Params 'uf'. */
export const CLIP = flat(
  'clip',
  'w',
  'n: u32, limit: f32',
  '@group(0) @binding(1) var<storage, read_write> x: array<f32>;',
  'let v = x[i]; x[i] = select(select(v, -p.limit, v < -p.limit), p.limit, v > p.limit);',
);

/** Activation codes shared by the two activation kernels. */
export const ACTIVATION_CODE = { identity: 0, tanh: 1, sigmoid: 2, relu: 3 } as const;

/** out = act(x). Params 'uu': n, op. */
export const ACTIVATION = flat(
  'activation',
  'rw',
  'n: u32, op: u32',
  '@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> o: array<f32>;',
  `let v = x[i];
  var r = v;
  if (p.op == 1u) { r = tanh_s(v); } else if (p.op == 2u) { r = sigm(v); } else if (p.op == 3u) { r = relu_s(v); }
  o[i] = r;`,
);

/** dx = act'(y)⊙dy with act' from the forward output. Params 'uu': n, op. */
export const ACTIVATION_BACKWARD = flat(
  'activation-backward',
  'rrw',
  'n: u32, op: u32',
  '@group(0) @binding(1) var<storage, read> y: array<f32>;\n@group(0) @binding(2) var<storage, read> dy: array<f32>;\n@group(0) @binding(3) var<storage, read_write> dx: array<f32>;',
  `let v = y[i];
  let g = dy[i];
  var r = g;
  if (p.op == 1u) { r = g * (1.0 - v * v); } else if (p.op == 2u) { r = g * v * (1.0 - v); } else if (p.op == 3u) { r = select(0.0, g, v > 0.0); }
  dx[i] = r;`,
);

/** dst[dstOff + r·dstStride + j] (+)= src[srcOff + r·srcStride + j]. Params 'uuuuuuuu': n, cols, srcOff, dstOff, srcStride, dstStride, accumulate. */
export const COPY = flat(
  'copy',
  'rw',
  'n: u32, cols: u32, srcOff: u32, dstOff: u32, srcStride: u32, dstStride: u32, accumulate: u32',
  '@group(0) @binding(1) var<storage, read> src: array<f32>;\n@group(0) @binding(2) var<storage, read_write> dst: array<f32>;',
  `let r = i / p.cols;
  let j = i % p.cols;
  let d = p.dstOff + r * p.dstStride + j;
  let v = src[p.srcOff + r * p.srcStride + j];
  if (p.accumulate != 0u) { dst[d] = dst[d] + v; } else { dst[d] = v; }`,
);

/** out[0] = Σ x² in one workgroup. Params 'u': n. NaN and Inf propagate through the sums. */
export const SUM_SQUARES: KernelSpec = {
  name: 'sum-squares',
  bindings: 'rw',
  code: /* wgsl */ `
struct P { n: u32 };
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> o: array<f32>;
var<workgroup> part: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  for (var i = lid.x; i < p.n; i = i + 256u) { let v = x[i]; s = s + v * v; }
  part[lid.x] = s;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w = w / 2u) {
    if (lid.x < w) { part[lid.x] = part[lid.x] + part[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { o[0] = part[0]; }
}
`,
};

/** out[j] (+)= Σ_r x[offX + r·cols + j], one invocation per column. Params 'uuuu': n(=cols), rows, offX, accumulate. */
export const SUM_ROWS = flat(
  'sum-rows',
  'rw',
  'n: u32, rows: u32, offX: u32, accumulate: u32',
  '@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> o: array<f32>;',
  `var s = 0.0;
  for (var r = 0u; r < p.rows; r = r + 1u) { s = s + x[p.offX + r * p.n + i]; }
  if (p.accumulate != 0u) { o[i] = o[i] + s; } else { o[i] = s; }`,
);

/** Row softmax of x·invT with the row max subtracted; one invocation per row. Params 'uuf': n(=rows), cols, invT. */
export const SOFTMAX = flat(
  'softmax',
  'rw',
  'n: u32, cols: u32, invT: f32',
  '@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> o: array<f32>;',
  `let base = i * p.cols;
  var m = x[base] * p.invT;
  for (var j = 1u; j < p.cols; j = j + 1u) { m = max(m, x[base + j] * p.invT); }
  var s = 0.0;
  for (var j = 0u; j < p.cols; j = j + 1u) { let e = exp(x[base + j] * p.invT - m); o[base + j] = e; s = s + e; }
  let inv = 1.0 / s;
  for (var j = 0u; j < p.cols; j = j + 1u) { o[base + j] = o[base + j] * inv; }`,
);

/** out[r·dim + k] = table[idx[r]·dim + k]. Params 'uu': n(=N·dim), dim. */
export const GATHER = flat(
  'gather',
  'rrw',
  'n: u32, dim: u32',
  '@group(0) @binding(1) var<storage, read> table: array<f32>;\n@group(0) @binding(2) var<storage, read> idx: array<i32>;\n@group(0) @binding(3) var<storage, read_write> o: array<f32>;',
  `let r = i / p.dim;
  o[i] = table[u32(idx[r]) * p.dim + i % p.dim];`,
);

/** dTable[idx[r]·dim + k] += grad[r·dim + k], one invocation per column k walking rows in order (repeats add up, no races). Params 'uu': n(=dim), rows. */
export const SCATTER_ADD = flat(
  'scatter-add',
  'rrw',
  'n: u32, rows: u32',
  '@group(0) @binding(1) var<storage, read> g: array<f32>;\n@group(0) @binding(2) var<storage, read> idx: array<i32>;\n@group(0) @binding(3) var<storage, read_write> t: array<f32>;',
  `for (var r = 0u; r < p.rows; r = r + 1u) {
    let d = u32(idx[r]) * p.n + i;
    t[d] = t[d] + g[r * p.n + i];
  }`,
);
