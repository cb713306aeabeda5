/**
 * The arguments of one timestep's pointwise gate math. One object is made per kernel call and
 * its offsets are moved every step, so the time loop allocates nothing.
 *
 * Shape legend: B batch, H hidden, G gates, GH = G·H. Row b of a [B, GH] block holds the gate
 * blocks side by side in PyTorch order (lstm i,f,g,o; gru r,z,n).
 */
import type { CpuArray } from './tensor-store.js';

/** Forward step: pre-activations in, activated gates and new state out. */
export interface ForwardStepArgs {
  B: number;
  H: number;
  /** Input projections W_ih x_t + b_ih for this step, [B, GH] at `preOff`. */
  pre: CpuArray;
  preOff: number;
  /** Recurrent projections W_hh h + b_hh, [B, GH] at 0. */
  hg: CpuArray;
  /** Hidden state [B, H], read as h_{t−1} and overwritten with h_t (rows of padded steps kept). */
  h: CpuArray;
  /** Cell state [B, H] (LSTM only), updated like `h`. */
  c: CpuArray;
  /** active[b] = 1 when step t of sequence b is real, 0 when padding. */
  active: Uint8Array;
  /** Output row base: y[yOff + b·yStride + j]. */
  y: CpuArray;
  yOff: number;
  yStride: number;
  /** Training: activated gates [B, GH] written here (may alias `pre`); null in inference. */
  gates: CpuArray | null;
  gatesOff: number;
  /** Training: lstm tanh(c_t) or gru (W_hn h + b_hn), [B, H]; null in inference. */
  aux: CpuArray | null;
  auxOff: number;
}

/** Backward step: cached activations and incoming gradients in, gate gradients out. */
export interface BackwardStepArgs {
  B: number;
  H: number;
  /** Activated gates of this step, [B, GH]. */
  gates: CpuArray;
  gatesOff: number;
  /** h_{t−1}, [B, H]. */
  hPrev: CpuArray;
  hPrevOff: number;
  /** c_{t−1} (LSTM), [B, H]. */
  cPrev: CpuArray;
  cPrevOff: number;
  /** lstm tanh(c_t) / gru (W_hn h + b_hn), [B, H]. */
  aux: CpuArray;
  auxOff: number;
  /** dL/dh_t arriving from step t+1 (in processing order), [B, H]; overwritten with the direct part of dL/dh_{t−1}. */
  dh: CpuArray;
  /** dL/dc_t (LSTM), [B, H]; overwritten with dL/dc_{t−1}. */
  dc: CpuArray;
  /** dL/dy_t row base, or null. */
  dy: CpuArray | null;
  dyOff: number;
  dyStride: number;
  active: Uint8Array;
  /** dL/d(pre-activation) on the input side, [B, GH] (written, zero rows for padding). */
  dGi: CpuArray;
  dGiOff: number;
  /** dL/d(pre-activation) on the recurrent side (GRU: n block is dn⊙r); may alias dGi. */
  dGh: CpuArray;
  dGhOff: number;
}
