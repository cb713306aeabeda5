/**
 * Context ablation: how much of the past does a model actually use?
 *
 * For each k in a grid, the model sees only the last k steps of every input sequence, and the
 * score of its last-step output is measured:
 * - `mask` (default): steps t < T − k are replaced by a fill value per feature (the training mean,
 *   so the model sees an uninformative but in-distribution input) and the sequence length stays T;
 * - `truncate`: the sequence is cut to its last k steps (the state starts from zero at T − k).
 *
 * The **effective context length** is the smallest k whose score is within a tolerance of the
 * full-context score: `|s(k) − s(T)| ≤ max(relTol·|s(T)|, absTol)` on the worse side (higher error,
 * or lower accuracy). A model that uses information from 60 steps back has an effective context
 * of at least 60.
 */
import { InvalidArgumentError, ShapeError } from '@recur/backend';
import type { FloatArray } from '@recur/backend';
import { mse } from '../metrics/regression.js';

/** Runs a model on a time-major batch (inputs [T, B, I]) and returns its last-step output [B, O]. */
export type SequencePredictor = (inputs: Float32Array, T: number, B: number) => Promise<ArrayLike<number>> | ArrayLike<number>;

/** Anything with core's `predict(batch)` (a seq2one model) works in place of a predictor function. */
export interface PredictingModel {
  predict(batch: { inputs: ArrayLike<number>; T: number; B: number }): Promise<{ readonly output: FloatArray }>;
}

/** Options of {@link contextAblation}. */
export interface ContextAblationOptions {
  /** Time-major inputs [T, B, I]. */
  readonly inputs: ArrayLike<number>;
  readonly T: number;
  readonly B: number;
  /** Targets the score compares the [B, O] outputs with. */
  readonly targets: ArrayLike<number>;
  /** Visible context lengths to try (each 1..T); T is always added. Default: 1, 2, 4, … and T. */
  readonly ks?: readonly number[];
  /** `mask` (default) or `truncate`. */
  readonly mode?: 'mask' | 'truncate';
  /** Mask value per feature [I] (default: the per-feature mean of `inputs`; pass the training mean when you have it). */
  readonly fill?: ArrayLike<number>;
  /** Score of outputs vs targets (default MSE). */
  readonly score?: (outputs: ArrayLike<number>, targets: ArrayLike<number>) => number;
  /** Set for scores where higher is better (accuracy). Default false. */
  readonly higherIsBetter?: boolean;
  /** Relative tolerance of the effective context (default 0.05). */
  readonly relTol?: number;
  /** Absolute tolerance of the effective context (default 0). */
  readonly absTol?: number;
}

/** One row of the ablation curve. */
export interface AblationPoint {
  readonly k: number;
  readonly score: number;
}

/** Result of {@link contextAblation}. */
export interface ContextAblation {
  readonly mode: 'mask' | 'truncate';
  readonly steps: number;
  readonly curve: AblationPoint[];
  /** The score with all T steps visible. */
  readonly full: number;
  /** Smallest k within tolerance of `full`. */
  readonly effectiveContext: number;
}

/** Default grid: powers of two below T, then T. */
export function defaultContextGrid(T: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < T; k *= 2) ks.push(k);
  ks.push(T);
  return ks;
}

/** Smallest k whose score is within tolerance of the full-context score (see the module docs). */
export function effectiveContextLength(curve: readonly AblationPoint[], full: number, options: { relTol?: number; absTol?: number; higherIsBetter?: boolean } = {}): number {
  if (curve.length === 0) throw new InvalidArgumentError('effectiveContextLength: curve', 'needs at least one point.');
  const tol = Math.max((options.relTol ?? 0.05) * Math.abs(full), options.absTol ?? 0);
  const sorted = [...curve].sort((a, b) => a.k - b.k);
  for (const p of sorted) {
    const worse = options.higherIsBetter ? full - p.score : p.score - full;
    if (worse <= tol) return p.k;
  }
  return sorted[sorted.length - 1]!.k;
}

/** Run the ablation. `model` is a predictor function or anything with `predict(batch)`. */
export async function contextAblation(model: SequencePredictor | PredictingModel, options: ContextAblationOptions): Promise<ContextAblation> {
  const { T, B, inputs, targets } = options;
  if (!Number.isInteger(T) || T < 1 || !Number.isInteger(B) || B < 1) throw new InvalidArgumentError('contextAblation', `T and B must be positive integers; got T=${T}, B=${B}.`);
  if (inputs.length === 0 || inputs.length % (T * B) !== 0) {
    throw new ShapeError('contextAblation: inputs', `[T=${T}, B=${B}, I]`, `${inputs.length} values`, 'Inputs are time-major [T, B, I].');
  }
  const I = inputs.length / (T * B);
  const mode = options.mode ?? 'mask';
  if (mode !== 'mask' && mode !== 'truncate') throw new InvalidArgumentError('contextAblation: mode', `must be 'mask' or 'truncate'; got ${String(mode)}.`);
  const ks = [...new Set([...(options.ks ?? defaultContextGrid(T)), T])].sort((a, b) => a - b);
  for (const k of ks) if (!Number.isInteger(k) || k < 1 || k > T) throw new InvalidArgumentError('contextAblation: ks', `every k must be an integer in [1, T=${T}]; got ${k}.`);
  let fill: Float64Array;
  if (options.fill) {
    if (options.fill.length !== I) throw new ShapeError('contextAblation: fill', [I], [options.fill.length], 'One fill value per input feature.');
    fill = Float64Array.from(options.fill);
  } else {
    fill = new Float64Array(I);
    for (let r = 0; r < T * B; r++) for (let i = 0; i < I; i++) fill[i] = (fill[i] as number) + (inputs[r * I + i] as number);
    for (let i = 0; i < I; i++) fill[i] = (fill[i] as number) / (T * B);
  }
  const score = options.score ?? mse;
  const predict = async (x: Float32Array, steps: number): Promise<ArrayLike<number>> =>
    typeof model === 'function' ? model(x, steps, B) : (await model.predict({ inputs: x, T: steps, B })).output;

  const curve: AblationPoint[] = [];
  const source = Float32Array.from(inputs);
  for (const k of ks) {
    let x: Float32Array;
    let steps = T;
    if (mode === 'truncate') {
      x = source.slice((T - k) * B * I); // last k steps, [k, B, I]
      steps = k;
    } else {
      x = source.slice();
      for (let t = 0; t < T - k; t++) for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) x[(t * B + b) * I + i] = fill[i] as number;
    }
    curve.push({ k, score: score(await predict(x, steps), targets) });
  }
  const full = curve[curve.length - 1]!.score;
  const tolerance: { relTol?: number; absTol?: number; higherIsBetter?: boolean } = {};
  if (options.relTol !== undefined) tolerance.relTol = options.relTol;
  if (options.absTol !== undefined) tolerance.absTol = options.absTol;
  if (options.higherIsBetter !== undefined) tolerance.higherIsBetter = options.higherIsBetter;
  return { mode, steps: T, curve, full, effectiveContext: effectiveContextLength(curve, full, tolerance) };
}
