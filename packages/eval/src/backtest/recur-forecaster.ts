/**
 * Adapts a `@recur/core` model to the backtest's {@link Forecaster} interface: a direct
 * multi-step seq2one model whose head outputs all H·K future values at once.
 *
 * Per fold: a fresh model from the factory; every column standardised with the mean and standard
 * deviation of that fold's training rows only (`z = (v − μ)/σ`; σ = 1 for a constant column);
 * training windows cut from the training rows; `fit` from core; forecasts mapped back to original
 * units (`v = z·σ + μ`).
 */
import { InvalidArgumentError } from '@recur/backend';
import { fit, type FitOptions, type Model } from '@recur/core';
import { batches, window, type Fold, type Series, type Windows } from '@recur/data';
import type { Forecaster } from './backtest.js';

/** Options of {@link recurForecaster}. */
export interface RecurForecasterOptions {
  /**
   * A fresh, untrained model for a fold. It must be `seq2one` with `inputSize` = the number of
   * feature columns and `outputSize` = H·K (horizon × target columns).
   */
  readonly createModel: (fold: Fold) => Model;
  /** Must equal the backtest's lookback and horizon. */
  readonly lookback: number;
  readonly horizon: number;
  readonly features?: readonly string[];
  readonly targets?: readonly string[];
  /** Training windows per batch (default 32). */
  readonly batchSize?: number;
  /** Core `fit` options (default: 20 epochs of Adam at lr 0.01, MSE, clipNorm 1). */
  readonly fit?: Partial<FitOptions>;
}

interface ColumnStats {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

function columnStats(series: Series): ColumnStats {
  const w = series.width;
  const data = series.data;
  const mean = new Float64Array(w);
  const std = new Float64Array(w);
  for (let r = 0; r < series.length; r++) for (let c = 0; c < w; c++) mean[c] = (mean[c] as number) + (data[r * w + c] as number);
  for (let c = 0; c < w; c++) mean[c] = (mean[c] as number) / series.length;
  for (let r = 0; r < series.length; r++) for (let c = 0; c < w; c++) std[c] = (std[c] as number) + ((data[r * w + c] as number) - (mean[c] as number)) ** 2;
  for (let c = 0; c < w; c++) {
    const s = Math.sqrt((std[c] as number) / series.length);
    std[c] = s > 0 ? s : 1;
  }
  return { mean, std };
}

/** Standardise time-major x [T, B, F] (columns `cols`) in place. */
function scaleInputs(x: Float32Array, cols: Int32Array, stats: ColumnStats): void {
  const F = cols.length;
  for (let i = 0; i < x.length; i++) {
    const c = cols[i % F] as number;
    x[i] = ((x[i] as number) - (stats.mean[c] as number)) / (stats.std[c] as number);
  }
}

/** A {@link Forecaster} backed by a recur model (see the module docs). */
export function recurForecaster(options: RecurForecasterOptions): (fold: Fold) => Forecaster {
  const batchSize = options.batchSize ?? 32;
  return (fold: Fold): Forecaster => {
    const model = options.createModel(fold);
    let stats: ColumnStats | null = null;
    const windowOptions = {
      lookback: options.lookback,
      horizon: options.horizon,
      ...(options.features ? { features: options.features } : {}),
      ...(options.targets ? { targets: options.targets } : {}),
    };
    const check = (w: Windows): void => {
      const K = w.targetCount;
      if (model.config.kind !== 'seq2one' || model.config.outputSize !== options.horizon * K || model.config.inputSize !== w.featureCount) {
        throw new InvalidArgumentError(
          'recurForecaster: createModel',
          `needs a seq2one model with inputSize ${w.featureCount} and outputSize H·K = ${options.horizon * K}; got ${model.config.kind} with inputSize ${model.config.inputSize}, outputSize ${String(model.config.outputSize)}.`,
        );
      }
    };
    return {
      async fit(train: Series) {
        stats = columnStats(train);
        const w = window(train, windowOptions);
        check(w);
        const list = [];
        for (const b of batches(w, { batchSize, layout: 'time-major' })) {
          const x = Float32Array.from(b.x);
          scaleInputs(x, w.featureIndex, stats);
          const y = Float32Array.from(b.y); // [B, H, K]
          scaleInputs(y, w.targetIndex, stats);
          list.push({ inputs: x, T: b.T, B: b.B, targets: y });
        }
        const history = await fit(model, list, { epochs: 20, optimizer: { kind: 'adam', lr: 0.01 }, clipNorm: 1, shuffle: true, ...options.fit });
        // Free the optimizer's state buffers unless the caller passed its own optimizer.
        if (history.optimizer !== options.fit?.optimizer) history.optimizer.dispose();
      },
      async predict(w: Windows) {
        if (!stats) throw new InvalidArgumentError('recurForecaster', 'predict() was called before fit().');
        check(w);
        const N = w.count;
        const L = w.lookback;
        const F = w.featureCount;
        const K = w.targetCount;
        const x = new Float32Array(L * N * F); // time-major [L, N, F]
        for (let i = 0; i < N; i++) {
          const xi = w.x(i);
          for (let t = 0; t < L; t++) x.set(xi.subarray(t * F, (t + 1) * F), (t * N + i) * F);
        }
        scaleInputs(x, w.featureIndex, stats);
        const out = (await model.predict({ inputs: x, T: L, B: N })).output; // [N, H·K]
        const pred = new Float64Array(out.length);
        for (let i = 0; i < out.length; i++) {
          const c = w.targetIndex[i % K] as number;
          pred[i] = (out[i] as number) * (stats.std[c] as number) + (stats.mean[c] as number);
        }
        model.dispose();
        return pred;
      },
    };
  };
}
