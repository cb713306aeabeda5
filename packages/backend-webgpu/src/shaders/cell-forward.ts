/**
 * Pointwise gate math of one forward timestep, one invocation per (b, j) of [B, H]. The GEMMs
 * (XG = X·W_ihᵀ + b_ih for all steps, HG = h·W_hhᵀ + b_hh per step) run as separate dispatches
 * in the same compute pass. Gate blocks in PyTorch order (DESIGN.md §4):
 *
 *   rnn:  h' = act(xg + hg)
 *   lstm: i = σ(xg_i + hg_i)  f = σ(xg_f + hg_f)  g = tanh(xg_g + hg_g)  o = σ(xg_o + hg_o)
 *         c' = f⊙c + i⊙g      h' = o⊙tanh(c')
 *   gru:  r = σ(xg_r + hg_r)  z = σ(xg_z + hg_z)  n = tanh(xg_n + r⊙hg_n)   (hg_n includes b_hn)
 *         h' = (1−z)⊙n + z⊙h
 *
 * Padding (t ≥ lengths[b]): the state is carried unchanged and the output row is 0.
 * Training cache (one flat buffer, row block t = what step t saw or made):
 *   [ h_{t−1} T·B·H | activated gates T·B·GH | lstm: c_{t−1} T·B·H, tanh(c_t) T·B·H | gru: hg_n T·B·H ]
 */
import { GATE_COUNT, type CellKind } from '@recur/backend';
import type { KernelSpec } from '../gpu-context.js';
import { WGSL_COMMON } from './common.js';

/** Uniform field types: B, H, t, yStride, yOffset, hasLengths, training, gatesOff, cPrevOff, auxOff. */
export const CELL_FORWARD_PARAMS = 'uuuuuuuuuu';

const MATH: Record<CellKind, string> = {
  'rnn-tanh': `
  let hn = tanh_s(xg[xr + j] + hg[hr + j]);
  h[s] = hn; y[yi] = hn;
  if (p.training != 0u) { cache[p.gatesOff + (t * p.B + b) * GH + j] = hn; }`,
  'rnn-relu': `
  let hn = relu_s(xg[xr + j] + hg[hr + j]);
  h[s] = hn; y[yi] = hn;
  if (p.training != 0u) { cache[p.gatesOff + (t * p.B + b) * GH + j] = hn; }`,
  lstm: `
  let H = p.H;
  let gi = sigm(xg[xr + j] + hg[hr + j]);
  let gf = sigm(xg[xr + H + j] + hg[hr + H + j]);
  let gg = tanh_s(xg[xr + 2u * H + j] + hg[hr + 2u * H + j]);
  let go = sigm(xg[xr + 3u * H + j] + hg[hr + 3u * H + j]);
  let cn = gf * c[s] + gi * gg;
  let tc = tanh_s(cn);
  let hn = go * tc;
  c[s] = cn; h[s] = hn; y[yi] = hn;
  if (p.training != 0u) {
    let g0 = p.gatesOff + (t * p.B + b) * GH + j;
    cache[g0] = gi; cache[g0 + H] = gf; cache[g0 + 2u * H] = gg; cache[g0 + 3u * H] = go;
    cache[p.auxOff + (t * p.B + b) * H + j] = tc;
  }`,
  gru: `
  let H = p.H;
  let r = sigm(xg[xr + j] + hg[hr + j]);
  let z = sigm(xg[xr + H + j] + hg[hr + H + j]);
  let hgn = hg[hr + 2u * H + j];
  let n = tanh_s(xg[xr + 2u * H + j] + r * hgn);
  let hn = (1.0 - z) * n + z * hp;
  h[s] = hn; y[yi] = hn;
  if (p.training != 0u) {
    let g0 = p.gatesOff + (t * p.B + b) * GH + j;
    cache[g0] = r; cache[g0 + H] = z; cache[g0 + 2u * H] = n;
    cache[p.auxOff + (t * p.B + b) * H + j] = hgn;
  }`,
};


/** The forward step kernel of one cell kind. */
export function cellForwardKernel(cell: CellKind): KernelSpec {
  return {
    name: `cell-forward-${cell}`,
    bindings: 'rrrwwww',
    code: /* wgsl */ `
${WGSL_COMMON}
struct P { B: u32, H: u32, t: u32, yStride: u32, yOffset: u32, hasLengths: u32, training: u32, gatesOff: u32, cPrevOff: u32, auxOff: u32 };
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> xg: array<f32>;
@group(0) @binding(2) var<storage, read> hg: array<f32>;
@group(0) @binding(3) var<storage, read> lens: array<i32>;
@group(0) @binding(4) var<storage, read_write> h: array<f32>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> cache: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg, 64u);
  if (i >= p.B * p.H) { return; }
  let b = i / p.H;
  let j = i % p.H;
  let t = p.t;
  let GH = ${GATE_COUNT[cell]}u * p.H;
  let s = b * p.H + j;
  let hp = h[s];
  if (p.training != 0u) {
    // h_{t−1} (and c_{t−1}) for every row, padding included, so backward never reads stale memory.
    cache[(t * p.B + b) * p.H + j] = hp;
    ${cell === 'lstm' ? 'cache[p.cPrevOff + (t * p.B + b) * p.H + j] = c[s];' : ''}
  }
  let yi = (t * p.B + b) * p.yStride + p.yOffset + j;
  if (p.hasLengths != 0u && i32(t) >= lens[b]) {
    y[yi] = 0.0;
    return;
  }
  let xr = (t * p.B + b) * GH;
  let hr = b * GH;
  ${MATH[cell]}
}
`,
  };
}
