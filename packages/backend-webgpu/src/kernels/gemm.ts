/**
 * Encoding GEMMs into a pass: the public `gemm` and the GEMMs inside the cell kernels.
 * Grids taller than the device's workgroup limit are split into row chunks.
 */
import type { GpuContext, PassBuilder } from '../gpu-context.js';
import { GEMM, GEMM_DIRECT, GEMM_PARAMS, GEMM_TILE } from '../shaders/gemm.js';

/**
 * The barrier-free kernel for thin products, and for every product on CPU-emulated adapters
 * (SwiftShader, lavapipe), where workgroup barriers cost more than the tiles save: measured on
 * SwiftShader, 4–5× faster for the recurrent shapes. Real GPUs get the tiled kernel for the rest.
 */
function useDirect(ctx: GpuContext, m: number, n: number, k: number): boolean {
  if (ctx.gemmKernel !== 'auto') return ctx.gemmKernel === 'direct';
  return ctx.cpuEmulated || m < 16 || k < 16 || m * n <= 4096;
}

/** An operand: buffer, element offset, leading dimension, and whether it is used transposed. */
export interface Operand {
  readonly buf: GPUBuffer;
  readonly off: number;
  readonly ld: number;
  readonly trans?: boolean;
}

/** C = alpha·op(A)·op(B) + beta·C (+ bias), op(A) m×k, op(B) k×n, C m×n. */
export function encodeGemm(
  ctx: GpuContext,
  pb: PassBuilder,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Operand,
  b: Operand,
  beta: number,
  c: Operand,
  bias: { readonly buf: GPUBuffer; readonly off: number } | null,
  /** Reuse a parameter slot across calls with identical arguments (per-step GEMMs). */
  slotCache?: Map<string, number>,
): void {
  const maxRows = ctx.limits.maxComputeWorkgroupsPerDimension * GEMM_TILE;
  const transA = a.trans === true;
  for (let r0 = 0; r0 < m; r0 += maxRows) {
    const rows = Math.min(maxRows, m - r0);
    // Row r0 of op(A) starts at column r0 of A when A is transposed.
    const offA = a.off + (transA ? r0 : r0 * a.ld);
    const values = [rows, n, k, transA ? 1 : 0, b.trans ? 1 : 0, offA, b.off, c.off + r0 * c.ld, a.ld, b.ld, alpha, beta, bias ? 1 : 0, bias ? bias.off : 0, c.ld];
    let slot: number | undefined;
    const key = slotCache ? values.join(',') : '';
    if (slotCache) slot = slotCache.get(key);
    if (slot === undefined) {
      slot = pb.slot(GEMM_PARAMS, values);
      slotCache?.set(key, slot);
    }
    const bound = [a.buf, b.buf, bias ? bias.buf : ctx.dummyRead, c.buf];
    if (useDirect(ctx, rows, n, k)) pb.dispatchFlat(GEMM_DIRECT, slot, bound, Math.ceil(rows / 4) * Math.ceil(n / 4));
    else pb.dispatch(GEMM, slot, bound, Math.ceil(n / GEMM_TILE), Math.ceil(rows / GEMM_TILE));
  }
}
