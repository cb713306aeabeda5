/** Activations, their gradients and softmax on the WASM kernels. */
import { type ActivationBackwardParams, type ActivationKind, type ActivationParams, type SoftmaxParams } from '@recur/backend';
import { ACTIVATION_CODE } from '../kernel-exports.js';
import type { WasmContext } from '../wasm-context.js';

const code = (op: ActivationKind): number => ACTIVATION_CODE[op];

export function activation(c: WasmContext, p: ActivationParams): void {
  c.k.activation(code(p.op), c.ptr(p.x), c.ptr(p.out), p.x.size);
}

export function activationBackward(c: WasmContext, p: ActivationBackwardParams): void {
  c.k.activationBackward(code(p.op), c.ptr(p.y), c.ptr(p.dy), c.ptr(p.dx), p.y.size);
}

/** Row-wise softmax of x / temperature (rows and columns ≥ 1 here). */
export function softmax(c: WasmContext, p: SoftmaxParams): void {
  c.k.softmax(c.ptr(p.x), c.ptr(p.out), p.rows, p.cols, 1 / (p.temperature ?? 1));
}
