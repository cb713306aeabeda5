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
  return test ? { lookback: 24, horizon: 12, hidden: 4, epochs: 2, batch: 64, seed: 7 } : { lookback: 24, horizon: 12, hidden: 16, epochs: 30, batch: 32, seed: 7 };
}

/**
 * Train, forecast the test part in non-overlapping blocks of H months, and score per lead time.
 *
 * The model forecasts the seasonal difference d_t = y_t − y_{t−m} (m = the seasonal period), not
 * the level: CO2 rises every year, so test-period levels lie outside anything a scaler fitted on
 * the training years has seen, while the yearly change stays in range. For H ≤ m the level is
 * rebuilt from observed values only: ŷ_t = y_{t−m} + d̂_t.
 */
export async function runForecast(backend: Backend, data: SeriesJson, ctx: DemoContext, params: ForecastParams = forecastParams(ctx.test)): Promise<DemoOutput> {
  const { lookback: L, horizon: H, hidden, epochs, batch, seed } = params;
  const m = data.seasonalPeriod;
  if (H > m) throw new Error(`forecast demo: horizon ${H} must not exceed the seasonal period ${m} (the level is rebuilt from y[t − m]).`);
  const y = data.values;
  const column = `${data.column} − ${data.column}[t−${m}]`;
  const diff = new Float32Array(y.length - m);
  for (let j = 0; j < diff.length; j++) diff[j] = (y[j + m] as number) - (y[j] as number); // d_j ↔ y row j + m
  const series = createSeries({ data: diff, columns: [column], timestamps: data.timestamps.slice(m) });
  const split = chronologicalSplit(series, { ratio: { train: 0.7, validation: 0.1 } }); // test = the last 20 %
  const scaler = new StandardScaler().fit(split.train); // training rows only
  const scaled = scaler.transformSplit(split);
  const toCore = (w: ReturnType<typeof window>, shuffle: boolean): Batch[] =>
    [...batches(w, { batchSize: batch, layout: 'time-major', ...(shuffle ? { shuffle: true, seed } : {}) })].map((b) => ({ inputs: b.x, T: b.T, B: b.B, targets: b.y }));
  const train = toCore(window(scaled.train, { lookback: L, horizon: H }), true);
  const validation = toCore(window(scaled.validation!, { lookback: L, horizon: H, history: 'preceding' }), false);

  const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: hidden, outputSize: H }, { backend, seed });
  const losses: { epoch: number; loss: number; part: string }[] = [];
  const lossChart = () => lossCurveSpec(losses, { x: 'epoch', title: 'loss per epoch (MSE of the standardised yearly change)', series: 'part', log: true });
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
    const test = window(scaled.test, { lookback: L, horizon: H, stride: H, history: 'preceding' });
    const N = test.count;
    const x = new Float32Array(L * N); // time-major [L, N, 1]
    const first = new Int32Array(N); // absolute diff row of each window's first target
    for (let i = 0; i < N; i++) {
      const xs = test.x(i);
      for (let t = 0; t < L; t++) x[t * N + i] = xs[t] as number;
      first[i] = split.test.absoluteRow(test.start(i) + test.targetOffset);
    }
    const out = (await model.predict({ inputs: x, T: L, B: N })).output; // [N, H], standardised d̂
    const dHat = scaler.inverse(Float32Array.from(out), [column]);
    const forecast = new Float64Array(N * H);
    const actual = new Float64Array(N * H);
    const history = new Float64Array(N * L); // raw levels before each forecast origin, for the baselines
    for (let i = 0; i < N; i++) {
      const origin = (first[i] as number) + m; // y row of the first target
      for (let h = 0; h < H; h++) {
        forecast[i * H + h] = (y[origin + h - m] as number) + (dHat[i * H + h] as number); // y[t−m] is observed: h < H ≤ m
        actual[i * H + h] = y[origin + h] as number;
      }
      for (let t = 0; t < L; t++) history[i * L + t] = y[origin - L + t] as number;
    }
    const naive = forecastWindows(seasonalNaive(m), history, L, H);
    const last = forecastWindows(persistence, history, L, H);

    const rows: HorizonRow[] = [];
    const curves = { LSTM: perHorizon(forecast, actual, H, mae), 'seasonal naive': perHorizon(naive, actual, H, mae), persistence: perHorizon(last, actual, H, mae) };
    for (const [name, curve] of Object.entries(curves)) {
      curve.forEach((v, h) => {
        rows.push({ horizon: h + 1, value: v, model: name });
      });
    }

    const points: ForecastPoint[] = [];
    const ts = data.timestamps;
    const from = (first[0] ?? 0) + m - L;
    for (let r = Math.max(0, from); r < y.length; r++) points.push({ time: ts[r] as number, value: y[r] as number, series: 'actual', window: -1 });
    for (let i = 0; i < N; i++) {
      for (let h = 0; h < H; h++) {
        const time = ts[(first[i] as number) + m + h] as number;
        points.push({ time, value: forecast[i * H + h] as number, series: 'LSTM', window: i });
        points.push({ time, value: naive[i * H + h] as number, series: 'seasonal naive', window: N + i });
      }
    }
    const overall = (f: ArrayLike<number>) => mae(f, actual);
    const skillPct = (1 - overall(forecast) / overall(naive)) * 100;
    return {
      charts: [
        { key: 'loss', spec: lossChart() },
        { key: 'forecast', spec: forecastSpec(points, { title: `test period: ${N} forecasts of ${H} months, each from the ${L} months before it`, unit: data.unit }) },
        { key: 'horizon', spec: perHorizonChart(rows, { metric: `MAE (${data.unit})`, title: 'error at each lead time (test period)', width: 470, height: 240 }) },
      ],
      summary: [
        `Test MAE over all ${H} lead times: LSTM ${overall(forecast).toFixed(3)}, seasonal naive ${overall(naive).toFixed(3)}, persistence ${overall(last).toFixed(3)} ${data.unit}.`,
        skillPct >= 0
          ? `The LSTM's error is ${skillPct.toFixed(0)} % below the seasonal-naive baseline's.`
          : `The LSTM does not beat the seasonal-naive baseline here (its error is ${(-skillPct).toFixed(0)} % higher): train longer, or trust the baseline.`,
        `Scaler fitted on the ${split.train.length} training months only; ${epochs} epochs, hidden size ${hidden}, on the yearly change ${data.column}[t] − ${data.column}[t−${m}].`,
      ],
    };
  } finally {
    model.dispose();
  }
}
