/**
 * One optimisation step: forward, loss, backward, gradient norm, clipping, update.
 *
 * Exactly one device→host read per step: the loss and the squared global gradient norm
 * ‖g‖² = Σ_p Σ g_p² are gathered into one 2-element tensor and read together. NaN/Inf in either
 * stops training with a {@link NonFiniteError} naming the step, before any weight is changed.
 *
 * Clipping: by global norm, g ← g · min(1, maxNorm / (‖g‖ + 1e-6)) (as `clip_grad_norm_`);
 * by value, g ← clamp(g, −v, v) (after norm clipping when both are set).
 */
import { InvalidArgumentError, NonFiniteError, type Tensor } from '@recur/backend';
import type { Batch } from '../model/batch.js';
import type { DeviceState, Model } from '../model/model.js';
import { TensorScope } from '../nn/parameter.js';
import { lossOnPass, type LossConfig } from './losses.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  readonly loss: LossConfig;
  /** Clip the global gradient norm to this value. */
  readonly clipNorm?: number | null;
  /** Clamp every gradient element into [−v, v]. */
  readonly clipValue?: number | null;
  /** Initial states [L·D, B, H] (truncated BPTT carries them; no gradient flows into them). */
  readonly state?: DeviceState | null;
  /** Keep the final states (returned as `state`, caller disposes) for the next chunk. */
  readonly keepState?: boolean;
  /** Step number used in error messages (1-based). */
  readonly stepNumber?: number;
  /** Where the batch came from, for error messages. */
  readonly where?: string;
}

/** What one step reports. */
export interface TrainStepResult {
  readonly loss: number;
  /** Global L2 norm of the gradient before clipping. */
  readonly gradNorm: number;
  /** Final states when `keepState` (caller owns them). */
  readonly state: DeviceState | null;
}

/** Run one training step of `model` on `batch` with `optimizer`. */
export async function trainStep(model: Model, optimizer: Optimizer, batch: Batch, options: TrainStepOptions): Promise<TrainStepResult> {
  const { clipNorm, clipValue } = options;
  if (clipNorm !== undefined && clipNorm !== null && !(clipNorm > 0)) throw new InvalidArgumentError('clipNorm', `must be positive, got ${clipNorm}.`);
  if (clipValue !== undefined && clipValue !== null && !(clipValue > 0)) throw new InvalidArgumentError('clipValue', `must be positive, got ${clipValue}.`);
  if (optimizer.model !== model) throw new InvalidArgumentError('optimizer', 'belongs to another model.');
  const backend = model.backend;
  const step = options.stepNumber ?? optimizer.stepCount + 1;
  const where = options.where ? ` (${options.where})` : '';
  model.zeroGrad();
  const scope = new TensorScope(backend);
  const pass = model.forwardPass(batch, { training: true, state: options.state ?? null });
  let keep: (Tensor | null)[] = [];
  try {
    const { loss, grad } = lossOnPass(model, scope, pass, batch, options.loss, true);
    model.backwardPass(pass, grad as Tensor);
    // stats = [loss, Σ‖g_p‖²]
    const stats = scope.alloc([2]);
    const part = scope.alloc([1]);
    backend.copy({ src: loss, dst: stats, cols: 1 });
    for (const p of model.parameters()) {
      if (!p.grad) continue;
      backend.sumSquares(p.grad, part);
      backend.copy({ src: part, dst: stats, cols: 1, dstOffset: 1, accumulate: true });
    }
    const host = await backend.read(stats);
    const lossValue = host[0] as number;
    const gradNorm = Math.sqrt(host[1] as number);
    if (!Number.isFinite(lossValue)) {
      throw new NonFiniteError(`the loss${where}`, step, 'Check the batch inputs and targets for NaN/Inf, lower the learning rate, or enable clipNorm.');
    }
    if (!Number.isFinite(gradNorm)) {
      throw new NonFiniteError(`the gradients${where}`, step, 'Lower the learning rate or enable clipNorm / clipValue.');
    }
    if (clipNorm) {
      const coef = clipNorm / (gradNorm + 1e-6);
      if (coef < 1) for (const p of model.parameters()) if (p.grad) backend.scale(p.grad, coef);
    }
    if (clipValue) for (const p of model.parameters()) if (p.grad) backend.clipByValue(p.grad, clipValue);
    optimizer.step();
    let state: DeviceState | null = null;
    if (options.keepState) {
      state = { h: pass.hN, c: pass.cN };
      keep = [pass.hN, pass.cN];
    }
    return { loss: lossValue, gradNorm, state };
  } finally {
    model.disposePass(pass, keep);
    scope.dispose();
  }
}
