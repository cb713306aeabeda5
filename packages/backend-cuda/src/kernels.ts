/**
 * The CUDA backend's kernel table: one function per kernel of the contract, each taking the
 * {@link KernelContext} first. `defineBackend` (in backend.ts) binds the context, runs the shared
 * argument checks of @recur/backend before each one and refuses them after `destroy()`.
 */
import { checkGemm, type GemmParams, type KernelTable } from '@recur/backend';
import { nativeElementwiseKernels } from '@recur/native';
import { cellBackward, cellForward } from './cells.js';
import type { KernelContext } from './context.js';
import { optPtr, ptrOf } from './cuda-tensor.js';
import { loss, optimizerStep } from './training.js';

/** C = alpha·op(A)·op(B) + beta·C (+ bias) on cuBLAS, queued on the backend's stream. */
function gemm(k: KernelContext, p: GemmParams): void {
  const { alpha, beta } = checkGemm(k, p);
  const a = ptrOf(p.a, 'gemm.a');
  const b = ptrOf(p.b, 'gemm.b');
  const c = ptrOf(p.c, 'gemm.c');
  const bias = optPtr(p.bias, 'gemm.bias');
  k.call(() => k.addon.gemm(k.ctx(), { transA: p.transA === true, transB: p.transB === true, m: p.m, n: p.n, k: p.k, alpha, beta, a, b, c, bias }));
}

/** Every kernel of the contract on the GPU (cuBLAS and the addon's CUDA kernels). */
export const CUDA_KERNELS: KernelTable<KernelContext> = {
  // copy, fill, axpy, scale, mul, clipByValue, sumSquares, sumRows, activation(Backward), softmax, gather, scatterAdd
  ...nativeElementwiseKernels<KernelContext>(),
  gemm,
  cellForward: (k, p) => cellForward(k, k.store, p),
  cellBackward,
  loss,
  optimizerStep,
};
