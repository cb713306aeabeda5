/**
 * LSTM cell (PyTorch `nn.LSTM`), one timestep, B rows. Gate blocks in order i, f, g, o:
 *
 *   forward:  [a_i a_f a_g a_o] = W_ih x + b_ih + W_hh h + b_hh       [B, 4H]
 *             i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)
 *             c' = f⊙c + i⊙g
 *             h' = o⊙tanh(c')
 *   backward: (dh' includes dy; dc' arrives from step t+1)
 *             do  = dh'⊙tanh(c')
 *             dc̃  = dc' + dh'⊙o⊙(1 − tanh²(c'))
 *             di  = dc̃⊙g   dg = dc̃⊙i   df = dc̃⊙c   dc = dc̃⊙f
 *             da_i = di⊙i(1−i)  da_f = df⊙f(1−f)  da_g = dg⊙(1−g²)  da_o = do⊙o(1−o)
 *             dh = da · W_hh   (the caller's GEMM; the direct part is 0)
 *
 * Cache per step: activated gates [B, 4H], h and c before the step, tanh(c') [B, H].
 */
import { sigmoid, tanh } from './cell-math.js';
import type { BackwardStepArgs, ForwardStepArgs } from './step-args.js';

/** Forward pointwise math of one step. */
export function lstmForwardStep(s: ForwardStepArgs): void {
  const { B, H, pre, preOff, hg, h, c, active, y, yOff, yStride, gates, gatesOff, aux, auxOff } = s;
  const GH = 4 * H;
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
      const i = sigmoid((pre[pRow + j] as number) + (hg[gRow + j] as number));
      const f = sigmoid((pre[pRow + H + j] as number) + (hg[gRow + H + j] as number));
      const g = tanh((pre[pRow + 2 * H + j] as number) + (hg[gRow + 2 * H + j] as number));
      const o = sigmoid((pre[pRow + 3 * H + j] as number) + (hg[gRow + 3 * H + j] as number));
      const cn = f * (c[sRow + j] as number) + i * g;
      const tc = tanh(cn);
      const hn = o * tc;
      c[sRow + j] = cn;
      h[sRow + j] = hn;
      y[yRow + j] = hn;
      if (gates !== null) {
        const go = gatesOff + gRow + j;
        gates[go] = i;
        gates[go + H] = f;
        gates[go + 2 * H] = g;
        gates[go + 3 * H] = o;
      }
      if (aux !== null) aux[auxOff + sRow + j] = tc;
    }
  }
}

/** Backward pointwise math of one step. */
export function lstmBackwardStep(s: BackwardStepArgs): void {
  const { B, H, gates, gatesOff, cPrev, cPrevOff, aux, auxOff, dh, dc, dy, dyOff, dyStride, active, dGi, dGiOff } = s;
  const GH = 4 * H;
  for (let b = 0; b < B; b++) {
    const gRow = b * GH;
    if (active[b] === 0) {
      dGi.fill(0, dGiOff + gRow, dGiOff + gRow + GH);
      continue;
    }
    const sRow = b * H;
    const dyRow = dyOff + b * dyStride;
    const go = gatesOff + gRow;
    const dgo = dGiOff + gRow;
    for (let j = 0; j < H; j++) {
      const i = gates[go + j] as number;
      const f = gates[go + H + j] as number;
      const g = gates[go + 2 * H + j] as number;
      const o = gates[go + 3 * H + j] as number;
      const tc = aux[auxOff + sRow + j] as number;
      const dht = (dh[sRow + j] as number) + (dy !== null ? (dy[dyRow + j] as number) : 0);
      const dct = (dc[sRow + j] as number) + dht * o * (1 - tc * tc);
      dGi[dgo + j] = dct * g * i * (1 - i);
      dGi[dgo + H + j] = dct * (cPrev[cPrevOff + sRow + j] as number) * f * (1 - f);
      dGi[dgo + 2 * H + j] = dct * i * (1 - g * g);
      dGi[dgo + 3 * H + j] = dht * tc * o * (1 - o);
      dc[sRow + j] = dct * f;
      dh[sRow + j] = 0;
    }
  }
}
