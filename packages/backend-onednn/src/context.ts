/**
 * What every kernel module gets from the backend: the tensor buffers of a call (the shared checks of
 * @recur/backend ran on them first, in defineBackend, so errors match every other backend) and the
 * native call wrapper.
 */
import type { Tensor } from '@recur/backend';
import type { NativeAddon, NativeContext } from './native.js';
import type { TensorStore } from './onednn-tensor.js';
import type { StepBindings } from './step-bindings.js';

export interface KernelContext {
  /** Backend name and id (ownership checks and error messages). */
  readonly name: string;
  readonly id: string;
  readonly addon: NativeAddon;
  /** The backend's tensors (cellForward allocates its training cache there). */
  readonly store: TensorStore;
  /** The native context (defineBackend refuses every kernel after destroy(), so it is live). */
  ctx(): NativeContext;
  /** A tensor of the call (checked already: live, ours, at least `minSize` elements): its buffer. */
  live(t: Tensor, what: string, minSize?: number): Float32Array;
  /** A tensor of the call (checked already: exactly `size` elements): its buffer. */
  exact(t: Tensor, what: string, size: number, shape?: readonly number[]): Float32Array;
  /** Run a native call, mapping oneDNN errors to recur's typed errors. */
  call<T>(fn: () => T): T;
  /** The typed recur error for what a native call threw (what {@link KernelContext.call} throws). */
  nativeError(e: unknown): Error;
  /** The buffers the addon holds bound for streaming steps. */
  readonly bindings: StepBindings;
}
