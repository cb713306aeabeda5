/**
 * Train a forecaster on a real series (monthly Mauna Loa CO2, bundled with the site as JSON made
 * from @recur/datasets at build time) with the whole workflow of @recur/data and @recur/eval:
 * chronological split → scaler fitted on the training rows only → windows → fit → per-horizon
 * error against baselines, with the forecast drawn against the actuals.
 */
import type { Backend } from '@recur/backend';
import { createModel, fit, type Batch } from '@recur/core';
import { batches, chronologicalSplit, createSeries, StandardScaler, window } from '@recur/data';
import { forecastWindows, mae, perHorizon, perHorizonChart, persistence, seasonalNaive, type HorizonRow } from '@recur/eval';
import { forecastSpec, lossCurveSpec, type ForecastPoint } from './charts.js';
import type { DemoContext, DemoOutput } from './types.js';

/** The bundled series: timestamps (ms) and values. */
export interface SeriesJson {
  readonly name: string;
  readonly column: string;
  readonly unit: string;
  readonly seasonalPeriod: number;
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

/** Sizes of the forecast demo. */
export interface ForecastParams {
  readonly lookback: number;
  readonly horizon: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batch: number;
  readonly seed: number;
}

/** Default sizes, and the tiny ones used by the browser tests. */
export function forecastParams(test: boolean): ForecastParams {
  return test ? { lookback: 24, horizon: 12, hidden: 4, epochs: 2, batch: 64, seed: 7 } : { lookback: 36, horizon: 12, hidden: 24, epochs: 40, batch: 32, seed: 7 };
}

/** Train, forecast the test part in non-overlapping blocks of H months, and score per lead time. */
export async function runForecast(backend: Backend, data: SeriesJson, ctx: DemoContext, params: ForecastParams = forecastParams(ctx.test)): Promise<DemoOutput> {
  const { lookback: L, horizon: H, hidden, epochs, batch, seed } = params;
  const series = createSeries({ data: Float32Array.from(data.values), columns: [data.column], timestamps: data.timestamps });
  const split = chronologicalSplit(series, { ratio: { train: 0.7, validation: 0.1 } }); // test = the last 20 %
  const scaler = new StandardScaler().fit(split.train); // training rows only
  const scaled = scaler.transformSplit(split);
  const toCore = (w: ReturnType<typeof window>, shuffle: boolean): Batch[] =>
    [...batches(w, { batchSize: batch, layout: 'time-major', ...(shuffle ? { shuffle: true, seed } : {}) })].map((b) => ({ inputs: b.x, T: b.T, B: b.B, targets: b.y }));
  const train = toCore(window(scaled.train, { lookback: L, horizon: H }), true);
  const validation = toCore(window(scaled.validation!, { lookback: L, horizon: H, history: 'preceding' }), false);

  const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: hidden, outputSize: H }, { backend, seed });
  const losses: { epoch: number; loss: number; part: string }[] = [];
  const lossChart = () => lossCurveSpec(losses, { x: 'epoch', title: 'loss per epoch (MSE on standardised values)', series: 'part', log: true });
  try {
    await fit(model, train, {
      epochs,
      optimizer: { kind: 'adam', lr: 0.01 },
      loss: 'mse',
      validation,
      clipNorm: 1,
      callbacks: {
        onEpochEnd: (log) => {
          losses.push({ epoch: log.epoch + 1, loss: log.loss, part: 'training' });
          if (log.valLoss !== null) losses.push({ epoch: log.epoch + 1, loss: log.valLoss, part: 'validation' });
          ctx.onProgress(`epoch ${log.epoch + 1}/${epochs}: loss ${log.loss.toFixed(4)}`, { charts: [{ key: 'loss', spec: lossChart() }], summary: [] });
        },
      },
    });

    // Test part: non-overlapping blocks of H, inputs reaching back into earlier (past) rows.
    const testScaled = window(scaled.test, { lookback: L, horizon: H, stride: H, history: 'preceding' });
    const testRaw = window(split.test, { lookback: L, horizon: H, stride: H, history: 'preceding' });
    const N = testScaled.count;
    const x = new Float32Array(L * N); // time-major [L, N, 1]
    const rawWindows = new Float32Array(N * L); // row-major [N, L]
    const actual = new Float32Array(N * H); // row-major [N, H]
    for (let i = 0; i < N; i++) {
      const xs = testScaled.x(i);
      for (let t = 0; t < L; t++) x[t * N + i] = xs[t] as number;
      rawWindows.set(testRaw.x(i), i * L);
      actual.set(testRaw.y(i), i * H);
    }
    const out = (await model.predict({ inputs: x, T: L, B: N })).output; // [N, H], standardised
    const forecast = scaler.inverse(Float32Array.from(out), [data.column]);
    const m = data.seasonalPeriod;
    const naive = forecastWindows(seasonalNaive(m), rawWindows, L, H);
    const last = forecastWindows(persistence, rawWindows, L, H);

    const rows: HorizonRow[] = [];
    const curves = { LSTM: perHorizon(forecast, actual, H, mae), 'seasonal naive': perHorizon(naive, actual, H, mae), persistence: perHorizon(last, actual, H, mae) };
    for (const [name, curve] of Object.entries(curves)) curve.forEach((v, h) => {
      rows.push({ horizon: h + 1, value: v, model: name });
    });

    const points: ForecastPoint[] = [];
    const ts = split.test.timestamps!;
    for (let r = 0; r < split.test.length; r++) points.push({ time: ts[r] as number, value: split.test.get(r, 0), series: 'actual', window: -1 });
    for (let i = 0; i < N; i++) {
      const first = testRaw.start(i) + testRaw.targetOffset;
      for (let h = 0; h < H; h++) {
        const time = ts[first + h] as number;
        points.push({ time, value: forecast[i * H + h] as number, series: 'LSTM', window: i });
        points.push({ time, value: naive[i * H + h] as number, series: 'seasonal naive', window: N + i });
      }
    }
    const overall = (f: ArrayLike<number>) => mae(f, actual);
    return {
      charts: [
        { key: 'loss', spec: lossChart() },
        { key: 'forecast', spec: forecastSpec(points, { title: `test part: ${N} forecasts of ${H} months from ${L} months of history`, unit: data.unit }) },
        { key: 'horizon', spec: perHorizonChart(rows, { metric: `MAE (${data.unit})`, title: 'error at each lead time', width: 520, height: 240 }) },
      ],
      summary: [
        `Test MAE over all ${H} lead times: LSTM ${overall(forecast).toFixed(3)}, seasonal naive ${overall(naive).toFixed(3)}, persistence ${overall(last).toFixed(3)} ${data.unit}.`,
        `Scaler fitted on the ${split.train.length} training months only (mean ${scaler.parameters.center[0]!.toFixed(2)} ${data.unit}); ${epochs} epochs, hidden size ${hidden}.`,
      ],
    };
  } finally {
    model.dispose();
  }
}
