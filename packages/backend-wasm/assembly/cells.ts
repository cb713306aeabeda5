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
 *   - the step loop: hidden units [j0, j1) (whole chunks of 8). A thread computes the columns
 *     g·H + j0 … g·H + j1 of every gate block g of the recurrent GEMM and the gate math of those
 *     units; h is double-buffered (read h_t, write h_{t+1}) so one barrier per step suffices.
 *   - backward per step: a thread's units of dG[t], a barrier, then its columns of
 *     dh_{t−1} += dG_hh[t]·W_hh. Bias sums: columns of dG.
 */
import { sigmoidS, sigmoidV, tanhS, tanhV } from './simd-math';
import { gemmPackedB, gemmPackedBSegs, gemmRows, gemmScratchBytes, gemmSmall, MR, NR, PACK_A_BYTES, packB, packedBBytes, roundUp } from './gemm';
import { barrier, partLo } from './threads';

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
function a16(x: i32): i32 {
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
function zeroRow(p: usize, n: i32): void {
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
function isActive(lens: usize, b: i32, t: i32): bool {
  return lens == 0 || t < load<i32>(lens + <usize>(b * 4));
}

/** dst[b, j0:j0+n] = src[b, j0:j0+n] (or 0 when src is 0) for B rows of H floats. */
function copyUnits(dst: usize, src: usize, B: i32, H: i32, j0: i32, n: i32): void {
  if (n <= 0) return;
  for (let b = 0; b < B; b++) {
    const off = <usize>((b * H + j0) * 4);
    if (src != 0) memory.copy(dst + off, src + off, <usize>(n * 4));
    else memory.fill(dst + off, 0, <usize>(n * 4));
  }
}

/** dst[b, j0:j0+n] += src[b, j0:j0+n] for B rows of H floats. */
function addUnits(dst: usize, src: usize, B: i32, H: i32, j0: i32, n: i32): void {
  for (let b = 0; b < B; b++) {
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
  // this thread's hidden units
  const j0 = partLo(H, tid, nt);
  const hw = partLo(H, tid + 1, nt) - j0;
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
  // this thread's panels of W_hhᵀ, per gate block g: columns j0… of rows g·H… of W_hh
  const myPack = whhPack + <usize>((j0 / NR) * H * NR * 4);
  if (B >= MR && hw > 0) {
    for (let g = 0; g < G; g++) packB(wHh + <usize>(g * H * H * 4), H, true, H, j0, hw, myPack + <usize>(g) * packBytes);
  }

  // running state: h ping-pongs between hN and h2 so that the last step writes hN (a copy after the
  // loop would race with threads still reading hN in that step); c lives in cN
  const c = cN;
  const lastInHN = (T & 1) == 1; // step s writes hN when T−1−s is even
  copyUnits(lastInHN ? h2 : hN, h0, B, H, j0, hw);
  if (kind == LSTM) copyUnits(c, c0, B, H, j0, hw);
  const hPrevBase = cache;
  const gatesBase = cache + <usize>(TB * H * 4);
  const cPrevBase = gatesBase + <usize>(TB * GH * 4);
  const auxBase = kind == LSTM ? cPrevBase + <usize>(TB * H * 4) : cPrevBase;
  barrier(ctl, nt, canBlock); // XG complete

  for (let step = 0; step < T; step++) {
    const t = reverse ? T - 1 - step : step;
    const toHN = ((T - 1 - step) & 1) == 0;
    const hCur = toHN ? h2 : hN;
    const hNext = toHN ? hN : h2;
    if (hw > 0) {
      const pre = xg + <usize>(t * B * GH * 4);
      if (training) {
        copyUnits(hPrevBase + <usize>(t) * BHb, hCur, B, H, j0, hw);
        if (kind == LSTM) copyUnits(cPrevBase + <usize>(t) * BHb, c, B, H, j0, hw);
      }
      // recurrent projection for this thread's units in every gate block: h·W_hhᵀ + b_hh
      const dst = kind == GRU ? hg : pre;
      const beta: f32 = kind == GRU ? 0 : 1;
      if (B >= MR) {
        gemmPackedBSegs(B, hw, H, hCur, H, false, myPack, packBytes, G, 1, beta, dst + u0, GH, H, bHh != 0 ? bHh + u0 : 0, work);
      } else {
        for (let g = 0; g < G; g++) {
          const col = <usize>((g * H + j0) * 4);
          gemmSmall(B, hw, H, hCur, H, false, wHh + <usize>(g * H + j0) * <usize>(H * 4), H, true, 1, beta, dst + col, GH, bHh != 0 ? bHh + col : 0, work);
        }
      }
      const auxT = training && kind != RNN_TANH && kind != RNN_RELU ? auxBase + <usize>(t) * BHb : 0;
      for (let b = 0; b < B; b++) {
        const yrow = y + <usize>(((t * B + b) * yStride + yOffset) * 4) + u0;
        const rowH = <usize>(b * H * 4) + u0;
        if (!isActive(lens, b, t)) {
          // padding: the state is carried, y = 0
          zeroRow(yrow, hw);
          memory.copy(hNext + rowH, hCur + rowH, <usize>(hw * 4));
          continue;
        }
        const preRow = pre + <usize>(b * GH * 4) + u0;
        const auxRow = auxT != 0 ? auxT + rowH : 0;
        if (kind == LSTM) lstmForwardRow(preRow, c + rowH, hNext + rowH, yrow, auxRow, hw, H);
        else if (kind == GRU) gruForwardRow(preRow, hg + <usize>(b * GH * 4) + u0, hCur + rowH, hNext + rowH, yrow, auxRow, hw, H);
        else rnnForwardRow(preRow, hNext + rowH, yrow, hw, kind == RNN_RELU);
      }
    }
    if (step < T - 1) barrier(ctl, nt, canBlock); // every unit of h_{t+1} written before it is read
  }
}

// ---- backward ---------------------------------------------------------------------------------

/** Per-thread GEMM work area of {@link cellBackward}. */
function backwardWorkBytes(T: i32, B: i32, I: i32, H: i32, GH: i32): i32 {
  const TB = T * B;
  let w = max(PACK_A_BYTES, gemmScratchBytes(GH, I, TB));
  w = max(w, gemmScratchBytes(TB, I, GH));
  w = max(w, gemmScratchBytes(GH, H, TB));
  w = max(w, gemmScratchBytes(B, H, GH));
  return a16(w);
}

/** Scratch bytes {@link cellBackward} needs with `nt` threads. */
export function backwardScratchBytes(kind: i32, T: i32, B: i32, I: i32, H: i32, nt: i32): i32 {
  const GH = gateCount(kind) * H;
  const TB = T * B;
  let n = a16(TB * GH * 4); // dG_ih
  if (kind == GRU) n += a16(TB * GH * 4); // dG_hh
  n += 2 * a16(B * H * 4); // dh, dc
  if (B >= MR) n += a16(packedBBytes(GH, H)); // packed W_hh
  n += a16(GH * 8) + a16(GH * 4); // column sums (f64 totals, f32 block sums)
  return n + max(nt, 1) * backwardWorkBytes(T, B, I, H, GH);
}

/**
 * LSTM step backward for n units of one row (gate blocks H apart).
 *   dh_t = dh + dy;  do = dh_t⊙tanh(c_t);  dc_t = dc + dh_t⊙o⊙(1 − tanh²(c_t))
 *   di = dc_t⊙g;  df = dc_t⊙c_{t−1};  dg = dc_t⊙i;  dc_{t−1} = dc_t⊙f
 *   pre-activation grads: di·i(1−i), df·f(1−f), dg·(1−g²), do·o(1−o);  direct dh_{t−1} = 0
 */
function lstmBackwardRow(gates: usize, cp: usize, tcp: usize, dh: usize, dc: usize, dy: usize, dg: usize, n: i32, H: i32): void {
  const H4 = <usize>(H * 4);
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>(j * 4);
    let dht = v128.load(dh + o);
    if (dy != 0) dht = f32x4.add(dht, v128.load(dy + o));
    const gi = v128.load(gates + o);
    const gf = v128.load(gates + o + H4);
    const gg = v128.load(gates + o + 2 * H4);
    const go = v128.load(gates + o + 3 * H4);
    const tc = v128.load(tcp + o);
    const dO = f32x4.mul(dht, tc);
    const dct = f32x4.add(v128.load(dc + o), f32x4.mul(f32x4.mul(dht, go), f32x4.sub(one, f32x4.mul(tc, tc))));
    v128.store(dg + o, f32x4.mul(f32x4.mul(dct, gg), f32x4.mul(gi, f32x4.sub(one, gi))));
    v128.store(dg + o + H4, f32x4.mul(f32x4.mul(dct, v128.load(cp + o)), f32x4.mul(gf, f32x4.sub(one, gf))));
    v128.store(dg + o + 2 * H4, f32x4.mul(f32x4.mul(dct, gi), f32x4.sub(one, f32x4.mul(gg, gg))));
    v128.store(dg + o + 3 * H4, f32x4.mul(dO, f32x4.mul(go, f32x4.sub(one, go))));
    v128.store(dc + o, f32x4.mul(dct, gf));
    v128.store(dh + o, zero);
  }
  for (; j < n; j++) {
    const o = <usize>(j * 4);
    let dht = load<f32>(dh + o);
    if (dy != 0) dht += load<f32>(dy + o);
    const gi = load<f32>(gates + o);
    const gf = load<f32>(gates + o + H4);
    const gg = load<f32>(gates + o + 2 * H4);
    const go = load<f32>(gates + o + 3 * H4);
    const tc = load<f32>(tcp + o);
    const dO = dht * tc;
    const dct = load<f32>(dc + o) + dht * go * (1 - tc * tc);
    store<f32>(dg + o, dct * gg * gi * (1 - gi));
    store<f32>(dg + o + H4, dct * load<f32>(cp + o) * gf * (1 - gf));
    store<f32>(dg + o + 2 * H4, dct * gi * (1 - gg * gg));
    store<f32>(dg + o + 3 * H4, dO * go * (1 - go));
    store<f32>(dc + o, dct * gf);
    store<f32>(dh + o, 0);
  }
}

/**
 * GRU step backward for n units of one row (hn = W_hn h + b_hn from the cache).
 *   dn = dh_t⊙(1−z);  dz = dh_t⊙(h_{t−1} − n);  direct dh_{t−1} = dh_t⊙z
 *   dpre_n = dn⊙(1−n²);  dpre_r = dpre_n⊙hn⊙r(1−r);  dpre_z = dz⊙z(1−z)
 *   dG_ih = [dpre_r, dpre_z, dpre_n];  dG_hh = [dpre_r, dpre_z, dpre_n⊙r]
 */
function gruBackwardRow(gates: usize, hp: usize, hnp: usize, dh: usize, dy: usize, dgi: usize, dgh: usize, n: i32, H: i32): void {
  const H4 = <usize>(H * 4);
  const one = f32x4.splat(1);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>(j * 4);
    let dht = v128.load(dh + o);
    if (dy != 0) dht = f32x4.add(dht, v128.load(dy + o));
    const r = v128.load(gates + o);
    const z = v128.load(gates + o + H4);
    const n = v128.load(gates + o + 2 * H4);
    const hn = v128.load(hnp + o);
    const dn = f32x4.mul(dht, f32x4.sub(one, z));
    const dz = f32x4.mul(dht, f32x4.sub(v128.load(hp + o), n));
    const dpn = f32x4.mul(dn, f32x4.sub(one, f32x4.mul(n, n)));
    const dpr = f32x4.mul(f32x4.mul(dpn, hn), f32x4.mul(r, f32x4.sub(one, r)));
    const dpz = f32x4.mul(dz, f32x4.mul(z, f32x4.sub(one, z)));
    v128.store(dgi + o, dpr);
    v128.store(dgi + o + H4, dpz);
    v128.store(dgi + o + 2 * H4, dpn);
    v128.store(dgh + o, dpr);
    v128.store(dgh + o + H4, dpz);
    v128.store(dgh + o + 2 * H4, f32x4.mul(dpn, r));
    v128.store(dh + o, f32x4.mul(dht, z));
  }
  for (; j < n; j++) {
    const o = <usize>(j * 4);
    let dht = load<f32>(dh + o);
    if (dy != 0) dht += load<f32>(dy + o);
    const r = load<f32>(gates + o);
    const z = load<f32>(gates + o + H4);
    const n = load<f32>(gates + o + 2 * H4);
    const hn = load<f32>(hnp + o);
    const dn = dht * (1 - z);
    const dz = dht * (load<f32>(hp + o) - n);
    const dpn = dn * (1 - n * n);
    const dpr = dpn * hn * r * (1 - r);
    const dpz = dz * z * (1 - z);
    store<f32>(dgi + o, dpr);
    store<f32>(dgi + o + H4, dpz);
    store<f32>(dgi + o + 2 * H4, dpn);
    store<f32>(dgh + o, dpr);
    store<f32>(dgh + o + H4, dpz);
    store<f32>(dgh + o + 2 * H4, dpn * r);
    store<f32>(dh + o, dht * z);
  }
}

/** RNN step backward: dpre = dh_t⊙act'(h_t) (tanh: 1 − h², relu: h > 0); direct dh_{t−1} = 0. */
function rnnBackwardRow(hy: usize, dh: usize, dy: usize, dg: usize, n: i32, relu: bool): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>(j * 4);
    let dht = v128.load(dh + o);
    if (dy != 0) dht = f32x4.add(dht, v128.load(dy + o));
    const a = v128.load(hy + o);
    const d = relu ? v128.and(dht, f32x4.gt(a, zero)) : f32x4.mul(dht, f32x4.sub(one, f32x4.mul(a, a)));
    v128.store(dg + o, d);
    v128.store(dh + o, zero);
  }
  for (; j < n; j++) {
    const o = <usize>(j * 4);
    let dht = load<f32>(dh + o);
    if (dy != 0) dht += load<f32>(dy + o);
    const a = load<f32>(hy + o);
    const d: f32 = relu ? (a > 0 ? dht : 0) : dht * (1 - a * a);
    store<f32>(dg + o, d);
    store<f32>(dh + o, 0);
  }
}

/**
 * out[j] += Σ_r m[r, j] over a rows×cols matrix with row stride ld. Blocks of 64 rows are summed in
 * f32 (vectorised) into `acc32`, and each block total is added into f64 totals `acc64`, so long sums
 * (T·B rows) keep f64-level accuracy at f32 speed. Each column's sum is independent of the others, so
 * threads may take column ranges. Scratch: acc64 = cols f64, acc32 = cols f32.
 */
export function addColumnSums(m: usize, rows: i32, cols: i32, ld: i32, out: usize, acc64: usize, acc32: usize): void {
  if (cols <= 0) return;
  memory.fill(acc64, 0, <usize>(cols * 8));
  const c4 = cols & ~3;
  for (let r0 = 0; r0 < rows; r0 += 64) {
    const r1 = min(rows, r0 + 64);
    memory.fill(acc32, 0, <usize>(cols * 4));
    for (let r = r0; r < r1; r++) {
      const row = m + <usize>(r) * <usize>(ld * 4);
      let j = 0;
      for (; j < c4; j += 4) {
        const o = <usize>(j * 4);
        v128.store(acc32 + o, f32x4.add(v128.load(acc32 + o), v128.load(row + o)));
      }
      for (; j < cols; j++) {
        const o = <usize>(j * 4);
        store<f32>(acc32 + o, load<f32>(acc32 + o) + load<f32>(row + o));
      }
    }
    for (let j = 0; j < cols; j++) {
      const ap = acc64 + <usize>(j * 8);
      store<f64>(ap, load<f64>(ap) + <f64>load<f32>(acc32 + <usize>(j * 4)));
    }
  }
  for (let j = 0; j < cols; j++) {
    const op = out + <usize>(j * 4);
    store<f32>(op, <f32>(<f64>load<f32>(op) + load<f64>(acc64 + <usize>(j * 8))));
  }
}

/**
 * Backpropagation through time over the sequence {@link cellForward} cached, thread `tid` of `nt`.
 * Outputs accumulate.
 */
export function cellBackward(
  kind: i32, T: i32, B: i32, I: i32, H: i32, reverse: bool, lens: usize,
  x: usize, wIh: usize, wHh: usize, cache: usize, dy: usize, yStride: i32, yOffset: i32,
  dhN: usize, dcN: usize, dx: usize, dWih: usize, dWhh: usize, dbIh: usize, dbHh: usize,
  dh0: usize, dc0: usize, scratch: usize,
  tid: i32, nt: i32, ctl: usize, canBlock: bool,
): void {
  const G = gateCount(kind);
  const GH = G * H;
  const TB = T * B;
  const GHb = <usize>(GH * 4);
  const j0 = partLo(H, tid, nt);
  const hw = partLo(H, tid + 1, nt) - j0;
  const u0 = <usize>(j0 * 4);

  let s = scratch;
  const dGi = s;
  s += <usize>(a16(TB * GH * 4));
  let dGh = dGi;
  if (kind == GRU) {
    dGh = s;
    s += <usize>(a16(TB * GH * 4));
  }
  const dh = s;
  s += <usize>(a16(B * H * 4));
  const dc = s;
  s += <usize>(a16(B * H * 4));
  let whhPack: usize = 0;
  if (B >= MR) {
    whhPack = s;
    s += <usize>(a16(packedBBytes(GH, H)));
  }
  const colAcc = s;
  s += <usize>(a16(GH * 8));
  const colAcc32 = s;
  s += <usize>(a16(GH * 4));
  const work = s + <usize>(tid) * <usize>(backwardWorkBytes(T, B, I, H, GH));

  copyUnits(dh, dhN, B, H, j0, hw);
  copyUnits(dc, kind == LSTM ? dcN : 0, B, H, j0, hw);
  // this thread's panels of W_hh (GH×H): columns j0…
  const myPack = whhPack + <usize>((j0 / NR) * GH * NR * 4);
  if (B >= MR && hw > 0) packB(wHh, H, false, GH, j0, hw, myPack);

  const hPrevBase = cache;
  const gatesBase = cache + <usize>(TB * H * 4);
  const cPrevBase = gatesBase + <usize>(TB * GH * 4);
  const auxBase = kind == LSTM ? cPrevBase + <usize>(TB * H * 4) : cPrevBase;

  for (let step = 0; step < T; step++) {
    const t = reverse ? step : T - 1 - step;
    for (let b = 0; b < B; b++) {
      if (hw <= 0) break;
      const row = t * B + b;
      const dgiRow = dGi + <usize>(row) * GHb + u0;
      const dghRow = dGh + <usize>(row) * GHb + u0;
      if (!isActive(lens, b, t)) {
        for (let g = 0; g < G; g++) {
          zeroRow(dgiRow + <usize>(g * H * 4), hw);
          if (kind == GRU) zeroRow(dghRow + <usize>(g * H * 4), hw);
        }
        continue;
      }
      const gatesRow = gatesBase + <usize>(row) * GHb + u0;
      const rowH = <usize>(row * H * 4) + u0;
      const dhRow = dh + <usize>(b * H * 4) + u0;
      const dyRow = dy != 0 ? dy + <usize>((row * yStride + yOffset) * 4) + u0 : 0;
      if (kind == LSTM) {
        lstmBackwardRow(gatesRow, cPrevBase + rowH, auxBase + rowH, dhRow, dc + <usize>(b * H * 4) + u0, dyRow, dgiRow, hw, H);
      } else if (kind == GRU) {
        gruBackwardRow(gatesRow, hPrevBase + rowH, auxBase + rowH, dhRow, dyRow, dgiRow, dghRow, hw, H);
      } else {
        rnnBackwardRow(gatesRow, dhRow, dyRow, dgiRow, hw, kind == RNN_RELU);
      }
    }
    // dh_{t−1} += dG_hh[t]·W_hh for this thread's columns (padding rows of dG_hh are zero: carried
    // rows keep dh). Every unit of dG_hh[t] must be written first.
    if (step < T - 1 || dh0 != 0) {
      barrier(ctl, nt, canBlock);
      if (hw > 0) {
        const a = dGh + <usize>(t * B) * GHb;
        if (B >= MR) gemmPackedB(B, hw, GH, a, GH, false, myPack, 1, 1, dh + u0, H, 0, work);
        else gemmSmall(B, hw, GH, a, GH, false, wHh + u0, H, false, 1, 1, dh + u0, H, 0, work);
      }
    }
  }
  barrier(ctl, nt, canBlock); // all of dG written

  // weight and input gradients as single GEMMs over all TB rows (accumulating: beta = 1), rows split
  gemmRows(GH, I, TB, dGi, GH, true, x, I, false, 1, 1, dWih, I, 0, work, tid, nt);
  if (dx != 0) gemmRows(TB, I, GH, dGi, GH, false, wIh, I, false, 1, 1, dx, I, 0, work, tid, nt);
  gemmRows(GH, H, TB, dGh, GH, true, hPrevBase, H, false, 1, 1, dWhh, H, 0, work, tid, nt);
  // bias gradients: column sums, columns split
  const q0 = partLo(GH, tid, nt);
  const qn = partLo(GH, tid + 1, nt) - q0;
  const q0b = <usize>(q0 * 4);
  if (dbIh != 0) addColumnSums(dGi + q0b, TB, qn, GH, dbIh + q0b, colAcc + <usize>(q0 * 8), colAcc32 + q0b);
  if (dbHh != 0) addColumnSums(dGh + q0b, TB, qn, GH, dbHh + q0b, colAcc + <usize>(q0 * 8), colAcc32 + q0b);
  if (dh0 != 0 && hw > 0) addUnits(dh0, dh, B, H, j0, hw);
  if (dc0 != 0 && kind == LSTM && hw > 0) addUnits(dc0, dc, B, H, j0, hw);
}
