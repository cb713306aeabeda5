/**
 * A scope that remembers every tensor it creates and disposes them all at the end, so a failing
 * check cannot leak device buffers into the next test (the leak test counts them).
 */
import type { Backend, Tensor } from '@recur/backend';

/** Tensors created through one scope; {@link TensorScope.dispose} frees them all. */
export class TensorScope {
  private readonly tensors: Tensor[] = [];
  constructor(readonly backend: Backend) {}

  /** Upload host data as a new tensor owned by this scope. */
  upload(data: ArrayLike<number>, shape: readonly number[]): Tensor {
    return this.track(this.backend.upload(data, shape));
  }

  /** A zero-filled tensor owned by this scope. */
  alloc(shape: readonly number[]): Tensor {
    return this.track(this.backend.alloc(shape));
  }

  /** Adopt a tensor made elsewhere (e.g. a cell cache) so the scope disposes it. */
  track<T extends Tensor | null>(t: T): T {
    if (t) this.tensors.push(t);
    return t;
  }

  /** Read a tensor back as float64 values. */
  async read(t: Tensor): Promise<Float64Array> {
    return Float64Array.from(await this.backend.read(t));
  }

  /** Dispose every tensor of the scope (disposing twice is a no-op by contract). */
  dispose(): void {
    for (const t of this.tensors.splice(0)) this.backend.dispose(t);
  }
}

/** Run `fn` with a fresh scope and dispose the scope's tensors afterwards, even on failure. */
export async function withScope<R>(backend: Backend, fn: (scope: TensorScope) => Promise<R>): Promise<R> {
  const scope = new TensorScope(backend);
  try {
    return await fn(scope);
  } finally {
    scope.dispose();
  }
}
