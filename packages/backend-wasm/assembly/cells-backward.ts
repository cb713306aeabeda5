/**
 * Backward of the fused whole-sequence recurrent kernels (cells.ts has the forward, the shape
 * legend, the cache layout and the threading rule). Steps run in the opposite order:
 *   per step: dh_t = dh + dy_t; gate derivatives give dG_ih[t] and dG_hh[t] (zero rows for padding)
 *   and the direct part of dh_{t−1};  dh_{t−1} += dG_hh[t]·W_hh   (W_hh packed once).
 *   after the loop, big GEMMs over all TB rows:
 *     dW_ih += dG_ihᵀ·X,  dX += dG_ih·W_ih,  dW_hh += dG_hhᵀ·H_prev,  db += Σ_rows dG.
 */
import { gemmPackedB, gemmRows, gemmScratchBytes, gemmSmall, MR, NR, PACK_A_BYTES, packB, packedBBytes } from './gemm';
import { barrier, partLo, splitsBatch } from './threads';
import { a16, addUnits, copyUnits, gateCount, GRU, isActive, LSTM, RNN_RELU, zeroRow } from './cells';

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
  // this thread's share of the step loop: batch rows [r0, r1) and hidden units [j0, j0 + hw)
  // (threads.ts: splitsBatch); its share of packing W_hh: units [p0, p0 + pw)
  const byRows = splitsBatch(B, nt);
  const p0 = partLo(H, tid, nt);
  const pw = partLo(H, tid + 1, nt) - p0;
  const r0 = byRows ? partLo(B, tid, nt) : 0;
  const r1 = byRows ? partLo(B, tid + 1, nt) : B;
  const j0 = byRows ? 0 : p0;
  const hw = byRows ? H : pw;
  const u0 = <usize>(j0 * 4);
  const rows = r1 - r0;

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

  copyUnits(dh, dhN, r0, r1, H, j0, hw);
  copyUnits(dc, kind == LSTM ? dcN : 0, r0, r1, H, j0, hw);
  // this thread packs its units' panels of W_hh (GH×H): columns p0…; a unit split then reads only
  // those, a row split reads every panel, so it waits until all are packed
  if (B >= MR && pw > 0) packB(wHh, H, false, GH, p0, pw, whhPack + <usize>((p0 / NR) * GH * NR * 4));
  if (byRows) barrier(ctl, nt, canBlock);
  const myPack = whhPack + <usize>((j0 / NR) * GH * NR * 4);

  const hPrevBase = cache;
  const gatesBase = cache + <usize>(TB * H * 4);
  const cPrevBase = gatesBase + <usize>(TB * GH * 4);
  const auxBase = kind == LSTM ? cPrevBase + <usize>(TB * H * 4) : cPrevBase;

  for (let step = 0; step < T; step++) {
    const t = reverse ? step : T - 1 - step;
    for (let b = r0; b < r1; b++) {
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
    // dh_{t−1} += dG_hh[t]·W_hh for this thread's rows and columns (padding rows of dG_hh are zero:
    // carried rows keep dh). A unit split needs every unit of dG_hh[t] written first; a row split
    // reads only its own rows.
    if (step < T - 1 || dh0 != 0) {
      if (!byRows) barrier(ctl, nt, canBlock);
      if (hw > 0 && rows > 0) {
        const a = dGh + <usize>(t * B + r0) * GHb;
        const dhRows = dh + <usize>(r0 * H * 4) + u0;
        if (B >= MR) gemmPackedB(rows, hw, GH, a, GH, false, myPack, 1, 1, dhRows, H, 0, work);
        else gemmSmall(rows, hw, GH, a, GH, false, wHh + u0, H, false, 1, 1, dhRows, H, 0, work);
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
  if (dh0 != 0 && hw > 0) addUnits(dh0, dh, r0, r1, H, j0, hw);
  if (dc0 != 0 && kind == LSTM && hw > 0) addUnits(dc0, dc, r0, r1, H, j0, hw);
}
