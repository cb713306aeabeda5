/**
 * Losses over a model's output, through the backend's fused `loss` kernel (value and gradient).
 *
 * mse = mean (p − t)²;  mae = mean |p − t|;  huber(δ) = mean ½d² (|d| ≤ δ) else δ(|d| − ½δ);
 * cross-entropy = mean −log softmax(p)[target]. Per-step outputs (seq2seq, lm) with padding are
 * weighted 1 for real steps and 0 for padding, so padding changes neither loss nor gradient.
 */
import { InvalidArgumentError, ShapeError, type LossKind, type Tensor } from '@recur/backend';
import { stepWeights, type Batch } from '../model/batch.js';
import type { ForwardPass, Model } from '../model/model.js';
import type { TensorScope } from '../nn/parameter.js';

/** A loss by name, or with options. */
export type LossConfig = LossKind | { readonly kind: LossKind; readonly delta?: number };

/** Normalise a {@link LossConfig}. */
export function resolveLoss(loss: LossConfig): { kind: LossKind; delta: number } {
  const kind = typeof loss === 'string' ? loss : loss?.kind;
  if (kind !== 'mse' && kind !== 'mae' && kind !== 'huber' && kind !== 'cross-entropy') {
    throw new InvalidArgumentError('loss', `must be 'mse', 'mae', 'huber' or 'cross-entropy', got ${JSON.stringify(kind)}.`);
  }
  const delta = typeof loss === 'string' ? 1 : (loss.delta ?? 1);
  if (!(delta > 0)) throw new InvalidArgumentError('loss.delta', `Huber's δ must be positive, got ${delta}.`);
  return { kind, delta };
}

/**
 * Loss of `pass.output` against `batch.targets`. Writes the mean loss into a 1-element tensor and,
 * when `withGrad`, dLoss/dOutput [rows, cols]. Both tensors belong to `scope`.
 */
export function lossOnPass(
  model: Model,
  scope: TensorScope,
  pass: ForwardPass,
  batch: Batch,
  loss: LossConfig,
  withGrad: boolean,
): { loss: Tensor; grad: Tensor | null; weight: number } {
  const { kind, delta } = resolveLoss(loss);
  const targets = batch.targets;
  if (!targets) throw new InvalidArgumentError('batch.targets', 'training and evaluation need targets.');
  const { rows, cols } = pass;
  const perStep = model.config.kind !== 'seq2one';
  const shape = perStep ? [pass.T, pass.B] : [pass.B];
  let t: ArrayLike<number> = targets;
  if (kind === 'cross-entropy') {
    if (targets.length !== rows) throw new ShapeError('batch.targets (class ids)', shape, `${targets.length} elements`);
    const ids = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const v = targets[r] as number;
      const padded = perStep && pass.lengths !== null && Math.floor(r / pass.B) >= (pass.lengths[r % pass.B] as number);
      if (padded) continue; // weight 0; any valid id
      if (Number.isNaN(v)) {
        ids[r] = v; // surfaces as a non-finite loss naming the step
        continue;
      }
      if (!Number.isInteger(v) || v < 0 || v >= cols) {
        throw new InvalidArgumentError('batch.targets', `target ${r} is ${v}; class ids must be integers in [0, ${cols}).`);
      }
      ids[r] = v;
    }
    t = ids;
  } else if (targets.length !== rows * cols) {
    throw new ShapeError('batch.targets', [...shape, cols], `${targets.length} elements`);
  }
  const backend = model.backend;
  const target = scope.upload(t, kind === 'cross-entropy' ? [rows] : [rows, cols]);
  let weights: Tensor | null = null;
  let weight = rows;
  if (perStep && pass.lengths) {
    const w = stepWeights(pass.lengths, pass.T, pass.B);
    weight = w.reduce((a, b) => a + b, 0);
    weights = scope.upload(w, [rows]);
  }
  const lossT = scope.alloc([1]);
  const grad = withGrad ? scope.alloc([rows, cols]) : null;
  backend.loss({ kind, pred: pass.output, target, n: rows, c: cols, delta, weights, loss: lossT, grad });
  return { loss: lossT, grad, weight };
}
