/**
 * GEMM, data movement and reductions on the WASM kernels: byte offsets in, one kernel call out.
 * The shared argument checks ran before (defineBackend); what stays here is this backend's own
 * limit (GEMM packing space under 2 GiB).
 */
import { OutOfMemoryError, type CopyParams, type GemmParams, type Tensor } from '@recur/backend';
import type { WasmContext } from '../wasm-context.js';

/** C = alpha·op(A)·op(B) + beta·C (+ bias), packed and register-blocked (assembly/gemm.ts). */
export function gemm(c: WasmContext, p: GemmParams): void {
  const { m, n, k } = p;
  // this backend's limit: the kernels size the packing space in 32-bit integers
  if (4 * (k * 1040 + 3 * (m + k)) + (1 << 20) >= 2 ** 31) {
    throw new OutOfMemoryError(c.name, 4 * k * 1040, `GEMM packing space for k=${k} exceeds 2 GiB; split the product along k`);
  }
  const work = c.scratch(c.k.gemmScratchBytes(m, n, k));
  c.k.gemm(
    m, n, k,
    c.ptr(p.a), p.transA ? m : k, p.transA ? 1 : 0,
    c.ptr(p.b), p.transB ? k : n, p.transB ? 1 : 0,
    p.alpha ?? 1, p.beta ?? 0,
    c.ptr(p.c), n, c.optPtr(p.bias), work,
  );
}

/** Strided 2-D copy (checked before, and empty copies answered there: rows and columns ≥ 1 here). */
export function copy(c: WasmContext, p: CopyParams): void {
  const { cols } = p;
  const src = c.ptr(p.src) + (p.srcOffset ?? 0) * 4;
  const dst = c.ptr(p.dst) + (p.dstOffset ?? 0) * 4;
  c.k.copy2d(src, dst, p.rows ?? 1, cols, p.srcStride ?? cols, p.dstStride ?? cols, p.accumulate ? 1 : 0);
}

export function fill(c: WasmContext, t: Tensor, value: number): void {
  c.k.fill(c.ptr(t), t.size, value);
}

export function axpy(c: WasmContext, y: Tensor, x: Tensor, alpha: number): void {
  c.k.axpy(c.ptr(y), c.ptr(x), y.size, alpha);
}

export function scale(c: WasmContext, x: Tensor, alpha: number): void {
  c.k.scale(c.ptr(x), x.size, alpha);
}

export function mul(c: WasmContext, out: Tensor, a: Tensor, b: Tensor): void {
  c.k.mul(c.ptr(out), c.ptr(a), c.ptr(b), out.size);
}

export function clipByValue(c: WasmContext, x: Tensor, limit: number): void {
  c.k.clip(c.ptr(x), x.size, limit);
}

export function sumSquares(c: WasmContext, x: Tensor, out: Tensor): void {
  const s = c.k.sumSquares(c.ptr(x), x.size);
  c.view()[c.ptr(out) >>> 2] = s;
}

export function sumRows(c: WasmContext, x: Tensor, rows: number, cols: number, out: Tensor, accumulate = false): void {
  const acc = c.scratch(cols * 8);
  c.k.sumRows(c.ptr(x), rows, cols, c.ptr(out), accumulate ? 1 : 0, acc);
}
