/**
 * Tiled GEMM: C[offC + r·ldc + c] = alpha·Σ_k op(A)[r,k]·op(B)[k,c] + beta·C + bias[offBias + c].
 *
 * op(A) is m×k: A[offA + r·lda + k], or A[offA + k·lda + r] when transA.
 * op(B) is k×n: B[offB + k·ldb + c], or B[offB + c·ldb + k] when transB.
 * A 16×16 workgroup computes a 16×16 tile of C, walking K in steps of 16 through two tiles in
 * workgroup memory. beta = 0 overwrites C without reading it (NaN in C does not leak through).
 */
import type { KernelSpec } from '../gpu-context.js';

/** Rows and columns of one tile (the workgroup is TILE × TILE threads). */
export const GEMM_TILE = 16;

/** Uniform field types of {@link GEMM}, in order. */
export const GEMM_PARAMS = 'uuuuuuuuuuffuuu';

export const GEMM: KernelSpec = {
  name: 'gemm',
  bindings: 'rrrw',
  code: /* wgsl */ `
struct P {
  M: u32, N: u32, K: u32, transA: u32, transB: u32,
  offA: u32, offB: u32, offC: u32, lda: u32, ldb: u32,
  alpha: f32, beta: f32, hasBias: u32, offBias: u32,
  ldc: u32,
};
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> Bm: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

var<workgroup> tA: array<array<f32, 17>, 16>;
var<workgroup> tB: array<array<f32, 17>, 16>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = wid.y * 16u + lid.y;
  let col = wid.x * 16u + lid.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < p.K; k0 = k0 + 16u) {
    // tA[ly][lx] = op(A)[row, k0 + lx]
    let ak = k0 + lid.x;
    var av = 0.0;
    if (row < p.M && ak < p.K) {
      av = A[select(p.offA + row * p.lda + ak, p.offA + ak * p.lda + row, p.transA != 0u)];
    }
    tA[lid.y][lid.x] = av;
    // tB[ly][lx] = op(B)[k0 + ly, col]
    let bk = k0 + lid.y;
    var bv = 0.0;
    if (bk < p.K && col < p.N) {
      bv = Bm[select(p.offB + bk * p.ldb + col, p.offB + col * p.ldb + bk, p.transB != 0u)];
    }
    tB[lid.y][lid.x] = bv;
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk = kk + 1u) {
      acc = acc + tA[lid.y][kk] * tB[kk][lid.x];
    }
    workgroupBarrier();
  }
  if (row < p.M && col < p.N) {
    let ci = p.offC + row * p.ldc + col;
    var v = p.alpha * acc;
    if (p.beta != 0.0) { v = v + p.beta * C[ci]; }
    if (p.hasBias != 0u) { v = v + bias[p.offBias + col]; }
    C[ci] = v;
  }
}
`,
};

/**
 * The same GEMM without workgroup memory or barriers: one invocation per 4×4 block of C,
 * looping over K. Used for thin products (few rows or a short K), where tiles would be mostly empty and
 * barriers cost more than they save — e.g. the per-step recurrent GEMM of a small batch.
 * Same parameters and bindings as {@link GEMM}; dispatched as flat 64-wide groups over ⌈m/4⌉·⌈n/4⌉.
 */
export const GEMM_DIRECT: KernelSpec = {
  name: 'gemm-direct',
  bindings: 'rrrw',
  code: /* wgsl */ `
struct P {
  M: u32, N: u32, K: u32, transA: u32, transB: u32,
  offA: u32, offB: u32, offC: u32, lda: u32, ldb: u32,
  alpha: f32, beta: f32, hasBias: u32, offBias: u32,
  ldc: u32,
};
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> Bm: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // Each invocation computes a 4×4 block of C: per k, 4 loads of op(A) and 4 of op(B) feed 16 FMAs.
  let n4 = (p.N + 3u) / 4u;
  let m4 = (p.M + 3u) / 4u;
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= m4 * n4) { return; }
  let row = (i / n4) * 4u;
  let col = (i % n4) * 4u;
  // Rows/columns past the edge read the last row/column and are not stored.
  let aRow = select(p.lda, 1u, p.transA != 0u);
  let aStep = select(1u, p.lda, p.transA != 0u);
  let bStep = select(p.ldb, 1u, p.transB != 0u);
  let bCol = select(1u, p.ldb, p.transB != 0u);
  let lastR = p.M - 1u;
  let lastC = p.N - 1u;
  let a0 = p.offA + min(row, lastR) * aRow;
  let a1 = p.offA + min(row + 1u, lastR) * aRow;
  let a2 = p.offA + min(row + 2u, lastR) * aRow;
  let a3 = p.offA + min(row + 3u, lastR) * aRow;
  let b0 = p.offB + min(col, lastC) * bCol;
  let b1 = p.offB + min(col + 1u, lastC) * bCol;
  let b2 = p.offB + min(col + 2u, lastC) * bCol;
  let b3 = p.offB + min(col + 3u, lastC) * bCol;
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  for (var k = 0u; k < p.K; k = k + 1u) {
    let ka = k * aStep;
    let kb = k * bStep;
    let bv = vec4<f32>(Bm[b0 + kb], Bm[b1 + kb], Bm[b2 + kb], Bm[b3 + kb]);
    c0 = c0 + A[a0 + ka] * bv;
    c1 = c1 + A[a1 + ka] * bv;
    c2 = c2 + A[a2 + ka] * bv;
    c3 = c3 + A[a3 + ka] * bv;
  }
  for (var r = 0u; r < 4u; r = r + 1u) {
    let rr = row + r;
    if (rr >= p.M) { break; }
    var acc = c0;
    if (r == 1u) { acc = c1; } else if (r == 2u) { acc = c2; } else if (r == 3u) { acc = c3; }
    for (var c = 0u; c < 4u; c = c + 1u) {
      let cc = col + c;
      if (cc < p.N) {
        let ci = p.offC + rr * p.ldc + cc;
        var v = p.alpha * acc[c];
        if (p.beta != 0.0) { v = v + p.beta * C[ci]; }
        if (p.hasBias != 0u) { v = v + bias[p.offBias + cc]; }
        C[ci] = v;
      }
    }
  }
}
`,
};
