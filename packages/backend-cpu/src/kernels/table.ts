/**
 * The CPU backend's kernel table: every kernel of the contract, each taking the KernelContext
 * first. `defineBackend` binds the context and runs the shared checks before each one.
 */
import type { KernelTable } from '@recur/backend';
import type { KernelContext } from '../context.js';
import { cellBackward, cellForward } from './cells.js';
import * as ew from './elementwise.js';
import { gemm } from './gemm.js';
import { loss } from './loss.js';
import { optimizerStep } from './optimizers.js';

/** Every CPU kernel, by contract name. */
export const CPU_KERNELS: KernelTable<KernelContext> = {
  ...ew, // copy, fill, axpy, scale, mul, clipByValue, sumSquares, sumRows, activation(Backward), softmax, gather, scatterAdd
  gemm,
  cellForward,
  cellBackward,
  loss,
  optimizerStep,
};
