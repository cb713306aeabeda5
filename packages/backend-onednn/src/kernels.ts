/**
 * The oneDNN backend's kernel table: one function per kernel of the contract, each taking the
 * {@link KernelContext} first. `defineBackend` (in backend.ts) binds the context, runs the shared
 * argument checks of @recur/backend before each one and refuses them after `destroy()`.
 */
import type { GemmParams, KernelTable } from '@recur/backend';
import { checkGemm } from '@recur/backend';
import { nativeElementwiseKernels } from '@recur/native';
import { cellBackward, cellForward } from './cells.js';
import type { KernelContext } from './context.js';
import { dataOf } from './onednn-tensor.js';
import { loss, optimizerStep } from './training.js';

/** C = alpha·op(A)·op(B) + beta·C (+ bias) on `dnnl_sgemm`, threaded by OpenMP. */
function gemm(k: KernelContext, p: GemmParams): void {
  const { alpha, beta } = checkGemm(k, p);
  const c = dataOf(p.c, 'gemm.c');
  // GEMM reads A and B while writing C: when C shares a buffer with either, read from a copy.
  const a = dataOf(p.a, 'gemm.a');
  const b = dataOf(p.b, 'gemm.b');
  const args = {
    transA: p.transA === true,
    transB: p.transB === true,
    m: p.m,
    n: p.n,
    k: p.k,
    alpha,
    beta,
    a: a === c ? a.slice() : a,
    b: b === c ? b.slice() : b,
    c,
    bias: p.bias ? dataOf(p.bias, 'gemm.bias') : null,
  };
  k.call(() => k.addon.gemm(k.ctx(), args));
}

/** Every kernel of the contract on oneDNN and the addon's C++ loops. */
export const ONEDNN_KERNELS: KernelTable<KernelContext> = {
  // copy, fill, axpy, scale, mul, clipByValue, sumSquares, sumRows, activation(Backward), softmax, gather, scatterAdd
  ...nativeElementwiseKernels<KernelContext>(),
  gemm,
  cellForward: (k, p) => cellForward(k, k.store, p),
  cellBackward,
  loss,
  optimizerStep,
};
