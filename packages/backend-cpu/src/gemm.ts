/**
 * Blocked, cache-aware GEMM on host arrays (GotoBLAS-style loop nest):
 *
 *   C[m×n] = alpha·op(A)[m×k]·op(B)[k×n] + beta·C + bias[n]
 *
 * - The k dimension is cut into KC-deep slices and n into NC-wide blocks. For each (k slice,
 *   n block), op(B) is packed into NR-column micro-panels (kc×NR, contiguous, zero-padded), and
 *   for each MC-row block of op(A) the rows are packed into MR-row micro-panels (kc×MR, with
 *   alpha folded in). A B micro-panel (8 KiB) stays in L1 while it meets every A micro-panel of
 *   the block (≤ 256 KiB, L2).
 * - The micro-kernel keeps an MR×NR = 4×4 tile of C in sixteen local accumulators and walks k
 *   once, reading 4 + 4 packed values per 16 multiply-adds. Packing makes every transpose case
 *   the same inner loop; zero padding makes edge tiles the same too (only the write-back is
 *   guarded).
 * - Packed panels are Float64Array, so the hot loop is monomorphic whatever the storage type
 *   and accumulates in double precision.
 * - A B operand that repeats across calls (the recurrent weights, every timestep) can be packed
 *   once with {@link packAllB} and passed in as `packedB`.
 *
 * Operands are addressed by (array, offset, leading dimension), so the cell kernels can run a
 * GEMM on a slice of a larger buffer without creating views.
 */
import type { CpuArray } from './tensor-store.js';

/** Rows of a micro-tile. */
const MR = 4;
/** Columns of a micro-tile. */
const NR = 4;
/** Depth of a k slice. */
const KC = 256;
/** Rows of an A block. */
const MC = 128;
/** Columns of a B block. */
const NC = 1024;

/** Reusable packing buffers (one per backend instance; grown on demand, never shrunk). */
export class GemmWorkspace {
  packA: Float64Array = new Float64Array(0);
  packB: Float64Array = new Float64Array(0);
}

/** A GEMM operand: element (r, c) of the *stored* matrix is `data[offset + r·ld + c]`. */
export interface Operand {
  readonly data: CpuArray;
  readonly offset: number;
  /** Leading dimension (row stride) of the stored matrix. */
  readonly ld: number;
  /** Use the stored matrix transposed. */
  readonly trans: boolean;
}

/**
 * `C = alpha·op(A)·op(B) + beta·C (+ bias)` on raw arrays.
 *
 * op(A) is m×k, op(B) is k×n, C is m×n stored at `c.data[c.offset + i·c.ld + j]`.
 * `beta = 0` overwrites C without reading it (NaN in the old C does not leak through).
 */
export function gemmRaw(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Operand,
  b: Operand,
  beta: number,
  c: { readonly data: CpuArray; readonly offset: number; readonly ld: number },
  bias: CpuArray | null,
  biasOffset: number,
  ws: GemmWorkspace,
  packedB: Float64Array | null = null,
): void {
  const C = c.data;
  const cOff = c.offset;
  const ldc = c.ld;
  // 1. C = beta·C + bias (nothing to do for beta = 1 without a bias).
  if (beta !== 1 || bias !== null) {
    for (let i = 0; i < m; i++) {
      const row = cOff + i * ldc;
      if (beta === 0) {
        if (bias) for (let j = 0; j < n; j++) C[row + j] = bias[biasOffset + j] as number;
        else C.fill(0, row, row + n);
      } else if (beta !== 1) {
        if (bias) for (let j = 0; j < n; j++) C[row + j] = beta * (C[row + j] as number) + (bias[biasOffset + j] as number);
        else for (let j = 0; j < n; j++) C[row + j] = beta * (C[row + j] as number);
      } else if (bias) {
        for (let j = 0; j < n; j++) C[row + j] = (C[row + j] as number) + (bias[biasOffset + j] as number);
      }
    }
  }
  if (alpha === 0 || k === 0) return;

  // 2. C += alpha·op(A)·op(B), blocked.
  const ncMax = Math.min(NC, roundUp(n, NR));
  const kcMax = Math.min(KC, k);
  const mcMax = Math.min(MC, roundUp(m, MR));
  if (packedB === null && ws.packB.length < kcMax * ncMax) ws.packB = new Float64Array(kcMax * ncMax);
  if (ws.packA.length < kcMax * mcMax) ws.packA = new Float64Array(kcMax * mcMax);
  const Bp = packedB ?? ws.packB;
  const Ap = ws.packA;
  // With a pre-packed B, block (jc, pc) starts where the previous one ended (packAllB's order).
  let bBlock = 0;

  for (let jc = 0; jc < n; jc += NC) {
    const nb = Math.min(NC, n - jc);
    const nPanels = Math.ceil(nb / NR);
    for (let pc = 0; pc < k; pc += KC) {
      const kb = Math.min(KC, k - pc);
      if (packedB === null) packB(b, pc, kb, jc, nb, Bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mb = Math.min(MC, m - ic);
        const mPanels = Math.ceil(mb / MR);
        packA(a, ic, mb, pc, kb, alpha, Ap);
        for (let jp = 0; jp < nPanels; jp++) {
          const j0 = jc + jp * NR;
          const nr = Math.min(NR, n - j0);
          const bBase = bBlock + jp * kb * NR;
          for (let ip = 0; ip < mPanels; ip++) {
            const i0 = ic + ip * MR;
            const mr = Math.min(MR, m - i0);
            microKernel4x4(kb, Ap, ip * kb * MR, Bp, bBase, C, cOff + i0 * ldc + j0, ldc, mr, nr);
          }
        }
      }
      if (packedB !== null) bBlock += kb * nPanels * NR;
    }
  }
}

/** Elements {@link packAllB} needs for a k×n op(B). */
export function packedBSize(k: number, n: number): number {
  return k * roundUp(n, NR);
}

/**
 * Pack all of op(B) (k×n) once, in the block order {@link gemmRaw} walks, so a GEMM repeated
 * with the same B (the recurrent weights, every timestep) skips packing: pass the result as
 * `packedB`. `out` must hold {@link packedBSize} elements.
 */
export function packAllB(b: Operand, k: number, n: number, out: Float64Array): Float64Array {
  let off = 0;
  for (let jc = 0; jc < n; jc += NC) {
    const nb = Math.min(NC, n - jc);
    const nPanels = Math.ceil(nb / NR);
    for (let pc = 0; pc < k; pc += KC) {
      const kb = Math.min(KC, k - pc);
      packB(b, pc, kb, jc, nb, off === 0 ? out : out.subarray(off));
      off += kb * nPanels * NR;
    }
  }
  return out;
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/**
 * Pack rows [i0, i0+mb) × depth [p0, p0+kb) of alpha·op(A) into MR-row micro-panels:
 * `Ap[ip·kb·MR + p·MR + ii] = alpha·op(A)[i0 + ip·MR + ii, p0 + p]`, zero beyond row mb.
 * Loops run along whichever index is contiguous in memory.
 */
function packA(a: Operand, i0: number, mb: number, p0: number, kb: number, alpha: number, Ap: Float64Array): void {
  const A = a.data;
  const lda = a.ld;
  const off = a.offset;
  const panels = Math.ceil(mb / MR);
  for (let ip = 0; ip < panels; ip++) {
    const base = ip * kb * MR;
    const rows = Math.min(MR, mb - ip * MR);
    const i = i0 + ip * MR;
    if (a.trans) {
      // stored k×m: op(A)[i, p] = A[p·lda + i], so the MR values of one p are adjacent.
      let src = off + p0 * lda + i;
      let dst = base;
      for (let p = 0; p < kb; p++, src += lda, dst += MR) {
        for (let ii = 0; ii < rows; ii++) Ap[dst + ii] = alpha * (A[src + ii] as number);
        for (let ii = rows; ii < MR; ii++) Ap[dst + ii] = 0;
      }
    } else {
      for (let ii = 0; ii < MR; ii++) {
        let dst = base + ii;
        if (ii >= rows) {
          for (let p = 0; p < kb; p++, dst += MR) Ap[dst] = 0;
          continue;
        }
        let src = off + (i + ii) * lda + p0;
        for (let p = 0; p < kb; p++, dst += MR, src++) Ap[dst] = alpha * (A[src] as number);
      }
    }
  }
}

/**
 * Pack depth [p0, p0+kb) × columns [j0, j0+nb) of op(B) into NR-column micro-panels:
 * `Bp[jp·kb·NR + p·NR + jj] = op(B)[p0 + p, j0 + jp·NR + jj]`, zero beyond column nb.
 * Loops run along whichever index is contiguous in memory.
 */
function packB(b: Operand, p0: number, kb: number, j0: number, nb: number, Bp: Float64Array): void {
  const Bd = b.data;
  const ldb = b.ld;
  const off = b.offset;
  const panels = Math.ceil(nb / NR);
  for (let jp = 0; jp < panels; jp++) {
    const base = jp * kb * NR;
    const cols = Math.min(NR, nb - jp * NR);
    const j = j0 + jp * NR;
    if (b.trans) {
      // stored n×k: op(B)[p, j] = B[j·ldb + p], contiguous along p.
      for (let jj = 0; jj < NR; jj++) {
        let dst = base + jj;
        if (jj >= cols) {
          for (let p = 0; p < kb; p++, dst += NR) Bp[dst] = 0;
          continue;
        }
        let src = off + (j + jj) * ldb + p0;
        for (let p = 0; p < kb; p++, dst += NR, src++) Bp[dst] = Bd[src] as number;
      }
    } else {
      // stored k×n: the NR values of one p are adjacent.
      let src = off + p0 * ldb + j;
      let dst = base;
      for (let p = 0; p < kb; p++, src += ldb, dst += NR) {
        for (let jj = 0; jj < cols; jj++) Bp[dst + jj] = Bd[src + jj] as number;
        for (let jj = cols; jj < NR; jj++) Bp[dst + jj] = 0;
      }
    }
  }
}

/**
 * C[i0.., j0..] += Ap-panel · Bp-panel for one 4×4 tile (mr×nr of it is written back).
 * Sixteen accumulators live in locals; each k step reads 4 values of A and 4 of B.
 */
function microKernel4x4(
  kb: number,
  Ap: Float64Array,
  aBase: number,
  Bp: Float64Array,
  bBase: number,
  C: CpuArray,
  cBase: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ai = aBase;
  let bi = bBase;
  for (let p = 0; p < kb; p++) {
    const a0 = Ap[ai] as number;
    const a1 = Ap[ai + 1] as number;
    const a2 = Ap[ai + 2] as number;
    const a3 = Ap[ai + 3] as number;
    const b0 = Bp[bi] as number;
    const b1 = Bp[bi + 1] as number;
    const b2 = Bp[bi + 2] as number;
    const b3 = Bp[bi + 3] as number;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ai += 4;
    bi += 4;
  }
  if (mr === 4 && nr === 4) {
    let r = cBase;
    C[r] = (C[r] as number) + c00; C[r + 1] = (C[r + 1] as number) + c01; C[r + 2] = (C[r + 2] as number) + c02; C[r + 3] = (C[r + 3] as number) + c03;
    r += ldc;
    C[r] = (C[r] as number) + c10; C[r + 1] = (C[r + 1] as number) + c11; C[r + 2] = (C[r + 2] as number) + c12; C[r + 3] = (C[r + 3] as number) + c13;
    r += ldc;
    C[r] = (C[r] as number) + c20; C[r + 1] = (C[r + 1] as number) + c21; C[r + 2] = (C[r + 2] as number) + c22; C[r + 3] = (C[r + 3] as number) + c23;
    r += ldc;
    C[r] = (C[r] as number) + c30; C[r + 1] = (C[r + 1] as number) + c31; C[r + 2] = (C[r + 2] as number) + c32; C[r + 3] = (C[r + 3] as number) + c33;
    return;
  }
  // Edge tile: write back only the mr×nr valid part.
  addRow(C, cBase, nr, c00, c01, c02, c03);
  if (mr > 1) addRow(C, cBase + ldc, nr, c10, c11, c12, c13);
  if (mr > 2) addRow(C, cBase + 2 * ldc, nr, c20, c21, c22, c23);
  if (mr > 3) addRow(C, cBase + 3 * ldc, nr, c30, c31, c32, c33);
}

/** `C[r + j] += v_j` for the first `nr` of four values. */
function addRow(C: CpuArray, r: number, nr: number, v0: number, v1: number, v2: number, v3: number): void {
  C[r] = (C[r] as number) + v0;
  if (nr > 1) C[r + 1] = (C[r + 1] as number) + v1;
  if (nr > 2) C[r + 2] = (C[r + 2] as number) + v2;
  if (nr > 3) C[r + 3] = (C[r + 3] as number) + v3;
}
