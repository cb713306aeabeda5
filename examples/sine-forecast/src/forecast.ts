/**
 * Forecast the next value of a noisy sine series with an LSTM, and compare with the last-value
 * (persistence) baseline on a held-out, chronologically later test split.
 */
import type { Backend } from '@recur/backend';
import { Rng, createModel, evaluate, fit, type Batch, type History } from '@recur/core';

/** Options of {@link runSineForecast}. */
export interface SineForecastOptions {
  readonly backend: Backend;
  /** Seed for the series noise, the model initialisation and dropout. Default 7. */
  readonly seed?: number;
  /** Series length. Default 1200. */
  readonly length?: number;
  /** Steps per input window. Default 24. */
  readonly window?: number;
  /** Training epochs (early stopping may end sooner). Default 30. */
  readonly epochs?: number;
  readonly hiddenSize?: number;
  /** Called after every epoch (progress printing). */
  readonly onEpoch?: (epoch: number, loss: number, valLoss: number | null) => void;
}

/** What {@link runSineForecast} reports (MSEs in the series' original units). */
export interface SineForecastResult {
  readonly modelMse: number;
  readonly baselineMse: number;
  readonly trainWindows: number;
  readonly valWindows: number;
  readonly testWindows: number;
  readonly history: History;
}

/** A noisy sine: sin(2πt/24) + 0.5·sin(2πt/61) + N(0, 0.1²). */
export function noisySine(length: number, rng: Rng): Float64Array {
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) out[t] = Math.sin((2 * Math.PI * t) / 24) + 0.5 * Math.sin((2 * Math.PI * t) / 61) + 0.1 * rng.normal();
  return out;
}

/** Cut `series[from, to)` into (window → next value) pairs, batched time-major. */
function windows(series: Float64Array, from: number, to: number, T: number, batchSize: number, mean: number, std: number): Batch[] {
  const starts: number[] = [];
  for (let s = from; s + T < to; s++) starts.push(s);
  const batches: Batch[] = [];
  for (let k = 0; k < starts.length; k += batchSize) {
    const chunk = starts.slice(k, k + batchSize);
    const B = chunk.length;
    const inputs = new Float32Array(T * B);
    const targets = new Float32Array(B);
    chunk.forEach((s, b) => {
      for (let t = 0; t < T; t++) inputs[t * B + b] = ((series[s + t] as number) - mean) / std;
      targets[b] = ((series[s + T] as number) - mean) / std;
    });
    batches.push({ inputs, targets, T, B });
  }
  return batches;
}

/** Train an LSTM forecaster on the first 70 % of the series, validate on the next 15 %, test on the last 15 %. */
export async function runSineForecast(options: SineForecastOptions): Promise<SineForecastResult> {
  const seed = options.seed ?? 7;
  const T = options.window ?? 24;
  const series = noisySine(options.length ?? 1200, new Rng(seed));
  const n = series.length;
  const trainEnd = Math.floor(n * 0.7);
  const valEnd = Math.floor(n * 0.85);
  // Normalise with statistics of the training part only (no peeking at the future).
  let mean = 0;
  for (let i = 0; i < trainEnd; i++) mean += series[i] as number;
  mean /= trainEnd;
  let variance = 0;
  for (let i = 0; i < trainEnd; i++) variance += ((series[i] as number) - mean) ** 2;
  const std = Math.sqrt(variance / trainEnd);
  const train = windows(series, 0, trainEnd, T, 32, mean, std);
  // Validation and test windows start where the previous split ends (their inputs may reach back).
  const val = windows(series, trainEnd - T, valEnd, T, 64, mean, std);
  const test = windows(series, valEnd - T, n, T, 64, mean, std);

  const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: options.hiddenSize ?? 16, outputSize: 1 }, { backend: options.backend, seed });
  const history = await fit(model, train, {
    epochs: options.epochs ?? 30,
    optimizer: { kind: 'adam', lr: 0.01 },
    loss: 'mse',
    validation: val,
    shuffle: true,
    clipNorm: 1,
    schedule: { kind: 'reduce-on-plateau', factor: 0.5, patience: 2 },
    earlyStopping: { patience: 6, restoreBest: true },
    callbacks: { onEpochEnd: (e) => options.onEpoch?.(e.epoch, e.loss, e.valLoss) },
  });
  // Back to original units: MSE scales by std².
  const modelMse = (await evaluate(model, test, 'mse')) * std * std;
  let se = 0;
  let count = 0;
  for (const b of test) {
    for (let i = 0; i < b.B; i++) {
      const last = (b.inputs[(b.T - 1) * b.B + i] as number) * std;
      const target = (b.targets![i] as number) * std;
      se += (last - target) ** 2;
      count += 1;
    }
  }
  history.optimizer.dispose();
  model.dispose();
  const sum = (bs: Batch[]) => bs.reduce((a, b) => a + b.B, 0);
  return { modelMse, baselineMse: se / count, trainWindows: sum(train), valWindows: sum(val), testWindows: count, history };
}
