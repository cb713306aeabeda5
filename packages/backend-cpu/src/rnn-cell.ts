/**
 * Vanilla RNN cell (PyTorch `nn.RNN`, nonlinearity tanh or relu), one timestep, B rows:
 *
 *   forward:  a = W_ih x + b_ih + W_hh h + b_hh        [B, H]   (G = 1)
 *             h' = act(a)
 *   backward: da = (dh' + dy) ⊙ act'(h')                act' from the output: tanh' = 1 − h'², relu' = [h' > 0]
 *             dh = da · W_hh   (done by the caller's GEMM; the direct part is 0)
 *
 * The cache keeps h' as the step's "gates".
 */
import { relu, tanh } from './cell-math.js';
import type { BackwardStepArgs, ForwardStepArgs } from './step-args.js';

/** Forward pointwise math of one step. */
export function rnnForwardStep(s: ForwardStepArgs, useRelu: boolean): void {
  const { B, H, pre, preOff, hg, h, active, y, yOff, yStride, gates, gatesOff } = s;
  for (let b = 0; b < B; b++) {
    const yRow = yOff + b * yStride;
    const row = b * H;
    if (active[b] === 0) {
      y.fill(0, yRow, yRow + H);
      continue;
    }
    for (let j = 0; j < H; j++) {
      const a = (pre[preOff + row + j] as number) + (hg[row + j] as number);
      const hn = useRelu ? relu(a) : tanh(a);
      h[row + j] = hn;
      y[yRow + j] = hn;
      if (gates !== null) gates[gatesOff + row + j] = hn;
    }
  }
}

/** Backward pointwise math of one step. */
export function rnnBackwardStep(s: BackwardStepArgs, useRelu: boolean): void {
  const { B, H, gates, gatesOff, dh, dy, dyOff, dyStride, active, dGi, dGiOff } = s;
  for (let b = 0; b < B; b++) {
    const row = b * H;
    if (active[b] === 0) {
      dGi.fill(0, dGiOff + row, dGiOff + row + H);
      continue;
    }
    const dyRow = dyOff + b * dyStride;
    for (let j = 0; j < H; j++) {
      const dht = (dh[row + j] as number) + (dy !== null ? (dy[dyRow + j] as number) : 0);
      const hn = gates[gatesOff + row + j] as number;
      const da = useRelu ? (hn > 0 ? dht : 0) : dht * (1 - hn * hn);
      dGi[dGiOff + row + j] = da;
      dh[row + j] = 0;
    }
  }
}
