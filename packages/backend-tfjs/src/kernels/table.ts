/**
 * The tfjs backend's kernel table: every kernel of the contract, each taking the TfjsContext
 * first. `defineBackend` binds the context, makes the engine active and runs the shared checks
 * before each one.
 */
import type { KernelTable } from '@recur/backend';
import type { TfjsContext } from '../context.js';
import { cellBackward } from './cell-backward.js';
import { cellForward } from './cell-forward.js';
import { gather, scatterAdd } from './embedding.js';
import * as linear from './linear.js';
import { loss } from './loss.js';
import { optimizerStep } from './optimizer.js';
import { activation, activationBackward, softmax } from './pointwise.js';

/** Every tfjs kernel, by contract name. */
export const TFJS_KERNELS: KernelTable<TfjsContext> = {
  ...linear, // gemm, copy, fill, axpy, scale, mul, clipByValue, sumSquares, sumRows
  activation,
  activationBackward,
  softmax,
  cellForward,
  cellBackward,
  loss,
  optimizerStep,
  gather,
  scatterAdd,
};
