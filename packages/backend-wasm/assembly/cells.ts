/**
 * Fused whole-sequence recurrent kernels (one direction of one layer), PyTorch equations
 * (DESIGN.md §4). The loop over time runs here: one JS→WASM call per sequence.
 *
 * Shape legend: T time, B batch, I input, H hidden, G gates (rnn 1, lstm 4 = i,f,g,o,
 * gru 3 = r,z,n), GH = G·H, TB = T·B. All pointers are byte offsets into linear memory.
 *
 * Forward
 *   XG[TB, GH] = X[TB, I]·W_ihᵀ + b_ih                  one GEMM for every timestep
 *   W_hhᵀ is packed once; then for t = 0..T−1 (T−1..0 when reverse):
 *     lstm / rnn:  XG[t] += h·W_hhᵀ + b_hh               (accumulated in place)
 *     gru:         HG = h·W_hhᵀ + b_hh                   (kept apart: b_hn sits inside r⊙(·))
 *     gate math per row; padding rows (t ≥ lengths[b]) keep their state and write y = 0.
 *
 * Backward (steps in the opposite order)
 *   per step: dh_t = dh + dy_t; gate derivatives give dG_ih[t] and dG_hh[t] (zero rows for padding)
 *   and the direct part of dh_{t−1};  dh_{t−1} += dG_hh[t]·W_hh   (W_hh packed once).
 *   after the loop, big GEMMs over all TB rows:
 *     dW_ih += dG_ihᵀ·X,  dX += dG_ih·W_ih,  dW_hh += dG_hhᵀ·H_prev,  db += Σ_rows dG.
 *
 * Training cache layout (floats):
 *   [ H_prev TB·H | gates TB·GH | lstm: C_prev TB·H, tanh(c_t) TB·H | gru: W_hn h + b_hn TB·H ]
 * Row block t holds what step t saw or made (time index, not visit order).
 *
 * Threads (tid of nt; nt = 1 in the single-thread build). Work is split by output, never by a
 * reduction, so results are bit-identical for every nt (threads.ts):
 *   - XG and the backward GEMMs over all TB rows: rows of the output (gemmRows).
 *   - the step loop, when B ≥ 8·nt (threads.ts: splitsBatch): batch rows [r0, r1) (whole chunks
 *     of 8). Rows never meet in the recurrence, so a thread takes its rows through every step,
 *     forward and backward, with no barrier per step (only after XG and the packing of W_hh, and
 *     before the weight gradients).
 *   - the step loop otherwise: hidden units [j0, j1) (whole chunks of 8). A thread computes the
 *     columns g·H + j0 … g·H + j1 of every gate block g of the recurrent GEMM and the gate math of
 *     those units; h is double-buffered (read h_t, write h_{t+1}) so one barrier per step suffices.
 *     Backward per step: a thread's units of dG[t], a barrier, then its columns of
 *     dh_{t−1} += dG_hh[t]·W_hh.
 *   - W_hh is packed by units in both cases (each thread its share of the panels). Bias sums:
 *     columns of dG.
 */
import { sigmoidS, sigmoidV, tanhS, tanhV } from './simd-math';
import { gemmPackedB, gemmPackedBSegs, gemmRows, gemmScratchBytes, gemmSmall, MR, NR, PACK_A_BYTES, packB, packedBBytes, roundUp } from './gemm';
import { barrier, partLo, splitsBatch } from './threads';

export const RNN_TANH: i32 = 0;
export const RNN_RELU: i32 = 1;
export const LSTM: i32 = 2;
export const GRU: i32 = 3;

// @ts-ignore: decorator
@inline
export function gateCount(kind: i32): i32 {
  return kind == LSTM ? 4 : kind == GRU ? 3 : 1;
}

/** Floats in the training cache. */
export function cacheFloats(kind: i32, T: i32, B: i32, H: i32): i32 {
  const TBH = T * B * H;
  let n = TBH + TBH * gateCount(kind);
  if (kind == LSTM) n += 2 * TBH;
  else if (kind == GRU) n += TBH;
  return n;
}

// @ts-ignore: decorator
@inline
export function a16(x: i32): i32 {
  return roundUp(x, 16);
}

// ---- forward ----------------------------------------------------------------------------------

/** Per-thread GEMM work area of {@link cellForward}. */
function forwardWorkBytes(T: i32, B: i32, I: i32, GH: i32): i32 {
  return a16(max(gemmScratchBytes(T * B, GH, I), PACK_A_BYTES));
}

/** Bytes of one gate block of packed W_hhᵀ (H×H, panels of NR columns). */
// @ts-ignore: decorator
@inline
function gateBlockPackBytes(H: i32): i32 {
  return a16(packedBBytes(H, H));
}

/** Scratch bytes {@link cellForward} needs with `nt` threads. */
export function forwardScratchBytes(kind: i32, T: i32, B: i32, I: i32, H: i32, training: bool, nt: i32): i32 {
  const G = gateCount(kind);
  const GH = G * H;
  const TB = T * B;
  let n = training ? 0 : a16(TB * GH * 4); // XG (in the cache when training)
  if (kind == GRU) n += a16(B * GH * 4); // HG
  n += a16(B * H * 4); // second state buffer (h is double-buffered)
  if (B >= MR) n += G * gateBlockPackBytes(H); // packed W_hhᵀ, one block per gate
  n += max(nt, 1) * forwardWorkBytes(T, B, I, GH);
  return n;
}

/** Zero `n` floats. */
// @ts-ignore: decorator
@inline
export function zeroRow(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>(n * 4));
}

/**
 * LSTM gate math for n units of one row (gate blocks H apart). pre: [i f g o] pre-activations
 * (overwritten with activations); c is updated in place; h' goes to hOut and yrow.
 */
function lstmForwardRow(pre: usize, c: usize, hOut: usize, yrow: usize, aux: usize, n: i32, H: i32): void {
  const H4 = <usize>(H * 4);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>(j * 4);
    const pi = pre + o;
    const ig = sigmoidV(v128.load(pi));
    const fg = sigmoidV(v128.load(pi + H4));
    const gg = tanhV(v128.load(pi + 2 * H4));
    const og = sigmoidV(v128.load(pi + 3 * H4));
    // c' = f⊙c + i⊙g ; h' = o⊙tanh(c')
    const cn = f32x4.add(f32x4.mul(fg, v128.load(c + o)), f32x4.mul(ig, gg));
    const tc = tanhV(cn);
    const hn = f32x4.mul(og, tc);
    v128.store(c + o, cn);
    v128.store(hOut + o, hn);
    v128.store(yrow + o, hn);
    v128.store(pi, ig);
    v128.store(pi + H4, fg);
    v128.store(pi + 2 * H4, gg);
    v128.store(pi + 3 * H4, og);
    if (aux != 0) v128.store(aux + o, tc);
  }
  for (; j < n; j++) {
    const o = <usize>(j * 4);
    const pi = pre + o;
    const ig = sigmoidS(load<f32>(pi));
    const fg = sigmoidS(load<f32>(pi + H4));
    const gg = tanhS(load<f32>(pi + 2 * H4));
    const og = sigmoidS(load<f32>(pi + 3 * H4));
    const cn = fg * load<f32>(c + o) + ig * gg;
    const tc = tanhS(cn);
    const hn = og * tc;
    store<f32>(c + o, cn);
    store<f32>(hOut + o, hn);
    store<f32>(yrow + o, hn);
    store<f32>(pi, ig);
    store<f32>(pi + H4, fg);
    store<f32>(pi + 2 * H4, gg);
    store<f32>(pi + 3 * H4, og);
    if (aux != 0) store<f32>(aux + o, tc);
  }
}

/** GRU gate math for n units of one row. pre: [x_r x_z x_n] (overwritten with r z n); hg: [h_r h_z h_n]. */
function gruForwardRow(pre: usize, hg: usize, hIn: usize, hOut: usize, yrow: usize, aux: usize, n: i32, H: i32): void {
  const H4 = <usize>(H * 4);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>(j * 4);
    const pi = pre + o;
    const ph = hg + o;
    // r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n), h' = (1−z)⊙n + z⊙h = n + z⊙(h − n)
    const r = sigmoidV(f32x4.add(v128.load(pi), v128.load(ph)));
    const z = sigmoidV(f32x4.add(v128.load(pi + H4), v128.load(ph + H4)));
    const hn = v128.load(ph + 2 * H4);
    const nn = tanhV(f32x4.add(v128.load(pi + 2 * H4), f32x4.mul(r, hn)));
    const hp = v128.load(hIn + o);
    const hnew = f32x4.add(nn, f32x4.mul(z, f32x4.sub(hp, nn)));
    v128.store(hOut + o, hnew);
    v128.store(yrow + o, hnew);
    v128.store(pi, r);
    v128.store(pi + H4, z);
    v128.store(pi + 2 * H4, nn);
    if (aux != 0) v128.store(aux + o, hn);
  }
  for (; j < n; j++) {
    const o = <usize>(j * 4);
    const pi = pre + o;
    const ph = hg + o;
    const r = sigmoidS(load<f32>(pi) + load<f32>(ph));
    const z = sigmoidS(load<f32>(pi + H4) + load<f32>(ph + H4));
    const hn = load<f32>(ph + 2 * H4);
    const nn = tanhS(load<f32>(pi + 2 * H4) + r * hn);
    const hp = load<f32>(hIn + o);
    const hnew = nn + z * (hp - nn);
    store<f32>(hOut + o, hnew);
    store<f32>(yrow + o, hnew);
    store<f32>(pi, r);
    store<f32>(pi + H4, z);
    store<f32>(pi + 2 * H4, nn);
    if (aux != 0) store<f32>(aux + o, hn);
  }
}

/** RNN: h' = act(pre) for n units (pre already holds W_ih x + b_ih + W_hh h + b_hh); pre ← h'. */
function rnnForwardRow(pre: usize, hOut: usize, yrow: usize, n: i32, relu: bool): void {
  let j = 0;
  const zero = f32x4.splat(0);
  for (; j + 4 <= n; j += 4) {
    const o = <usize>(j * 4);
    const v = v128.load(pre + o);
    const a = relu ? f32x4.max(v, zero) : tanhV(v);
    v128.store(hOut + o, a);
    v128.store(yrow + o, a);
    v128.store(pre + o, a);
  }
  for (; j < n; j++) {
    const o = <usize>(j * 4);
    const v = load<f32>(pre + o);
    const a: f32 = relu ? (v > 0 ? v : 0) : tanhS(v);
    store<f32>(hOut + o, a);
    store<f32>(yrow + o, a);
    store<f32>(pre + o, a);
  }
}

// @ts-ignore: decorator
@inline
export function isActive(lens: usize, b: i32, t: i32): bool {
  return lens == 0 || t < load<i32>(lens + <usize>(b * 4));
}

/** dst[b, j0:j0+n] = src[b, j0:j0+n] (or 0 when src is 0) for rows b0 ≤ b < b1 of H floats. */
export function copyUnits(dst: usize, src: usize, b0: i32, b1: i32, H: i32, j0: i32, n: i32): void {
  if (n <= 0) return;
  for (let b = b0; b < b1; b++) {
    const off = <usize>((b * H + j0) * 4);
    if (src != 0) memory.copy(dst + off, src + off, <usize>(n * 4));
    else memory.fill(dst + off, 0, <usize>(n * 4));
  }
}

/** dst[b, j0:j0+n] += src[b, j0:j0+n] for rows b0 ≤ b < b1 of H floats. */
export function addUnits(dst: usize, src: usize, b0: i32, b1: i32, H: i32, j0: i32, n: i32): void {
  for (let b = b0; b < b1; b++) {
    for (let j = j0; j < j0 + n; j++) {
      const o = <usize>((b * H + j) * 4);
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  }
}

/**
 * Forward over the whole sequence, thread `tid` of `nt` (see the file comment; nt = 1 runs it all).
 * h0/c0/bIh/bHh/lens/cache may be 0 (none). `cache` != 0 means training: activations are kept there
 * (layout in the file comment). `ctl`/`canBlock`: the barrier's control block (threads.ts).
 */
export function cellForward(
  kind: i32, T: i32, B: i32, I: i32, H: i32, reverse: bool, lens: usize,
  x: usize, wIh: usize, wHh: usize, bIh: usize, bHh: usize, h0: usize, c0: usize,
  y: usize, yStride: i32, yOffset: i32, hN: usize, cN: usize, cache: usize, scratch: usize,
  tid: i32, nt: i32, ctl: usize, canBlock: bool,
): void {
  const G = gateCount(kind);
  const GH = G * H;
  const TB = T * B;
  const BHb = <usize>(B * H * 4);
  const training = cache != 0;
  // this thread's share of the step loop: batch rows [r0, r1) and hidden units [j0, j0 + hw)
  // (threads.ts: splitsBatch); its share of packing W_hhᵀ: units [p0, p0 + pw)
  const byRows = splitsBatch(B, nt);
  const p0 = partLo(H, tid, nt);
  const pw = partLo(H, tid + 1, nt) - p0;
  const r0 = byRows ? partLo(B, tid, nt) : 0;
  const r1 = byRows ? partLo(B, tid + 1, nt) : B;
  const j0 = byRows ? 0 : p0;
  const hw = byRows ? H : pw;
  const u0 = <usize>(j0 * 4);

  // scratch layout (mirrors forwardScratchBytes)
  let s = scratch;
  let xg: usize;
  if (training) {
    xg = cache + <usize>(TB * H * 4);
  } else {
    xg = s;
    s += <usize>(a16(TB * GH * 4));
  }
  let hg: usize = 0;
  if (kind == GRU) {
    hg = s;
    s += <usize>(a16(B * GH * 4));
  }
  const h2 = s;
  s += <usize>(a16(B * H * 4));
  const packBytes = <usize>(gateBlockPackBytes(H));
  let whhPack: usize = 0;
  if (B >= MR) {
    whhPack = s;
    s += <usize>(G) * packBytes;
  }
  const work = s + <usize>(tid) * <usize>(forwardWorkBytes(T, B, I, GH));

  // XG = X·W_ihᵀ + b_ih for all TB rows at once (rows split across threads)
  gemmRows(TB, GH, I, x, I, false, wIh, I, true, 1, 0, xg, GH, bIh, work, tid, nt);
  // this thread packs its units' panels of W_hhᵀ, per gate block g: columns p0… of rows g·H… of
  // W_hh; a unit split then reads only those, a row split reads every panel (after the barrier)
  if (B >= MR && pw > 0) {
    const packAt = whhPack + <usize>((p0 / NR) * H * NR * 4);
    for (let g = 0; g < G; g++) packB(wHh + <usize>(g * H * H * 4), H, true, H, p0, pw, packAt + <usize>(g) * packBytes);
  }
  const myPack = whhPack + <usize>((j0 / NR) * H * NR * 4);
  const rows = r1 - r0;
  const rowsA = <usize>(r0 * H * 4); // byte offset of row r0 in a B×H state
  const rowsG = <usize>(r0 * GH * 4); // … in a B×GH gate block

  // running state: h ping-pongs between hN and h2 so that the last step writes hN (a copy after the
  // loop would race with threads still reading hN in that step); c lives in cN
  const c = cN;
  const lastInHN = (T & 1) == 1; // step s writes hN when T−1−s is even
  copyUnits(lastInHN ? h2 : hN, h0, r0, r1, H, j0, hw);
  if (kind == LSTM) copyUnits(c, c0, r0, r1, H, j0, hw);
  const hPrevBase = cache;
  const gatesBase = cache + <usize>(TB * H * 4);
  const cPrevBase = gatesBase + <usize>(TB * GH * 4);
  const auxBase = kind == LSTM ? cPrevBase + <usize>(TB * H * 4) : cPrevBase;
  barrier(ctl, nt, canBlock); // XG and the packed W_hhᵀ complete

  for (let step = 0; step < T; step++) {
    const t = reverse ? T - 1 - step : step;
    const toHN = ((T - 1 - step) & 1) == 0;
    const hCur = toHN ? h2 : hN;
    const hNext = toHN ? hN : h2;
    if (hw > 0 && rows > 0) {
      const pre = xg + <usize>(t * B * GH * 4);
      if (training) {
        copyUnits(hPrevBase + <usize>(t) * BHb, hCur, r0, r1, H, j0, hw);
        if (kind == LSTM) copyUnits(cPrevBase + <usize>(t) * BHb, c, r0, r1, H, j0, hw);
      }
      // recurrent projection for this thread's units in every gate block: h·W_hhᵀ + b_hh
      const dst = kind == GRU ? hg : pre;
      const beta: f32 = kind == GRU ? 0 : 1;
      if (B >= MR) {
        gemmPackedBSegs(rows, hw, H, hCur + rowsA, H, false, myPack, packBytes, G, 1, beta, dst + rowsG + u0, GH, H, bHh != 0 ? bHh + u0 : 0, work);
      } else {
        for (let g = 0; g < G; g++) {
          const col = <usize>((g * H + j0) * 4);
          gemmSmall(rows, hw, H, hCur + rowsA, H, false, wHh + <usize>(g * H + j0) * <usize>(H * 4), H, true, 1, beta, dst + rowsG + col, GH, bHh != 0 ? bHh + col : 0, work);
        }
      }
      const auxT = training && kind != RNN_TANH && kind != RNN_RELU ? auxBase + <usize>(t) * BHb : 0;
      for (let b = r0; b < r1; b++) {
        const yrow = y + <usize>(((t * B + b) * yStride + yOffset) * 4) + u0;
        const rowH = <usize>(b * H * 4) + u0;
        const auxRow = auxT != 0 ? auxT + rowH : 0;
        if (!isActive(lens, b, t)) {
          // padding: the state is carried, y = 0 (and the cache's aux row is zero, not stale memory)
          zeroRow(yrow, hw);
          if (auxRow != 0) zeroRow(auxRow, hw);
          memory.copy(hNext + rowH, hCur + rowH, <usize>(hw * 4));
          continue;
        }
        const preRow = pre + <usize>(b * GH * 4) + u0;
        if (kind == LSTM) lstmForwardRow(preRow, c + rowH, hNext + rowH, yrow, auxRow, hw, H);
        else if (kind == GRU) gruForwardRow(preRow, hg + <usize>(b * GH * 4) + u0, hCur + rowH, hNext + rowH, yrow, auxRow, hw, H);
        else rnnForwardRow(preRow, hNext + rowH, yrow, hw, kind == RNN_RELU);
      }
    }
    // a unit split: every unit of h_{t+1} written before it is read (a row split reads only its rows)
    if (!byRows && step < T - 1) barrier(ctl, nt, canBlock);
  }
}
