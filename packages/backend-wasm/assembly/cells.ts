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
 */
import { sigmoidS, sigmoidV, tanhS, tanhV } from './simd-math';
import { gemm, gemmPackedB, gemmScratchBytes, gemmSmall, MR, PACK_A_BYTES, packB, packedBBytes, roundUp } from './gemm';

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

/** Scratch bytes {@link cellForward} needs. */
export function forwardScratchBytes(kind: i32, T: i32, B: i32, I: i32, H: i32, training: bool): i32 {
  const GH = gateCount(kind) * H;
  const TB = T * B;
  let n = training ? 0 : a16(TB * GH * 4); // XG (in the cache when training)
  if (kind == GRU) n += a16(B * GH * 4); // HG
  if (B >= MR) n += a16(packedBBytes(H, GH)); // packed W_hhᵀ
  n += a16(max(gemmScratchBytes(TB, GH, I), PACK_A_BYTES));
  return n;
}

/** y row of padding: zeros. */
// @ts-ignore: decorator
@inline
function zeroRow(p: usize, H: i32): void {
  memory.fill(p, 0, <usize>(H * 4));
}

/** LSTM gate math for one row. pre: [i f g o] pre-activations (overwritten with activations). */
function lstmForwardRow(pre: usize, h: usize, c: usize, yrow: usize, aux: usize, H: i32): void {
  const H4 = <usize>(H * 4);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
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
    v128.store(h + o, hn);
    v128.store(yrow + o, hn);
    v128.store(pi, ig);
    v128.store(pi + H4, fg);
    v128.store(pi + 2 * H4, gg);
    v128.store(pi + 3 * H4, og);
    if (aux != 0) v128.store(aux + o, tc);
  }
  for (; j < H; j++) {
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
    store<f32>(h + o, hn);
    store<f32>(yrow + o, hn);
    store<f32>(pi, ig);
    store<f32>(pi + H4, fg);
    store<f32>(pi + 2 * H4, gg);
    store<f32>(pi + 3 * H4, og);
    if (aux != 0) store<f32>(aux + o, tc);
  }
}

/** GRU gate math for one row. pre: [x_r x_z x_n] (overwritten with r z n); hg: [h_r h_z h_n]. */
function gruForwardRow(pre: usize, hg: usize, h: usize, yrow: usize, aux: usize, H: i32): void {
  const H4 = <usize>(H * 4);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const o = <usize>(j * 4);
    const pi = pre + o;
    const ph = hg + o;
    // r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n), h' = (1−z)⊙n + z⊙h = n + z⊙(h − n)
    const r = sigmoidV(f32x4.add(v128.load(pi), v128.load(ph)));
    const z = sigmoidV(f32x4.add(v128.load(pi + H4), v128.load(ph + H4)));
    const hn = v128.load(ph + 2 * H4);
    const n = tanhV(f32x4.add(v128.load(pi + 2 * H4), f32x4.mul(r, hn)));
    const hp = v128.load(h + o);
    const hnew = f32x4.add(n, f32x4.mul(z, f32x4.sub(hp, n)));
    v128.store(h + o, hnew);
    v128.store(yrow + o, hnew);
    v128.store(pi, r);
    v128.store(pi + H4, z);
    v128.store(pi + 2 * H4, n);
    if (aux != 0) v128.store(aux + o, hn);
  }
  for (; j < H; j++) {
    const o = <usize>(j * 4);
    const pi = pre + o;
    const ph = hg + o;
    const r = sigmoidS(load<f32>(pi) + load<f32>(ph));
    const z = sigmoidS(load<f32>(pi + H4) + load<f32>(ph + H4));
    const hn = load<f32>(ph + 2 * H4);
    const n = tanhS(load<f32>(pi + 2 * H4) + r * hn);
    const hp = load<f32>(h + o);
    const hnew = n + z * (hp - n);
    store<f32>(h + o, hnew);
    store<f32>(yrow + o, hnew);
    store<f32>(pi, r);
    store<f32>(pi + H4, z);
    store<f32>(pi + 2 * H4, n);
    if (aux != 0) store<f32>(aux + o, hn);
  }
}

/** RNN: h' = act(pre) (pre already holds W_ih x + b_ih + W_hh h + b_hh); pre ← h'. */
function rnnForwardRow(pre: usize, h: usize, yrow: usize, H: i32, relu: bool): void {
  let j = 0;
  const zero = f32x4.splat(0);
  for (; j + 4 <= H; j += 4) {
    const o = <usize>(j * 4);
    const v = v128.load(pre + o);
    const a = relu ? f32x4.max(v, zero) : tanhV(v);
    v128.store(h + o, a);
    v128.store(yrow + o, a);
    v128.store(pre + o, a);
  }
  for (; j < H; j++) {
    const o = <usize>(j * 4);
    const v = load<f32>(pre + o);
    const a: f32 = relu ? (v > 0 ? v : 0) : tanhS(v);
    store<f32>(h + o, a);
    store<f32>(yrow + o, a);
    store<f32>(pre + o, a);
  }
}

// @ts-ignore: decorator
@inline
function isActive(lens: usize, b: i32, t: i32): bool {
  return lens == 0 || t < load<i32>(lens + <usize>(b * 4));
}

/**
 * Forward over the whole sequence. h0/c0/bIh/bHh/lens/cache may be 0 (none). `cache` != 0 means
 * training: activations are kept there (layout in the file comment).
 */
export function cellForward(
  kind: i32, T: i32, B: i32, I: i32, H: i32, reverse: bool, lens: usize,
  x: usize, wIh: usize, wHh: usize, bIh: usize, bHh: usize, h0: usize, c0: usize,
  y: usize, yStride: i32, yOffset: i32, hN: usize, cN: usize, cache: usize, scratch: usize,
): void {
  const G = gateCount(kind);
  const GH = G * H;
  const TB = T * B;
  const BH = B * H;
  const BHb = <usize>(BH * 4);
  const training = cache != 0;

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
  let whhPack: usize = 0;
  if (B >= MR) {
    whhPack = s;
    s += <usize>(a16(packedBBytes(H, GH)));
  }
  const work = s;

  // XG = X·W_ihᵀ + b_ih for all TB rows at once
  gemm(TB, GH, I, x, I, false, wIh, I, true, 1, 0, xg, GH, bIh, work);
  if (B >= MR) packB(wHh, H, true, H, 0, GH, whhPack);

  // running state lives in hN / cN
  const h = hN;
  const c = cN;
  if (h0 != 0) memory.copy(h, h0, BHb);
  else memory.fill(h, 0, BHb);
  if (kind == LSTM) {
    if (c0 != 0) memory.copy(c, c0, BHb);
    else memory.fill(c, 0, BHb);
  }
  const hPrevBase = cache;
  const gatesBase = cache + <usize>(TB * H * 4);
  const cPrevBase = gatesBase + <usize>(TB * GH * 4);
  const auxBase = kind == LSTM ? cPrevBase + <usize>(TB * H * 4) : cPrevBase;

  for (let step = 0; step < T; step++) {
    const t = reverse ? T - 1 - step : step;
    const pre = xg + <usize>(t * B * GH * 4);
    if (training) {
      memory.copy(hPrevBase + <usize>(t) * BHb, h, BHb);
      if (kind == LSTM) memory.copy(cPrevBase + <usize>(t) * BHb, c, BHb);
    }
    // recurrent projection: h·W_hhᵀ + b_hh
    const dst = kind == GRU ? hg : pre;
    const beta: f32 = kind == GRU ? 0 : 1;
    if (B >= MR) gemmPackedB(B, GH, H, h, H, false, whhPack, 1, beta, dst, GH, bHh, work);
    else gemmSmall(B, GH, H, h, H, false, wHh, H, true, 1, beta, dst, GH, bHh, work);

    const auxT = training && kind != RNN_TANH && kind != RNN_RELU ? auxBase + <usize>(t) * BHb : 0;
    for (let b = 0; b < B; b++) {
      const yrow = y + <usize>(((t * B + b) * yStride + yOffset) * 4);
      if (!isActive(lens, b, t)) {
        zeroRow(yrow, H);
        continue;
      }
      const preRow = pre + <usize>(b * GH * 4);
      const hRow = h + <usize>(b * H * 4);
      const auxRow = auxT != 0 ? auxT + <usize>(b * H * 4) : 0;
      if (kind == LSTM) lstmForwardRow(preRow, hRow, c + <usize>(b * H * 4), yrow, auxRow, H);
      else if (kind == GRU) gruForwardRow(preRow, hg + <usize>(b * GH * 4), hRow, yrow, auxRow, H);
      else rnnForwardRow(preRow, hRow, yrow, H, kind == RNN_RELU);
    }
  }
}

// ---- backward ---------------------------------------------------------------------------------

/** Scratch bytes {@link cellBackward} needs. */
export function backwardScratchBytes(kind: i32, T: i32, B: i32, I: i32, H: i32): i32 {
  const GH = gateCount(kind) * H;
  const TB = T * B;
  let n = a16(TB * GH * 4); // dG_ih
  if (kind == GRU) n += a16(TB * GH * 4); // dG_hh
  n += 2 * a16(B * H * 4); // dh, dc
  if (B >= MR) n += a16(packedBBytes(GH, H)); // packed W_hh
  n += a16(GH * 8) + a16(GH * 4); // column sums (f64 totals, f32 block sums)
  let w = max(PACK_A_BYTES, gemmScratchBytes(GH, I, TB));
  w = max(w, gemmScratchBytes(TB, I, GH));
  w = max(w, gemmScratchBytes(GH, H, TB));
  w = max(w, gemmScratchBytes(B, H, GH));
  return n + a16(w);
}

/**
 * LSTM step backward for one row.
 *   dh_t = dh + dy;  do = dh_t⊙tanh(c_t);  dc_t = dc + dh_t⊙o⊙(1 − tanh²(c_t))
 *   di = dc_t⊙g;  df = dc_t⊙c_{t−1};  dg = dc_t⊙i;  dc_{t−1} = dc_t⊙f
 *   pre-activation grads: di·i(1−i), df·f(1−f), dg·(1−g²), do·o(1−o);  direct dh_{t−1} = 0
 */
function lstmBackwardRow(gates: usize, cp: usize, tcp: usize, dh: usize, dc: usize, dy: usize, dg: usize, H: i32): void {
  const H4 = <usize>(H * 4);
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
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
  for (; j < H; j++) {
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
 * GRU step backward for one row (hn = W_hn h + b_hn from the cache).
 *   dn = dh_t⊙(1−z);  dz = dh_t⊙(h_{t−1} − n);  direct dh_{t−1} = dh_t⊙z
 *   dpre_n = dn⊙(1−n²);  dpre_r = dpre_n⊙hn⊙r(1−r);  dpre_z = dz⊙z(1−z)
 *   dG_ih = [dpre_r, dpre_z, dpre_n];  dG_hh = [dpre_r, dpre_z, dpre_n⊙r]
 */
function gruBackwardRow(gates: usize, hp: usize, hnp: usize, dh: usize, dy: usize, dgi: usize, dgh: usize, H: i32): void {
  const H4 = <usize>(H * 4);
  const one = f32x4.splat(1);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
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
  for (; j < H; j++) {
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
function rnnBackwardRow(hy: usize, dh: usize, dy: usize, dg: usize, H: i32, relu: bool): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const o = <usize>(j * 4);
    let dht = v128.load(dh + o);
    if (dy != 0) dht = f32x4.add(dht, v128.load(dy + o));
    const a = v128.load(hy + o);
    const d = relu ? v128.and(dht, f32x4.gt(a, zero)) : f32x4.mul(dht, f32x4.sub(one, f32x4.mul(a, a)));
    v128.store(dg + o, d);
    v128.store(dh + o, zero);
  }
  for (; j < H; j++) {
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
 * out[j] += Σ_r m[r, j] over a rows×cols matrix. Blocks of 64 rows are summed in f32 (vectorised)
 * into `acc32`, and each block total is added into f64 totals `acc64`, so long sums (T·B rows) keep
 * f64-level accuracy at f32 speed. Scratch: acc64 = cols f64, acc32 = cols f32.
 */
export function addColumnSums(m: usize, rows: i32, cols: i32, out: usize, acc64: usize, acc32: usize): void {
  memory.fill(acc64, 0, <usize>(cols * 8));
  const c4 = cols & ~3;
  for (let r0 = 0; r0 < rows; r0 += 64) {
    const r1 = min(rows, r0 + 64);
    memory.fill(acc32, 0, <usize>(cols * 4));
    for (let r = r0; r < r1; r++) {
      const row = m + <usize>(r * cols * 4);
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

/** Backpropagation through time over the sequence {@link cellForward} cached. Outputs accumulate. */
export function cellBackward(
  kind: i32, T: i32, B: i32, I: i32, H: i32, reverse: bool, lens: usize,
  x: usize, wIh: usize, wHh: usize, cache: usize, dy: usize, yStride: i32, yOffset: i32,
  dhN: usize, dcN: usize, dx: usize, dWih: usize, dWhh: usize, dbIh: usize, dbHh: usize,
  dh0: usize, dc0: usize, scratch: usize,
): void {
  const G = gateCount(kind);
  const GH = G * H;
  const TB = T * B;
  const BH = B * H;
  const BHb = <usize>(BH * 4);
  const GHb = <usize>(GH * 4);

  let s = scratch;
  const dGi = s;
  s += <usize>(a16(TB * GH * 4));
  let dGh = dGi;
  if (kind == GRU) {
    dGh = s;
    s += <usize>(a16(TB * GH * 4));
  }
  const dh = s;
  s += <usize>(a16(BH * 4));
  const dc = s;
  s += <usize>(a16(BH * 4));
  let whhPack: usize = 0;
  if (B >= MR) {
    whhPack = s;
    s += <usize>(a16(packedBBytes(GH, H)));
  }
  const colAcc = s;
  s += <usize>(a16(GH * 8));
  const colAcc32 = s;
  s += <usize>(a16(GH * 4));
  const work = s;

  if (dhN != 0) memory.copy(dh, dhN, BHb);
  else memory.fill(dh, 0, BHb);
  if (dcN != 0 && kind == LSTM) memory.copy(dc, dcN, BHb);
  else memory.fill(dc, 0, BHb);
  if (B >= MR) packB(wHh, H, false, GH, 0, H, whhPack);

  const hPrevBase = cache;
  const gatesBase = cache + <usize>(TB * H * 4);
  const cPrevBase = gatesBase + <usize>(TB * GH * 4);
  const auxBase = kind == LSTM ? cPrevBase + <usize>(TB * H * 4) : cPrevBase;

  for (let step = 0; step < T; step++) {
    const t = reverse ? step : T - 1 - step;
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const dgiRow = dGi + <usize>(row) * GHb;
      const dghRow = dGh + <usize>(row) * GHb;
      if (!isActive(lens, b, t)) {
        memory.fill(dgiRow, 0, GHb);
        if (kind == GRU) memory.fill(dghRow, 0, GHb);
        continue;
      }
      const gatesRow = gatesBase + <usize>(row) * GHb;
      const rowH = <usize>(row * H * 4);
      const dhRow = dh + <usize>(b * H * 4);
      const dyRow = dy != 0 ? dy + <usize>((row * yStride + yOffset) * 4) : 0;
      if (kind == LSTM) {
        lstmBackwardRow(gatesRow, cPrevBase + rowH, auxBase + rowH, dhRow, dc + <usize>(b * H * 4), dyRow, dgiRow, H);
      } else if (kind == GRU) {
        gruBackwardRow(gatesRow, hPrevBase + rowH, auxBase + rowH, dhRow, dyRow, dgiRow, dghRow, H);
      } else {
        rnnBackwardRow(gatesRow, dhRow, dyRow, dgiRow, H, kind == RNN_RELU);
      }
    }
    // dh_{t−1} += dG_hh[t]·W_hh   (padding rows of dG_hh are zero: carried rows keep dh)
    if (step < T - 1 || dh0 != 0) {
      const a = dGh + <usize>(t * B) * GHb;
      if (B >= MR) gemmPackedB(B, H, GH, a, GH, false, whhPack, 1, 1, dh, H, 0, work);
      else gemmSmall(B, H, GH, a, GH, false, wHh, H, false, 1, 1, dh, H, 0, work);
    }
  }

  // weight and input gradients as single GEMMs over all TB rows (accumulating: beta = 1)
  gemm(GH, I, TB, dGi, GH, true, x, I, false, 1, 1, dWih, I, 0, work);
  if (dx != 0) gemm(TB, I, GH, dGi, GH, false, wIh, I, false, 1, 1, dx, I, 0, work);
  gemm(GH, H, TB, dGh, GH, true, hPrevBase, H, false, 1, 1, dWhh, H, 0, work);
  if (dbIh != 0) addColumnSums(dGi, TB, GH, dbIh, colAcc, colAcc32);
  if (dbHh != 0) addColumnSums(dGh, TB, GH, dbHh, colAcc, colAcc32);
  if (dh0 != 0) {
    for (let i = 0; i < BH; i++) {
      const p = dh0 + <usize>(i * 4);
      store<f32>(p, load<f32>(p) + load<f32>(dh + <usize>(i * 4)));
    }
  }
  if (dc0 != 0 && kind == LSTM) {
    for (let i = 0; i < BH; i++) {
      const p = dc0 + <usize>(i * 4);
      store<f32>(p, load<f32>(p) + load<f32>(dc + <usize>(i * 4)));
    }
  }
}

