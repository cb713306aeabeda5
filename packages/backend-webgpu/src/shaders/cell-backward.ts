/**
 * Pointwise gate math of one backward (BPTT) timestep, one invocation per (b, j) of [B, H].
 * dh' = dh (from step t+1, already including dG_hh·W_hh) + dy_t. Writes the pre-activation
 * gradients dG_ih[t] (and, for the GRU, dG_hh[t]) and leaves in dh/dc the direct part of the
 * gradient flowing to step t−1; the caller's GEMM then adds dG_hh[t]·W_hh into dh.
 *
 *   rnn:  da = dh'⊙act'(h')                        (tanh' = 1 − h'², relu' = [h' > 0]); dh ← 0
 *   lstm: dc̃ = dc + dh'⊙o⊙(1 − tanh²(c'))
 *         da_i = dc̃⊙g⊙i(1−i)  da_f = dc̃⊙c⊙f(1−f)  da_g = dc̃⊙i⊙(1−g²)  da_o = dh'⊙tanh(c')⊙o(1−o)
 *         dc ← dc̃⊙f; dh ← 0
 *   gru:  dn̂ = dh'⊙(1−z)⊙(1−n²)   dr̂ = dn̂⊙hg_n⊙r(1−r)   dẑ = dh'⊙(h − n)⊙z(1−z)
 *         dG_ih = [dr̂, dẑ, dn̂]   dG_hh = [dr̂, dẑ, dn̂⊙r]   dh ← dh'⊙z
 *
 * Padding (t ≥ lengths[b]): gate gradients are 0 and dh/dc pass through unchanged.
 */
import { GATE_COUNT, type CellKind } from '@recur/backend';
import type { KernelSpec } from '../gpu-context.js';
import { WGSL_COMMON } from './common.js';

/** Uniform field types: B, H, t, yStride, yOffset, hasLengths, hasDy, gatesOff, cPrevOff, auxOff. */
export const CELL_BACKWARD_PARAMS = 'uuuuuuuuuu';


const MATH: Record<CellKind, string> = {
  'rnn-tanh': `
  let hn = cache[g0];
  dGi[d0] = dht * (1.0 - hn * hn);
  dh[s] = 0.0;`,
  'rnn-relu': `
  let hn = cache[g0];
  dGi[d0] = select(0.0, dht, hn > 0.0);
  dh[s] = 0.0;`,
  lstm: `
  let H = p.H;
  let gi = cache[g0]; let gf = cache[g0 + H]; let gg = cache[g0 + 2u * H]; let go = cache[g0 + 3u * H];
  let tc = cache[p.auxOff + row * H + j];
  let cp = cache[p.cPrevOff + row * H + j];
  let dct = dc[s] + dht * go * (1.0 - tc * tc);
  dGi[d0] = dct * gg * gi * (1.0 - gi);
  dGi[d0 + H] = dct * cp * gf * (1.0 - gf);
  dGi[d0 + 2u * H] = dct * gi * (1.0 - gg * gg);
  dGi[d0 + 3u * H] = dht * tc * go * (1.0 - go);
  dc[s] = dct * gf;
  dh[s] = 0.0;`,
  gru: `
  let H = p.H;
  let r = cache[g0]; let z = cache[g0 + H]; let n = cache[g0 + 2u * H];
  let hgn = cache[p.auxOff + row * H + j];
  let hp = cache[row * H + j];
  let dnp = dht * (1.0 - z) * (1.0 - n * n);
  let drp = dnp * hgn * r * (1.0 - r);
  let dzp = dht * (hp - n) * z * (1.0 - z);
  dGi[d0] = drp; dGi[d0 + H] = dzp; dGi[d0 + 2u * H] = dnp;
  dGh[d0] = drp; dGh[d0 + H] = dzp; dGh[d0 + 2u * H] = dnp * r;
  dh[s] = dht * z;`,
};

/** The backward step kernel of one cell kind. */
export function cellBackwardKernel(cell: CellKind): KernelSpec {
  const G = GATE_COUNT[cell];
  return {
    name: `cell-backward-${cell}`,
    bindings: 'rrrwwww',
    code: /* wgsl */ `
${WGSL_COMMON}
struct P { B: u32, H: u32, t: u32, yStride: u32, yOffset: u32, hasLengths: u32, hasDy: u32, gatesOff: u32, cPrevOff: u32, auxOff: u32 };
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> cache: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> lens: array<i32>;
@group(0) @binding(4) var<storage, read_write> dh: array<f32>;
@group(0) @binding(5) var<storage, read_write> dc: array<f32>;
@group(0) @binding(6) var<storage, read_write> dGi: array<f32>;
@group(0) @binding(7) var<storage, read_write> dGh: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg, 64u);
  if (i >= p.B * p.H) { return; }
  let b = i / p.H;
  let j = i % p.H;
  let t = p.t;
  let GH = ${G}u * p.H;
  let s = b * p.H + j;
  let row = t * p.B + b;
  let d0 = row * GH + j;
  if (p.hasLengths != 0u && i32(t) >= lens[b]) {
    for (var g = 0u; g < ${G}u; g = g + 1u) {
      dGi[d0 + g * p.H] = 0.0;
      ${cell === 'gru' ? 'dGh[d0 + g * p.H] = 0.0;' : ''}
    }
    return;
  }
  var dht = dh[s];
  if (p.hasDy != 0u) { dht = dht + dy[row * p.yStride + p.yOffset + j]; }
  let g0 = p.gatesOff + row * GH + j;
  ${MATH[cell]}
}
`,
  };
}
