/**
 * The loop over time for one direction of one recurrent layer, forward and backward (BPTT).
 * The whole loop runs here, inside the backend: no host round trip per step.
 *
 * Shape legend: T time, B batch, I input, H hidden, G gates (rnn 1, lstm 4, gru 3), GH = G·H.
 *
 * Forward
 *   1. One GEMM projects every timestep's input at once:   XG[T·B, GH] = X[T·B, I]·W_ihᵀ + b_ih
 *   2. For each step t (T−1 … 0 when `reverse`):
 *        HG[B, GH] = h_{t−1}·W_hhᵀ + b_hh                  (the recurrent GEMM)
 *        gate math per row (rnn-cell / lstm-cell / gru-cell), writing h_t, c_t and y_t.
 *      Padding (t ≥ lengths[b]): the state row is carried unchanged and y_t row is written as 0.
 *
 * Backward (steps visited in the opposite order of the forward)
 *   For each step: dh_t += dy_t; gate math gives dG_ih[t], dG_hh[t] (zero rows for padding) and
 *   the direct part of dh_{t−1}; then  dh_{t−1} += dG_hh[t]·W_hh   (GEMM [B, GH]×[GH, H]).
 *   After the loop, three big GEMMs over all T·B rows, accumulating into the outputs:
 *     dW_ih += dG_ihᵀ·X          [GH, I]
 *     dX    += dG_ih·W_ih        [T·B, I]
 *     dW_hh += dG_hhᵀ·H_prev     [GH, H]
 *     db_ih += Σ_rows dG_ih      db_hh += Σ_rows dG_hh
 *
 * The training cache is one flat array (one tensor), laid out as
 *   [ H_prev T·B·H | gates T·B·GH | lstm: C_prev T·B·H, tanh(c_t) T·B·H | gru: h_n T·B·H ]
 * where row block t holds what step t saw or made (time index, not visit order).
 */
import type { CellKind } from '@recur/backend';
import { gemmRaw, packAllB, packedBSize } from './gemm.js';
import { gruBackwardStep, gruForwardStep } from './gru-cell.js';
import { lstmBackwardStep, lstmForwardStep } from './lstm-cell.js';
import { rnnBackwardStep, rnnForwardStep } from './rnn-cell.js';
import type { BackwardStepArgs, ForwardStepArgs } from './step-args.js';
import type { CpuArray } from './tensor-store.js';
import type { Workspace } from './workspace.js';

/** Sizes and layout of one cell call, already validated. */
export interface SequenceShape {
  readonly cell: CellKind;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly G: number;
  readonly reverse: boolean;
  readonly lengths: Int32Array | null;
  readonly yStride: number;
  readonly yOffset: number;
}

/** Offsets of the regions inside a cache array. */
export interface CacheLayout {
  readonly hPrev: number;
  readonly gates: number;
  /** LSTM c_{t−1} (−1 otherwise). */
  readonly cPrev: number;
  /** LSTM tanh(c_t) / GRU h_n (−1 for rnn). */
  readonly aux: number;
  readonly size: number;
}

/** Where each region of the cache lives. */
export function cacheLayout(cell: CellKind, T: number, B: number, H: number, G: number): CacheLayout {
  const TBH = T * B * H;
  const hPrev = 0;
  const gates = TBH;
  let end = gates + T * B * G * H;
  let cPrev = -1;
  let aux = -1;
  if (cell === 'lstm') {
    cPrev = end;
    end += TBH;
    aux = end;
    end += TBH;
  } else if (cell === 'gru') {
    aux = end;
    end += TBH;
  }
  return { hPrev, gates, cPrev, aux, size: end };
}

/** Arrays of one forward call. */
export interface ForwardArrays {
  readonly x: CpuArray;
  readonly wIh: CpuArray;
  readonly wHh: CpuArray;
  readonly bIh: CpuArray | null;
  readonly bHh: CpuArray | null;
  /** Initial states, or null for zeros. */
  readonly h0: CpuArray | null;
  readonly c0: CpuArray | null;
  readonly y: CpuArray;
  /** Final states; also used as the running state during the loop. */
  readonly hN: CpuArray;
  readonly cN: CpuArray | null;
  /** The training cache (size from {@link cacheLayout}), or null for inference. */
  readonly cache: CpuArray | null;
}

function fillActive(active: Uint8Array, lengths: Int32Array | null, t: number): void {
  for (let b = 0; b < active.length; b++) active[b] = lengths === null || t < (lengths[b] as number) ? 1 : 0;
}

/** Run the forward pass over the whole sequence. */
export function sequenceForward(sh: SequenceShape, a: ForwardArrays, ws: Workspace): void {
  const { cell, T, B, I, H, G, reverse, lengths } = sh;
  const GH = G * H;
  const BH = B * H;
  const layout = a.cache !== null ? cacheLayout(cell, T, B, H, G) : null;

  // 1. XG = X·W_ihᵀ + b_ih for all T·B rows (in training, straight into the cache's gate region,
  //    which the gate math then overwrites step by step with the activated gates).
  const xg = a.cache ?? ws.get('xg', T * B * GH);
  const xgOff = layout ? layout.gates : 0;
  gemmRaw(T * B, GH, I, 1, { data: a.x, offset: 0, ld: I, trans: false }, { data: a.wIh, offset: 0, ld: I, trans: true }, 0, { data: xg, offset: xgOff, ld: GH }, a.bIh, 0, ws.gemm);

  // 2. State: h (and c) run in the hN / cN outputs.
  const h = a.hN;
  if (a.h0 !== null) h.set(a.h0.subarray(0, BH));
  else h.fill(0);
  const c = a.cN ?? ws.get('c', BH);
  if (cell === 'lstm') {
    if (a.c0 !== null) c.set(a.c0.subarray(0, BH));
    else c.fill(0, 0, BH);
  }
  const hg = ws.get('hg', B * GH);
  const active = new Uint8Array(B);
  const s: ForwardStepArgs = {
    B,
    H,
    pre: xg,
    preOff: 0,
    hg,
    h,
    c,
    active,
    y: a.y,
    yOff: 0,
    yStride: sh.yStride,
    gates: a.cache,
    gatesOff: 0,
    aux: layout && layout.aux >= 0 ? a.cache : null,
    auxOff: 0,
  };
  const hOperand = { data: h, offset: 0, ld: H, trans: false };
  const wHhT = { data: a.wHh, offset: 0, ld: H, trans: true };
  const hgOut = { data: hg, offset: 0, ld: GH };
  // W_hhᵀ is the same every step: pack it for the GEMM once.
  const wHhPacked = packAllB(wHhT, H, GH, ws.getF64('wHhPacked', packedBSize(H, GH)));

  for (let step = 0; step < T; step++) {
    const t = reverse ? T - 1 - step : step;
    fillActive(active, lengths, t);
    if (a.cache !== null && layout !== null) {
      // Cache what the step sees: h_{t−1} (and c_{t−1}).
      a.cache.set(h.subarray(0, BH), layout.hPrev + t * BH);
      if (layout.cPrev >= 0) a.cache.set(c.subarray(0, BH), layout.cPrev + t * BH);
      s.gatesOff = layout.gates + t * B * GH;
      s.auxOff = layout.aux + t * BH;
    }
    // HG = h_{t−1}·W_hhᵀ + b_hh
    gemmRaw(B, GH, H, 1, hOperand, wHhT, 0, hgOut, a.bHh, 0, ws.gemm, wHhPacked);
    s.preOff = xgOff + t * B * GH;
    s.yOff = t * B * sh.yStride + sh.yOffset;
    switch (cell) {
      case 'lstm':
        lstmForwardStep(s);
        break;
      case 'gru':
        gruForwardStep(s);
        break;
      case 'rnn-tanh':
        rnnForwardStep(s, false);
        break;
      case 'rnn-relu':
        rnnForwardStep(s, true);
        break;
    }
  }
}

/** Arrays of one backward call (gradient outputs accumulate). */
export interface BackwardArrays {
  readonly x: CpuArray;
  readonly wIh: CpuArray;
  readonly wHh: CpuArray;
  readonly cache: CpuArray;
  readonly dy: CpuArray | null;
  readonly dhN: CpuArray | null;
  readonly dcN: CpuArray | null;
  readonly dx: CpuArray | null;
  readonly dWih: CpuArray;
  readonly dWhh: CpuArray;
  readonly dbIh: CpuArray | null;
  readonly dbHh: CpuArray | null;
  readonly dh0: CpuArray | null;
  readonly dc0: CpuArray | null;
}

/** Backpropagation through time over the sequence a forward call cached. */
export function sequenceBackward(sh: SequenceShape, a: BackwardArrays, ws: Workspace): void {
  const { cell, T, B, I, H, G, reverse, lengths } = sh;
  const GH = G * H;
  const BH = B * H;
  const TB = T * B;
  const layout = cacheLayout(cell, T, B, H, G);
  const dGi = ws.get('dGi', TB * GH);
  const dGh = cell === 'gru' ? ws.get('dGh', TB * GH) : dGi;
  const dh = ws.get('dh', BH);
  const dc = ws.get('dc', BH);
  if (a.dhN !== null) dh.set(a.dhN.subarray(0, BH));
  else dh.fill(0, 0, BH);
  if (a.dcN !== null) dc.set(a.dcN.subarray(0, BH));
  else dc.fill(0, 0, BH);

  const active = new Uint8Array(B);
  const s: BackwardStepArgs = {
    B,
    H,
    gates: a.cache,
    gatesOff: 0,
    hPrev: a.cache,
    hPrevOff: 0,
    cPrev: a.cache,
    cPrevOff: 0,
    aux: a.cache,
    auxOff: 0,
    dh,
    dc,
    dy: a.dy,
    dyOff: 0,
    dyStride: sh.yStride,
    active,
    dGi,
    dGiOff: 0,
    dGh,
    dGhOff: 0,
  };
  const wHh = { data: a.wHh, offset: 0, ld: H, trans: false };
  const dhOut = { data: dh, offset: 0, ld: H };
  const dGhStep = { data: dGh, offset: 0, ld: GH, trans: false };
  const wHhPacked = packAllB(wHh, GH, H, ws.getF64('wHhPacked', packedBSize(GH, H)));

  for (let step = 0; step < T; step++) {
    // Visit steps in the opposite order of the forward pass.
    const t = reverse ? step : T - 1 - step;
    fillActive(active, lengths, t);
    s.gatesOff = layout.gates + t * B * GH;
    s.hPrevOff = layout.hPrev + t * BH;
    s.cPrevOff = layout.cPrev + t * BH;
    s.auxOff = layout.aux + t * BH;
    s.dyOff = t * B * sh.yStride + sh.yOffset;
    s.dGiOff = t * B * GH;
    s.dGhOff = t * B * GH;
    switch (cell) {
      case 'lstm':
        lstmBackwardStep(s);
        break;
      case 'gru':
        gruBackwardStep(s);
        break;
      case 'rnn-tanh':
        rnnBackwardStep(s, false);
        break;
      case 'rnn-relu':
        rnnBackwardStep(s, true);
        break;
    }
    // dh_{t−1} += dG_hh[t]·W_hh  (padding rows of dG_hh are zero, so carried rows keep dh).
    const last = step === T - 1;
    if (!last || a.dh0 !== null) {
      dGhStep.offset = t * B * GH;
      gemmRaw(B, H, GH, 1, dGhStep, wHh, 1, dhOut, null, 0, ws.gemm, wHhPacked);
    }
  }

  // Weight and input gradients as single GEMMs over every (t, b) row.
  gemmRaw(GH, I, TB, 1, { data: dGi, offset: 0, ld: GH, trans: true }, { data: a.x, offset: 0, ld: I, trans: false }, 1, { data: a.dWih, offset: 0, ld: I }, null, 0, ws.gemm);
  if (a.dx !== null) {
    gemmRaw(TB, I, GH, 1, { data: dGi, offset: 0, ld: GH, trans: false }, { data: a.wIh, offset: 0, ld: I, trans: false }, 1, { data: a.dx, offset: 0, ld: I }, null, 0, ws.gemm);
  }
  gemmRaw(GH, H, TB, 1, { data: dGh, offset: 0, ld: GH, trans: true }, { data: a.cache, offset: layout.hPrev, ld: H, trans: false }, 1, { data: a.dWhh, offset: 0, ld: H }, null, 0, ws.gemm);
  // db_ih += Σ_rows dG_ih, db_hh += Σ_rows dG_hh (the same sums unless the cell is a GRU).
  const sumsI = a.dbIh !== null || (a.dbHh !== null && dGh === dGi) ? columnSums(dGi, TB, GH, ws.getF64('sumsI', GH)) : null;
  const sumsH = a.dbHh !== null ? (dGh === dGi ? sumsI : columnSums(dGh, TB, GH, ws.getF64('sumsH', GH))) : null;
  if (a.dbIh !== null && sumsI !== null) for (let j = 0; j < GH; j++) a.dbIh[j] = (a.dbIh[j] as number) + (sumsI[j] as number);
  if (a.dbHh !== null && sumsH !== null) for (let j = 0; j < GH; j++) a.dbHh[j] = (a.dbHh[j] as number) + (sumsH[j] as number);
  if (a.dh0 !== null) for (let i = 0; i < BH; i++) a.dh0[i] = (a.dh0[i] as number) + (dh[i] as number);
  if (a.dc0 !== null && cell === 'lstm') for (let i = 0; i < BH; i++) a.dc0[i] = (a.dc0[i] as number) + (dc[i] as number);
}

/** acc[c] = Σ_r m[r, c] over a rows×cols block at offset 0 (in double precision). */
function columnSums(m: CpuArray, rows: number, cols: number, acc: Float64Array): Float64Array {
  acc.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) acc[j] = (acc[j] as number) + (m[base + j] as number);
  }
  return acc;
}
