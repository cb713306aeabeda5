/**
 * Packed, register-blocked SIMD GEMM:  C[m×n] = alpha·op(A)[m×k]·op(B)[k×n] + beta·C + bias.
 * All matrices row-major; pointers are byte offsets into linear memory; `ld*` are row strides in
 * elements; `bias` is a length-n row vector or 0 for none.
 *
 * Blocking (GotoBLAS style):
 *   - op(B) is packed once into NR=8-column panels spanning the whole k: panel q holds
 *     Bp[q][p][0..8) = op(B)[p][8q .. 8q+8) (zero padded), so any k-block is a contiguous slice.
 *   - op(A) is packed per (MC×KC) block into MR=4-row panels: Ap[q][p][0..4) = op(A)[4q..4q+4)[p].
 *   - The 4×8 micro-kernel keeps 8 f32x4 accumulators in registers and per k-step does 2 vector
 *     loads of B, 4 splat loads of A and 8 multiply-adds.
 *   - m < 4 (a batch of 1 when streaming) takes a matrix-vector path that packs nothing.
 *   - Threads ({@link gemmRows}) split the rows of C, never k.
 */
import { partLo } from './threads';

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 64;
export const NC: i32 = 1024;

/**
 * acc + a·b. With relaxed SIMD (the recur-relaxed.wasm build) this is one fused multiply-add
 * where the hardware has one; the baseline build uses a multiply then an add.
 */
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Bytes of the A-pack + edge-tile area every packed GEMM needs. */
export const PACK_A_BYTES: i32 = (MC * KC + MR * NR) * 4;

// @ts-ignore: decorator
@inline
export function roundUp(x: i32, m: i32): i32 {
  return ((x + m - 1) / m) * m;
}

/** Bytes of packed op(B) for k rows and n columns. */
export function packedBBytes(k: i32, n: i32): i32 {
  return roundUp(n, NR) * k * 4;
}

/** Scratch bytes {@link gemm} needs for these sizes. */
export function gemmScratchBytes(m: i32, n: i32, k: i32): i32 {
  if (m < MR) return PACK_A_BYTES + m * k * 4 + 64;
  if (n < MR) return PACK_A_BYTES + (n * m + n * k) * 4 + 64;
  if (k < MR) return PACK_A_BYTES + k * n * 4 + 64;
  return PACK_A_BYTES + packedBBytes(k, min(n, NC)) + 64;
}

/**
 * Pack columns [j0, j0+nc) of op(B) (k×n) into panels at `dst`.
 * trans = 0: B stored k×n (element (p, j) at p·ld + j); trans = 1: B stored n×k (at j·ld + p).
 */
export function packB(src: usize, ld: i32, trans: bool, k: i32, j0: i32, nc: i32, dst: usize): void {
  const panels = (nc + NR - 1) / NR;
  for (let q = 0; q < panels; q++) {
    const jb = j0 + q * NR;
    const w = min(NR, j0 + nc - jb);
    let d = dst + <usize>(q * k * NR * 4);
    if (!trans) {
      if (w == NR) {
        let s = src + <usize>(jb * 4);
        const step = <usize>(ld * 4);
        for (let p = 0; p < k; p++) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
          s += step;
          d += 32;
        }
      } else {
        for (let p = 0; p < k; p++) {
          const s = src + <usize>((p * ld + jb) * 4);
          for (let r = 0; r < NR; r++) store<f32>(d + <usize>(r * 4), r < w ? load<f32>(s + <usize>(r * 4)) : 0);
          d += 32;
        }
      }
    } else {
      const ldb = <usize>(ld * 4);
      if (w == NR) {
        const s0 = src + <usize>(jb) * ldb;
        for (let p = 0; p < k; p++) {
          let s = s0 + <usize>(p * 4);
          store<f32>(d, load<f32>(s));
          s += ldb;
          store<f32>(d, load<f32>(s), 4);
          s += ldb;
          store<f32>(d, load<f32>(s), 8);
          s += ldb;
          store<f32>(d, load<f32>(s), 12);
          s += ldb;
          store<f32>(d, load<f32>(s), 16);
          s += ldb;
          store<f32>(d, load<f32>(s), 20);
          s += ldb;
          store<f32>(d, load<f32>(s), 24);
          s += ldb;
          store<f32>(d, load<f32>(s), 28);
          d += 32;
        }
      } else {
        for (let p = 0; p < k; p++) {
          for (let r = 0; r < NR; r++) {
            store<f32>(d + <usize>(r * 4), r < w ? load<f32>(src + <usize>(jb + r) * ldb + <usize>(p * 4)) : 0);
          }
          d += 32;
        }
      }
    }
  }
}

/** Pack rows [i0, i0+mc) × cols [k0, k0+kc) of op(A) into MR-row panels at `dst`. */
function packA(src: usize, ld: i32, trans: bool, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  const panels = (mc + MR - 1) / MR;
  const lda = <usize>(ld * 4);
  for (let q = 0; q < panels; q++) {
    const ib = i0 + q * MR;
    const h = min(MR, i0 + mc - ib);
    let d = dst + <usize>(q * kc * MR * 4);
    if (!trans) {
      // op(A)(i, p) = src[i·ld + p]
      if (h == MR) {
        let s = src + <usize>(ib) * lda + <usize>(k0 * 4);
        const kc4 = kc & ~3;
        // 4×4 blocks: load 4 rows, transpose in registers, store 4 packed k-steps
        for (let p = 0; p < kc4; p += 4) {
          const r0 = v128.load(s);
          const r1 = v128.load(s + lda);
          const r2 = v128.load(s + 2 * lda);
          const r3 = v128.load(s + 3 * lda);
          const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
          const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
          const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
          v128.store(d, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
          v128.store(d, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
          v128.store(d, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
          v128.store(d, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
          s += 16;
          d += 64;
        }
        for (let p = kc4; p < kc; p++) {
          store<f32>(d, load<f32>(s));
          store<f32>(d, load<f32>(s + lda), 4);
          store<f32>(d, load<f32>(s + 2 * lda), 8);
          store<f32>(d, load<f32>(s + 3 * lda), 12);
          s += 4;
          d += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) {
            store<f32>(d + <usize>(r * 4), r < h ? load<f32>(src + <usize>(ib + r) * lda + <usize>((k0 + p) * 4)) : 0);
          }
          d += 16;
        }
      }
    } else {
      // op(A)(i, p) = src[p·ld + i]: MR consecutive i are contiguous.
      if (h == MR) {
        let s = src + <usize>(k0) * lda + <usize>(ib * 4);
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.load(s));
          s += lda;
          d += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const s = src + <usize>(k0 + p) * lda + <usize>(ib * 4);
          for (let r = 0; r < MR; r++) store<f32>(d + <usize>(r * 4), r < h ? load<f32>(s + <usize>(r * 4)) : 0);
          d += 16;
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function epilogueRow(ptr: usize, bias: usize, a0: v128, a1: v128, alpha: v128, beta: f32, first: bool): void {
  let v0 = f32x4.mul(a0, alpha);
  let v1 = f32x4.mul(a1, alpha);
  if (first) {
    if (beta != 0) {
      const b = f32x4.splat(beta);
      v0 = f32x4.add(v0, f32x4.mul(b, v128.load(ptr)));
      v1 = f32x4.add(v1, f32x4.mul(b, v128.load(ptr, 16)));
    }
    if (bias != 0) {
      v0 = f32x4.add(v0, v128.load(bias));
      v1 = f32x4.add(v1, v128.load(bias, 16));
    }
  } else {
    v0 = f32x4.add(v0, v128.load(ptr));
    v1 = f32x4.add(v1, v128.load(ptr, 16));
  }
  v128.store(ptr, v0);
  v128.store(ptr, v1, 16);
}

/** 4×8 micro-kernel over kc packed steps; writes `rows`×`cols` of C (edge tiles go through `tmp`). */
function micro(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, rows: i32, cols: i32, alpha: f32, beta: f32, bias: usize, first: bool, tmp: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += 16;
    bp += 32;
  }
  const av = f32x4.splat(alpha);
  const ldcb = <usize>(ldc * 4);
  if (rows == MR && cols == NR) {
    epilogueRow(c, bias, c00, c01, av, beta, first);
    epilogueRow(c + ldcb, bias, c10, c11, av, beta, first);
    epilogueRow(c + 2 * ldcb, bias, c20, c21, av, beta, first);
    epilogueRow(c + 3 * ldcb, bias, c30, c31, av, beta, first);
    return;
  }
  v128.store(tmp, c00);
  v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32);
  v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64);
  v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96);
  v128.store(tmp, c31, 112);
  for (let r = 0; r < rows; r++) {
    const crow = c + <usize>(r) * ldcb;
    for (let j = 0; j < cols; j++) {
      const cp = crow + <usize>(j * 4);
      let v = alpha * load<f32>(tmp + <usize>((r * NR + j) * 4));
      if (first) {
        if (beta != 0) v += beta * load<f32>(cp);
        if (bias != 0) v += load<f32>(bias + <usize>(j * 4));
      } else {
        v += load<f32>(cp);
      }
      store<f32>(cp, v);
    }
  }
}

/**
 * GEMM with op(B) already packed by {@link packB} (all n columns, all k rows).
 * `work` is a {@link PACK_A_BYTES} area for A panels and the edge tile.
 */
export function gemmPackedB(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, bp: usize, alpha: f32, beta: f32, c: usize, ldc: i32, bias: usize, work: usize): void {
  gemmPackedBSegs(m, n, k, a, lda, transA, bp, 0, 1, alpha, beta, c, ldc, 0, bias, work);
}

/**
 * {@link gemmPackedB} over `segs` column segments that share one packed op(A): segment s uses the
 * packed B at `bp + s·bpSegBytes` (n columns, k rows, panels as {@link packB} makes them) and writes
 * C columns [s·segCols, s·segCols + n) of `c` (bias likewise). The threaded recurrent step uses it
 * for a thread's hidden units in every gate block: A (the state h) is packed once per step.
 */
export function gemmPackedBSegs(
  m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, bp: usize, bpSegBytes: usize, segs: i32,
  alpha: f32, beta: f32, c: usize, ldc: i32, segCols: i32, bias: usize, work: usize,
): void {
  const apack = work;
  const tmp = work + <usize>(MC * KC * 4);
  const panelsN = (n + NR - 1) / NR;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    const first = k0 == 0;
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = min(MC, m - i0);
      packA(a, lda, transA, i0, mc, k0, kc, apack);
      const panelsM = (mc + MR - 1) / MR;
      for (let s = 0; s < segs; s++) {
        const bps = bp + <usize>(s) * bpSegBytes;
        const cs = c + <usize>(s * segCols * 4);
        const bs = bias != 0 ? bias + <usize>(s * segCols * 4) : 0;
        for (let q = 0; q < panelsN; q++) {
          const jb = q * NR;
          const cols = min(NR, n - jb);
          const bq = bps + <usize>((q * k + k0) * NR * 4);
          const bb = bs != 0 ? bs + <usize>(jb * 4) : 0;
          for (let ip = 0; ip < panelsM; ip++) {
            const rows = min(MR, mc - ip * MR);
            const cp = cs + <usize>(((i0 + ip * MR) * ldc + jb) * 4);
            micro(kc, apack + <usize>(ip * kc * MR * 4), bq, cp, ldc, rows, cols, alpha, beta, bb, first, tmp);
          }
        }
      }
    }
  }
}

/** Horizontal sum of the 4 lanes. */
// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** [Σ a, Σ b, Σ c, Σ d] (each a horizontal sum) via two shuffle-add rounds. */
// @ts-ignore: decorator
@inline
function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  // ab = [a0+a2, a1+a3, b0+b2, b1+b3] style pairwise reductions
  const ab = f32x4.add(i32x4.shuffle(a, b, 0, 1, 4, 5), i32x4.shuffle(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(i32x4.shuffle(c, d, 0, 1, 4, 5), i32x4.shuffle(c, d, 2, 3, 6, 7));
  return f32x4.add(i32x4.shuffle(ab, cd, 0, 2, 4, 6), i32x4.shuffle(ab, cd, 1, 3, 5, 7));
}

// @ts-ignore: decorator
@inline
function finish(cp: usize, acc: f32, alpha: f32, beta: f32, biasv: f32): void {
  let v = alpha * acc + biasv;
  if (beta != 0) v += beta * load<f32>(cp);
  store<f32>(cp, v);
}

/**
 * Matrix-vector style GEMM for m < 4 rows (no B packing). op(A) rows are made contiguous in
 * `work` first. transB: dot products along rows of B (n×k); otherwise axpy over rows of B (k×n).
 */
export function gemmSmall(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, b: usize, ldb: i32, transB: bool, alpha: f32, beta: f32, c: usize, ldc: i32, bias: usize, work: usize): void {
  // A rows contiguous: arow(i) = ar + i·k·4
  let ar = a;
  let astride = <usize>(lda * 4);
  if (transA) {
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) store<f32>(work + <usize>((i * k + p) * 4), load<f32>(a + <usize>((p * lda + i) * 4)));
    }
    ar = work;
    astride = <usize>(k * 4);
  }
  const ldbb = <usize>(ldb * 4);
  const k4 = k & ~3;
  if (transB) {
    for (let i = 0; i < m; i++) {
      const arow = ar + <usize>(i) * astride;
      const crow = c + <usize>(i * ldc * 4);
      let j = 0;
      // 8 rows of B at a time: 8 independent accumulator chains hide the add latency
      for (; j + 8 <= n; j += 8) {
        const b0 = b + <usize>(j) * ldbb;
        const b1 = b0 + ldbb;
        const b2 = b1 + ldbb;
        const b3 = b2 + ldbb;
        const b4 = b3 + ldbb;
        const b5 = b4 + ldbb;
        const b6 = b5 + ldbb;
        const b7 = b6 + ldbb;
        let s0 = f32x4.splat(0);
        let s1 = f32x4.splat(0);
        let s2 = f32x4.splat(0);
        let s3 = f32x4.splat(0);
        let s4 = f32x4.splat(0);
        let s5 = f32x4.splat(0);
        let s6 = f32x4.splat(0);
        let s7 = f32x4.splat(0);
        for (let p = 0; p < k4; p += 4) {
          const off = <usize>(p * 4);
          const av = v128.load(arow + off);
          s0 = madd(av, v128.load(b0 + off), s0);
          s1 = madd(av, v128.load(b1 + off), s1);
          s2 = madd(av, v128.load(b2 + off), s2);
          s3 = madd(av, v128.load(b3 + off), s3);
          s4 = madd(av, v128.load(b4 + off), s4);
          s5 = madd(av, v128.load(b5 + off), s5);
          s6 = madd(av, v128.load(b6 + off), s6);
          s7 = madd(av, v128.load(b7 + off), s7);
        }
        // transpose-and-add: lane r of (t0, t1) = full sum of row r
        const t0 = hsum4(s0, s1, s2, s3);
        const t1 = hsum4(s4, s5, s6, s7);
        const cp = crow + <usize>(j * 4);
        let r0 = f32x4.mul(t0, f32x4.splat(alpha));
        let r1 = f32x4.mul(t1, f32x4.splat(alpha));
        for (let p = k4; p < k; p++) {
          const off = <usize>(p * 4);
          const av = alpha * load<f32>(arow + off);
          r0 = f32x4.add(r0, f32x4.mul(f32x4.splat(av), f32x4(load<f32>(b0 + off), load<f32>(b1 + off), load<f32>(b2 + off), load<f32>(b3 + off))));
          r1 = f32x4.add(r1, f32x4.mul(f32x4.splat(av), f32x4(load<f32>(b4 + off), load<f32>(b5 + off), load<f32>(b6 + off), load<f32>(b7 + off))));
        }
        if (bias != 0) {
          r0 = f32x4.add(r0, v128.load(bias + <usize>(j * 4)));
          r1 = f32x4.add(r1, v128.load(bias + <usize>(j * 4 + 16)));
        }
        if (beta != 0) {
          r0 = f32x4.add(r0, f32x4.mul(f32x4.splat(beta), v128.load(cp)));
          r1 = f32x4.add(r1, f32x4.mul(f32x4.splat(beta), v128.load(cp, 16)));
        }
        v128.store(cp, r0);
        v128.store(cp, r1, 16);
      }
      for (; j + 4 <= n; j += 4) {
        const b0 = b + <usize>(j) * ldbb;
        const b1 = b0 + ldbb;
        const b2 = b1 + ldbb;
        const b3 = b2 + ldbb;
        let s0 = f32x4.splat(0);
        let s1 = f32x4.splat(0);
        let s2 = f32x4.splat(0);
        let s3 = f32x4.splat(0);
        for (let p = 0; p < k4; p += 4) {
          const off = <usize>(p * 4);
          const av = v128.load(arow + off);
          s0 = madd(av, v128.load(b0 + off), s0);
          s1 = madd(av, v128.load(b1 + off), s1);
          s2 = madd(av, v128.load(b2 + off), s2);
          s3 = madd(av, v128.load(b3 + off), s3);
        }
        let t0 = hsum(s0);
        let t1 = hsum(s1);
        let t2 = hsum(s2);
        let t3 = hsum(s3);
        for (let p = k4; p < k; p++) {
          const off = <usize>(p * 4);
          const av = load<f32>(arow + off);
          t0 += av * load<f32>(b0 + off);
          t1 += av * load<f32>(b1 + off);
          t2 += av * load<f32>(b2 + off);
          t3 += av * load<f32>(b3 + off);
        }
        const cp = crow + <usize>(j * 4);
        if (bias != 0) {
          finish(cp, t0, alpha, beta, load<f32>(bias + <usize>(j * 4)));
          finish(cp + 4, t1, alpha, beta, load<f32>(bias + <usize>(j * 4 + 4)));
          finish(cp + 8, t2, alpha, beta, load<f32>(bias + <usize>(j * 4 + 8)));
          finish(cp + 12, t3, alpha, beta, load<f32>(bias + <usize>(j * 4 + 12)));
        } else {
          finish(cp, t0, alpha, beta, 0);
          finish(cp + 4, t1, alpha, beta, 0);
          finish(cp + 8, t2, alpha, beta, 0);
          finish(cp + 12, t3, alpha, beta, 0);
        }
      }
      for (; j < n; j++) {
        const bj = b + <usize>(j) * ldbb;
        let s = f32x4.splat(0);
        for (let p = 0; p < k4; p += 4) s = f32x4.add(s, f32x4.mul(v128.load(arow + <usize>(p * 4)), v128.load(bj + <usize>(p * 4))));
        let t = hsum(s);
        for (let p = k4; p < k; p++) t += load<f32>(arow + <usize>(p * 4)) * load<f32>(bj + <usize>(p * 4));
        finish(crow + <usize>(j * 4), t, alpha, beta, bias != 0 ? load<f32>(bias + <usize>(j * 4)) : 0);
      }
    }
    return;
  }
  // B stored k×n: C[i, :] = beta·C[i, :] + bias + alpha·Σ_p A[i, p]·B[p, :]
  const n4 = n & ~3;
  for (let i = 0; i < m; i++) {
    const arow = ar + <usize>(i) * astride;
    const crow = c + <usize>(i * ldc * 4);
    for (let j = 0; j < n; j++) {
      const cp = crow + <usize>(j * 4);
      let v: f32 = bias != 0 ? load<f32>(bias + <usize>(j * 4)) : 0;
      if (beta != 0) v += beta * load<f32>(cp);
      store<f32>(cp, v);
    }
    for (let p = 0; p < k; p++) {
      const av = alpha * load<f32>(arow + <usize>(p * 4));
      const brow = b + <usize>(p) * ldbb;
      const avv = f32x4.splat(av);
      let j = 0;
      for (; j < n4; j += 4) {
        const off = <usize>(j * 4);
        v128.store(crow + off, f32x4.add(v128.load(crow + off), f32x4.mul(avv, v128.load(brow + off))));
      }
      for (; j < n; j++) {
        const off = <usize>(j * 4);
        store<f32>(crow + off, load<f32>(crow + off) + av * load<f32>(brow + off));
      }
    }
  }
}

/** The general GEMM entry (see the file comment). `work` holds {@link gemmScratchBytes} bytes. */
export function gemm(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, b: usize, ldb: i32, transB: bool, alpha: f32, beta: f32, c: usize, ldc: i32, bias: usize, work: usize): void {
  gemmRows(m, n, k, a, lda, transA, b, ldb, transB, alpha, beta, c, ldc, bias, work, 0, 1);
}

/**
 * Thread `tid`'s share (of `nt`) of {@link gemm}: the rows of C in {@link partLo}'s range. The
 * path (matrix-vector, narrow n, tiny k, packed) is chosen from the whole m, n, k, and ranges start
 * on multiples of 8, so every element gets the same arithmetic whatever nt is. Each thread needs its
 * own `work` ({@link gemmScratchBytes}); each packs the op(B) columns it needs itself.
 */
export function gemmRows(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, b: usize, ldb: i32, transB: bool, alpha: f32, beta: f32, c: usize, ldc: i32, bias: usize, work: usize, tid: i32, nt: i32): void {
  if (m < MR) {
    if (tid == 0) gemmSmall(m, n, k, a, lda, transA, b, ldb, transB, alpha, beta, c, ldc, bias, work);
    return;
  }
  const r0 = partLo(m, tid, nt);
  const mm = partLo(m, tid + 1, nt) - r0;
  if (mm <= 0) return;
  // op(A) rows r0.. : transA → columns of the stored A
  const ar = transA ? a + <usize>(r0 * 4) : a + <usize>(r0) * <usize>(lda * 4);
  const cr = c + <usize>(r0) * <usize>(ldc * 4);
  if (n < MR) {
    gemmNarrowN(mm, n, k, ar, lda, transA, b, ldb, transB, alpha, beta, cr, ldc, bias, work);
    return;
  }
  if (k < MR) {
    gemmTinyK(mm, n, k, ar, lda, transA, b, ldb, transB, alpha, beta, cr, ldc, bias, work);
    return;
  }
  const bpack = work + <usize>(PACK_A_BYTES);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    packB(b, ldb, transB, k, j0, nc, bpack);
    gemmPackedB(mm, nc, k, ar, lda, transA, bpack, alpha, beta, cr + <usize>(j0 * 4), ldc, bias != 0 ? bias + <usize>(j0 * 4) : 0, work);
  }
}

/**
 * n < 4 (e.g. dW_ih of a 1-feature input): computes Cᵀ[n×m] = op(B)ᵀ·op(A)ᵀ with the small-m path
 * into `work`, then C = alpha·Cᵀᵀ + beta·C + bias. Avoids padding 1–3 columns up to 8.
 */
function gemmNarrowN(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, b: usize, ldb: i32, transB: bool, alpha: f32, beta: f32, c: usize, ldc: i32, bias: usize, work: usize): void {
  const ct = work + <usize>(PACK_A_BYTES);
  const inner = ct + <usize>(n * m * 4);
  // op(B)ᵀ(i', p) = op(B)(p, i'):  B stored k×n → element at p·ldb + i' (a "transposed A")
  gemmSmall(n, m, k, b, ldb, !transB, a, lda, !transA, 1, 0, ct, m, 0, inner);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const cp = c + <usize>((i * ldc + j) * 4);
      let v = alpha * load<f32>(ct + <usize>((j * m + i) * 4));
      if (bias != 0) v += load<f32>(bias + <usize>(j * 4));
      if (beta != 0) v += beta * load<f32>(cp);
      store<f32>(cp, v);
    }
  }
}

/**
 * k < 4 (e.g. the input projection of a 1-feature input): op(B) is copied to a k×n row-major
 * block, then every C row is one vector pass: C[i, :] = alpha·Σ_p A[i, p]·B[p, :] + beta·C + bias.
 */
function gemmTinyK(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, b: usize, ldb: i32, transB: bool, alpha: f32, beta: f32, c: usize, ldc: i32, bias: usize, work: usize): void {
  const bt = work + <usize>(PACK_A_BYTES);
  for (let p = 0; p < k; p++) {
    for (let j = 0; j < n; j++) {
      store<f32>(bt + <usize>((p * n + j) * 4), transB ? load<f32>(b + <usize>((j * ldb + p) * 4)) : load<f32>(b + <usize>((p * ldb + j) * 4)));
    }
  }
  const n4 = n & ~3;
  const betav = f32x4.splat(beta);
  for (let i = 0; i < m; i++) {
    const crow = c + <usize>(i * ldc * 4);
    const a0 = alpha * load<f32>(a + <usize>((transA ? i : i * lda) * 4));
    const a1: f32 = k > 1 ? alpha * load<f32>(a + <usize>((transA ? lda + i : i * lda + 1) * 4)) : 0;
    const a2: f32 = k > 2 ? alpha * load<f32>(a + <usize>((transA ? 2 * lda + i : i * lda + 2) * 4)) : 0;
    const v0 = f32x4.splat(a0);
    const v1 = f32x4.splat(a1);
    const v2 = f32x4.splat(a2);
    const row1 = bt + <usize>(n * 4);
    const row2 = bt + <usize>(2 * n * 4);
    let j = 0;
    for (; j < n4; j += 4) {
      const o = <usize>(j * 4);
      let acc = f32x4.mul(v0, v128.load(bt + o));
      if (k > 1) acc = f32x4.add(acc, f32x4.mul(v1, v128.load(row1 + o)));
      if (k > 2) acc = f32x4.add(acc, f32x4.mul(v2, v128.load(row2 + o)));
      if (bias != 0) acc = f32x4.add(acc, v128.load(bias + o));
      if (beta != 0) acc = f32x4.add(acc, f32x4.mul(betav, v128.load(crow + o)));
      v128.store(crow + o, acc);
    }
    for (; j < n; j++) {
      const o = <usize>(j * 4);
      let acc = a0 * load<f32>(bt + o);
      if (k > 1) acc += a1 * load<f32>(row1 + o);
      if (k > 2) acc += a2 * load<f32>(row2 + o);
      if (bias != 0) acc += load<f32>(bias + o);
      if (beta != 0) acc += beta * load<f32>(crow + o);
      store<f32>(crow + o, acc);
    }
  }
}
