/**
 * What every kernel module gets from the backend: checked access to device pointers (with the shared
 * checks of @recur/backend, so errors match every other backend) and the native call wrapper.
 */
import type { Tensor } from '@recur/backend';
import type { TensorStore } from './cuda-tensor.js';
import type { NativeAddon, NativeContext, Ptr } from './native.js';

export interface KernelContext {
  /** Backend name and id (ownership checks and error messages). */
  readonly name: string;
  readonly id: string;
  readonly addon: NativeAddon;
  /** The backend's device tensors (cellForward allocates its training cache there). */
  readonly store: TensorStore;
  /** The native context (defineBackend refuses every kernel after destroy(), so it is live). */
  ctx(): NativeContext;
  /** A live tensor owned by this backend with at least `minSize` elements: its device pointer. */
  live(t: Tensor, what: string, minSize?: number): Ptr;
  /** A live tensor owned by this backend with exactly `size` elements: its device pointer. */
  exact(t: Tensor, what: string, size: number, shape?: readonly number[]): Ptr;
  /** Run a native call, mapping CUDA errors to recur's typed errors. */
  call<T>(fn: () => T): T;
}
