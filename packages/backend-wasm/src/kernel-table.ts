/**
 * The WASM backend's kernel table: one function per kernel of the contract, each taking the
 * {@link WasmContext} first. `defineBackend` (create-wasm-backend.ts) binds the context, runs the
 * shared argument checks of @recur/backend before each one and refuses them after `destroy()`.
 */
import type { KernelTable } from '@recur/backend';
import * as cells from './kernels/cells.js';
import * as linear from './kernels/linear.js';
import * as pointwise from './kernels/pointwise.js';
import * as training from './kernels/training.js';
import type { WasmContext } from './wasm-context.js';

/** Every kernel of the contract on recur.wasm. */
export const WASM_KERNELS: KernelTable<WasmContext> = {
  ...linear, // gemm, copy, fill, axpy, scale, mul, clipByValue, sumSquares, sumRows
  ...pointwise, // activation, activationBackward, softmax
  ...cells, // cellForward, cellBackward
  ...training, // loss, optimizerStep, gather, scatterAdd
};
