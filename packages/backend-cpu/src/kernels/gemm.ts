/**
 * The `gemm` kernel: C = alpha·op(A)·op(B) + beta·C (+ bias on every row), shapes
 * op(A) [m, k], op(B) [k, n], C [m, n]. Arguments are checked by `checked` (defineBackend).
 */
import type { GemmParams } from '@recur/backend';
import type { KernelContext } from '../context.js';
import { gemmRaw } from '../gemm.js';

/** Run one GEMM on the CPU (blocked, packed; see `gemmRaw`). */
export function gemm(ctx: KernelContext, p: GemmParams): void {
  const alpha = p.alpha ?? 1;
  const beta = p.beta ?? 0;
  const a = ctx.live(p.a, 'gemm.a');
  const b = ctx.live(p.b, 'gemm.b');
  const c = ctx.live(p.c, 'gemm.c');
  const bias = p.bias ? ctx.live(p.bias, 'gemm.bias') : null;
  const { m, n, k } = p;
  const transA = p.transA === true;
  const transB = p.transB === true;
  // GEMM reads A and B while writing C: if C shares a buffer with either, compute from a copy.
  const aSrc = a === c ? a.slice() : a;
  const bSrc = b === c ? b.slice() : b;
  gemmRaw(
    m,
    n,
    k,
    alpha,
    { data: aSrc, offset: 0, ld: transA ? m : k, trans: transA },
    { data: bSrc, offset: 0, ld: transB ? k : n, trans: transB },
    beta,
    { data: c, offset: 0, ld: n },
    bias,
    0,
    ctx.ws.gemm,
  );
}
