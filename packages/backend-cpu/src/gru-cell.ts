/**
 * GRU cell (PyTorch `nn.GRU`, "reset after": b_hn stays inside the reset product), one timestep,
 * B rows. Gate blocks in order r, z, n:
 *
 *   forward:  [x_r x_z x_n] = W_ih x + b_ih       [h_r h_z h_n] = W_hh h + b_hh      [B, 3H]
 *             r = σ(x_r + h_r)   z = σ(x_z + h_z)
 *             n = tanh(x_n + r⊙h_n)
 *             h' = (1−z)⊙n + z⊙h
 *   backward: (dh' includes dy)
 *             dn = dh'⊙(1−z)      dz = dh'⊙(h − n)       dh_direct = dh'⊙z
 *             dn̂ = dn⊙(1−n²)      (gradient of the n pre-activation)
 *             dr̂ = dn̂⊙h_n⊙r(1−r)  dẑ = dz⊙z(1−z)
 *             input side   dG_ih = [dr̂, dẑ, dn̂]
 *             hidden side  dG_hh = [dr̂, dẑ, dn̂⊙r]     (h_n is multiplied by r)
 *             dh = dh_direct + dG_hh · W_hh   (the GEMM is the caller's)
 *
 * Cache per step: activated gates [B, 3H], h before the step, h_n [B, H].
 */
import { sigmoid, tanh } from './cell-math.js';
import type { BackwardStepArgs, ForwardStepArgs } from './step-args.js';

/** Forward pointwise math of one step. */
export function gruForwardStep(s: ForwardStepArgs): void {
  const { B, H, pre, preOff, hg, h, active, y, yOff, yStride, gates, gatesOff, aux, auxOff } = s;
  const GH = 3 * H;
  for (let b = 0; b < B; b++) {
    const yRow = yOff + b * yStride;
    if (active[b] === 0) {
      y.fill(0, yRow, yRow + H);
      continue;
    }
    const gRow = b * GH;
    const pRow = preOff + gRow;
    const sRow = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid((pre[pRow + j] as number) + (hg[gRow + j] as number));
      const z = sigmoid((pre[pRow + H + j] as number) + (hg[gRow + H + j] as number));
      const hn = hg[gRow + 2 * H + j] as number;
      const n = tanh((pre[pRow + 2 * H + j] as number) + r * hn);
      const hNew = (1 - z) * n + z * (h[sRow + j] as number);
      h[sRow + j] = hNew;
      y[yRow + j] = hNew;
      if (gates !== null) {
        const go = gatesOff + gRow + j;
        gates[go] = r;
        gates[go + H] = z;
        gates[go + 2 * H] = n;
      }
      if (aux !== null) aux[auxOff + sRow + j] = hn;
    }
  }
}

/** Backward pointwise math of one step. */
export function gruBackwardStep(s: BackwardStepArgs): void {
  const { B, H, gates, gatesOff, hPrev, hPrevOff, aux, auxOff, dh, dy, dyOff, dyStride, active, dGi, dGiOff, dGh, dGhOff } = s;
  const GH = 3 * H;
  for (let b = 0; b < B; b++) {
    const gRow = b * GH;
    if (active[b] === 0) {
      dGi.fill(0, dGiOff + gRow, dGiOff + gRow + GH);
      dGh.fill(0, dGhOff + gRow, dGhOff + gRow + GH);
      continue;
    }
    const sRow = b * H;
    const dyRow = dyOff + b * dyStride;
    const go = gatesOff + gRow;
    const gi = dGiOff + gRow;
    const gh = dGhOff + gRow;
    for (let j = 0; j < H; j++) {
      const r = gates[go + j] as number;
      const z = gates[go + H + j] as number;
      const n = gates[go + 2 * H + j] as number;
      const hn = aux[auxOff + sRow + j] as number;
      const hp = hPrev[hPrevOff + sRow + j] as number;
      const dht = (dh[sRow + j] as number) + (dy !== null ? (dy[dyRow + j] as number) : 0);
      const dnp = dht * (1 - z) * (1 - n * n);
      const drp = dnp * hn * r * (1 - r);
      const dzp = dht * (hp - n) * z * (1 - z);
      dGi[gi + j] = drp;
      dGi[gi + H + j] = dzp;
      dGi[gi + 2 * H + j] = dnp;
      dGh[gh + j] = drp;
      dGh[gh + H + j] = dzp;
      dGh[gh + 2 * H + j] = dnp * r;
      dh[sRow + j] = dht * z;
    }
  }
}
