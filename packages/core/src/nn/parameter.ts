/**
 * A named, trainable tensor and its gradient buffer. Names follow PyTorch's `state_dict`
 * (`rnn.weight_ih_l0`, `head.weight`, `embedding.weight`).
 */
import type { Backend, Tensor } from '@recur/backend';

/** A trainable parameter living on a backend. */
export class Parameter {
  /** Gradient buffer (same size as `value`), allocated on first use. */
  grad: Tensor | null = null;

  constructor(
    /** Fully-qualified PyTorch name, e.g. `rnn.weight_hh_l1_reverse`. */
    readonly name: string,
    /** Logical shape, e.g. [4H, H]. */
    readonly shape: readonly number[],
    /** The device buffer holding the value. */
    public value: Tensor,
  ) {}

  /** Element count. */
  get size(): number {
    return this.value.size;
  }

  /** The gradient buffer, allocated (zero) on first use. */
  ensureGrad(backend: Backend): Tensor {
    if (!this.grad || this.grad.disposed) this.grad = backend.alloc(this.shape);
    return this.grad;
  }

  /** Zero the gradient buffer (allocating it if needed). */
  zeroGrad(backend: Backend): void {
    const g = this.ensureGrad(backend);
    backend.fill(g, 0);
  }

  /** Free the value and gradient buffers. */
  dispose(backend: Backend): void {
    backend.dispose(this.value);
    if (this.grad) backend.dispose(this.grad);
    this.grad = null;
  }
}

/** Tracks tensors made during one forward/backward so they can be freed together. */
export class TensorScope {
  private readonly tensors: Tensor[] = [];
  constructor(private readonly backend: Backend) {}

  /** Allocate a zero tensor owned by this scope. */
  alloc(shape: readonly number[]): Tensor {
    const t = this.backend.alloc(shape);
    this.tensors.push(t);
    return t;
  }

  /** Upload host data into a tensor owned by this scope. */
  upload(data: ArrayLike<number>, shape: readonly number[]): Tensor {
    const t = this.backend.upload(data, shape);
    this.tensors.push(t);
    return t;
  }

  /** Take ownership of an existing tensor. */
  track(t: Tensor): Tensor {
    this.tensors.push(t);
    return t;
  }

  /** Dispose every tensor this scope owns (except those in `keep`). */
  dispose(keep: readonly (Tensor | null | undefined)[] = []): void {
    const kept = new Set(keep.filter((t): t is Tensor => !!t));
    for (const t of this.tensors) if (!kept.has(t)) this.backend.dispose(t);
    this.tensors.length = 0;
  }
}
