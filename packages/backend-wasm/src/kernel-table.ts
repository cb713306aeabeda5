/**
 * The WASM backend's kernel table: one function per kernel of the contract, each taking the
 * {@link WasmContext} first. `defineBackend` (create-wasm-backend.ts) binds the context, runs the
 * shared argument checks of @recur/backend before each one and refuses them after `destroy()`.
 */
import type { KernelTable } from '@recur/backend';
import { cellBackward, cellForward } from './kernels/cells.js';
import { axpy, clipByValue, copy, fill, gemm, mul, scale, sumRows, sumSquares } from './kernels/linear.js';
import { activation, activationBackward, softmax } from './kernels/pointwise.js';
import { gather, loss, optimizerStep, scatterAdd } from './kernels/training.js';
import type { WasmContext } from './wasm-context.js';

/** Every kernel of the contract on recur.wasm. */
export const WASM_KERNELS: KernelTable<WasmContext> = {
  gemm,
  copy,
  fill,
  axpy,
  scale,
  mul,
  clipByValue,
  sumSquares,
  sumRows,
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
