/**
 * Token embedding, PyTorch `nn.Embedding` layout: weight [V, E], initialised N(0, 1).
 *
 * Forward: out[r, :] = W[idx[r], :] (backend `gather`).  Backward: dW[idx[r], :] += dOut[r, :] (`scatterAdd`).
 */
import { InvalidArgumentError, type Backend, type Tensor } from '@recur/backend';
import { normalInit } from '../init/initializers.js';
import type { Rng } from '../random/prng.js';
import { Parameter, type TensorScope } from './parameter.js';

/** A lookup table of token vectors. */
export class Embedding {
  readonly weight: Parameter;

  constructor(backend: Backend, readonly vocabSize: number, readonly dim: number, prefix: string, rng: Rng) {
    this.weight = new Parameter(`${prefix}weight`, [vocabSize, dim], backend.upload(normalInit(rng, vocabSize * dim), [vocabSize, dim]));
  }

  parameters(): Parameter[] {
    return [this.weight];
  }

  /** Check token ids are integers in [0, V). */
  checkIndices(indices: Int32Array, source: ArrayLike<number>): void {
    for (let i = 0; i < source.length; i++) {
      const v = source[i] as number;
      if (!Number.isInteger(v) || v < 0 || v >= this.vocabSize) {
        throw new InvalidArgumentError('tokens', `token ${i} is ${v}; ids must be integers in [0, vocabSize=${this.vocabSize}).`);
      }
      indices[i] = v;
    }
  }

  /** Rows for `indices` [N] → [N, E] owned by `scope`. */
  forward(backend: Backend, scope: TensorScope, indices: Int32Array): Tensor {
    return this.forwardInto(backend, indices, scope.alloc([indices.length, this.dim]));
  }

  /** Rows for `indices` [N] into a caller-owned `out` [N, E]; returns `out`. */
  forwardInto(backend: Backend, indices: Int32Array, out: Tensor): Tensor {
    backend.gather({ table: this.weight.value, indices, dim: this.dim, out });
    return out;
  }

  /** Accumulate the table gradient. */
  backward(backend: Backend, indices: Int32Array, dOut: Tensor): void {
    backend.scatterAdd({ grad: dOut, indices, dim: this.dim, dTable: this.weight.ensureGrad(backend) });
  }
}
