/**
 * A dense (fully-connected) layer, PyTorch `nn.Linear` layout: weight [O, F], bias [O].
 *
 * Forward (N rows):   Y = X·Wᵀ + b   [N, O];   Z = act(Y)
 * Backward:           dY = act'(Z) ⊙ dZ;   dW += dYᵀ·X;   db += Σ_rows dY;   dX = dY·W
 */
import type { ActivationKind, Backend, Tensor } from '@recur/backend';
import { uniformInit } from '../init/initializers.js';
import type { Rng } from '../random/prng.js';
import { Parameter, type TensorScope } from './parameter.js';

/** A dense layer with an optional activation. */
export class Dense {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(
    backend: Backend,
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly activation: ActivationKind,
    prefix: string,
    rng: Rng,
  ) {
    // PyTorch nn.Linear default: weight and bias from U(−1/√F, 1/√F).
    const k = 1 / Math.sqrt(inFeatures);
    this.weight = new Parameter(`${prefix}weight`, [outFeatures, inFeatures], backend.upload(uniformInit(rng, outFeatures * inFeatures, k), [outFeatures, inFeatures]));
    this.bias = new Parameter(`${prefix}bias`, [outFeatures], backend.upload(uniformInit(rng, outFeatures, k), [outFeatures]));
  }

  parameters(): Parameter[] {
    return [this.weight, this.bias];
  }

  /** Z = act(X·Wᵀ + b) for X [N, F]; returns Z [N, O] owned by `scope`. */
  forward(backend: Backend, scope: TensorScope, x: Tensor, n: number): Tensor {
    const y = scope.alloc([n, this.outFeatures]);
    const z = this.activation === 'identity' ? null : scope.alloc([n, this.outFeatures]);
    return this.forwardInto(backend, x, n, y, z);
  }

  /**
   * Z = act(X·Wᵀ + b) into caller-owned buffers: `y` [N, O] receives X·Wᵀ + b, `z` [N, O] the
   * activation (pass null for an identity head, whose output is `y`). Returns the output tensor.
   */
  forwardInto(backend: Backend, x: Tensor, n: number, y: Tensor, z: Tensor | null): Tensor {
    backend.gemm({ a: x, b: this.weight.value, c: y, m: n, n: this.outFeatures, k: this.inFeatures, transB: true, bias: this.bias.value });
    if (this.activation === 'identity') return y;
    if (!z) throw new Error('Dense.forwardInto: a head with an activation needs an output buffer z.');
    backend.activation({ op: this.activation, x: y, out: z });
    return z;
  }

  /**
   * Accumulate dW, db from dZ and the forward's X and Z; returns dX [N, F] (owned by `scope`)
   * when `wantDx`.
   */
  backward(backend: Backend, scope: TensorScope, x: Tensor, z: Tensor, dz: Tensor, n: number, wantDx: boolean): Tensor | null {
    const O = this.outFeatures;
    const F = this.inFeatures;
    let dy = dz;
    if (this.activation !== 'identity') {
      dy = scope.alloc([n, O]);
      backend.activationBackward({ op: this.activation, y: z, dy: dz, dx: dy });
    }
    backend.gemm({ a: dy, b: x, c: this.weight.ensureGrad(backend), m: O, n: F, k: n, transA: true, beta: 1 });
    backend.sumRows(dy, n, O, this.bias.ensureGrad(backend), true);
    if (!wantDx) return null;
    const dx = scope.alloc([n, F]);
    backend.gemm({ a: dy, b: this.weight.value, c: dx, m: n, n: F, k: O });
    return dx;
  }
}
