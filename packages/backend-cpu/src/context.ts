/**
 * What every kernel module gets from the backend: checked access to tensor buffers (using the
 * shared checks of @recur/backend, so errors are the same typed ones on every backend) and the
 * scratch workspace.
 */
import type { Tensor } from '@recur/backend';
import type { CpuArray, CpuArrayCtor, TensorStore } from './tensor-store.js';
import type { Workspace } from './workspace.js';

export interface KernelContext {
  /** The backend's name and id (for error messages and ownership checks). */
  readonly name: string;
  readonly id: string;
  readonly ctor: CpuArrayCtor;
  readonly ws: Workspace;
  /** The backend's tensors (kernels that make a tensor, such as a training cache, allocate here). */
  readonly store: TensorStore;
  /** The buffer of a live tensor owned by this backend, holding at least `minSize` elements. */
  live(t: Tensor, what: string, minSize?: number): CpuArray;
  /** The buffer of a live tensor owned by this backend, holding exactly `size` elements. */
  exact(t: Tensor, what: string, size: number, shape?: readonly number[]): CpuArray;
}
