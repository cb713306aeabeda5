/**
 * Evaluation: the mean loss over batches, without dropout or gradients. Batches are weighted by
 * their number of real rows (steps for per-step models), so the result equals the loss over the
 * concatenated data.
 */
import { NonFiniteError } from '@recur/backend';
import type { Batch } from '../model/batch.js';
import type { Model } from '../model/model.js';
import { TensorScope } from '../nn/parameter.js';
import { lossOnPass, type LossConfig } from './losses.js';

/** Mean loss of `model` over `batches`. */
export async function evaluate(model: Model, batches: readonly Batch[], loss: LossConfig): Promise<number> {
  let sum = 0;
  let weight = 0;
  for (const batch of batches) {
    const scope = new TensorScope(model.backend);
    const pass = model.forwardPass(batch, { training: false });
    try {
      const r = lossOnPass(model, scope, pass, batch, loss, false);
      const v = (await model.backend.read(r.loss))[0] as number;
      sum += v * r.weight;
      weight += r.weight;
    } finally {
      model.disposePass(pass);
      scope.dispose();
    }
  }
  const mean = weight > 0 ? sum / weight : NaN;
  if (!Number.isFinite(mean)) throw new NonFiniteError('the evaluation loss', undefined, 'Check the validation data for NaN/Inf.');
  return mean;
}
