import { createCpuBackend } from '@recur/backend-cpu';
import { createModel } from '@recur/core';
import { createSeries } from '@recur/data';
import { describe, expect, it } from 'vitest';
import { meanForecast } from '../baselines/baselines.js';
import { backtest } from './backtest.js';
import { recurForecaster } from './recur-forecaster.js';

describe('recurForecaster in a backtest', () => {
  it('trains an LSTM per fold and beats the mean forecast on a sine wave', async () => {
    const backend = createCpuBackend();
    const n = 260;
    const series = createSeries({ data: Float32Array.from({ length: n }, (_, t) => 5 + 2 * Math.sin((2 * Math.PI * t) / 16)), columns: ['y'] });
    const H = 4;
    const result = await backtest(
      series,
      recurForecaster({
        createModel: (fold) => createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 8, outputSize: H }, { backend, seed: fold.index }),
        lookback: 16,
        horizon: H,
        fit: { epochs: 12 },
      }),
      { folds: { mode: 'sliding', trainSize: 160, testSize: 40, maxFolds: 2 }, lookback: 16, horizon: H, baselines: [meanForecast] },
    );
    expect(result.folds).toHaveLength(2);
    const model = result.aggregate.model.overall.mse!.mean;
    const baseline = result.aggregate.baselines.mean!.overall.mse!.mean;
    expect(Number.isFinite(model)).toBe(true);
    expect(model).toBeLessThan(0.5 * baseline);
    expect(result.aggregate.model.byHorizon.mae).toHaveLength(H);
    expect(backend.memory().liveTensors).toBe(0);
  });
});
