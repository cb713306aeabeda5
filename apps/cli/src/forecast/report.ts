/** The HTML report of a forecaster: metrics, forecast against actuals, loss curves, error per horizon. */
import { perHorizonChart } from '@recur/eval';
import type { EpochLog, Model } from '@recur/core';
import { forecastChart, lossChart, svg, type LinePoint } from '../report/charts.js';
import { renderReport, type ReportBlock } from '../report/html.js';
import { formatDuration } from '../output.js';
import type { ForecastPipeline, PreparedData, WindowForecasts } from './pipeline.js';
import type { ScoreTable } from './scores.js';

/** Everything the report shows. */
export interface ForecastReportInput {
  readonly title: string;
  readonly dataLabel: string;
  /** One line about the data (dataset description). */
  readonly dataDescription?: string;
  readonly pipeline: ForecastPipeline;
  readonly prepared: PreparedData;
  readonly forecasts: WindowForecasts;
  readonly scores: ScoreTable;
  readonly model: Model;
  readonly epochs: readonly EpochLog[] | null;
  readonly training: { epochs: number; steps: number; stopReason: string; backend: string; seconds: number } | null;
  readonly extraBlocks?: readonly ReportBlock[];
}

/** x value of an absolute row: an ISO date when the data has timestamps. */
export function xOf(prepared: PreparedData, row: number): string | number {
  const ts = prepared.timestamps;
  return ts ? new Date(ts[row]!).toISOString().slice(0, 10) : row;
}

/** Points of the forecast chart: actuals over the test period, the 1-step-ahead and H-step-ahead forecasts. */
export function forecastPoints(prepared: PreparedData, f: WindowForecasts, modelName: string): LinePoint[] {
  const H = f.horizon;
  const points: LinePoint[] = [];
  const first = f.origins[0] ?? 0;
  const last = (f.origins[f.n - 1] ?? 0) + H - 1;
  for (let r = first; r <= last; r++) points.push({ x: xOf(prepared, r), y: prepared.rawTarget[r]!, series: 'actual' });
  for (let i = 0; i < f.n; i++) points.push({ x: xOf(prepared, f.origins[i]!), y: f.pred[i * H]!, series: `${modelName}, 1 step ahead` });
  if (H > 1) for (let i = 0; i < f.n; i++) points.push({ x: xOf(prepared, f.origins[i]! + H - 1), y: f.pred[i * H + H - 1]!, series: `${modelName}, ${H} steps ahead` });
  return points;
}

/** Build the report HTML. */
export async function forecastReport(r: ForecastReportInput): Promise<string> {
  const p = r.pipeline;
  const cfg = r.model.config;
  const modelName = cfg.cell.toUpperCase();
  const blocks: ReportBlock[] = [];
  const ranges = r.prepared.split.ranges;
  const span = (a: number, b: number) => `rows ${a}–${b - 1}${r.prepared.timestamps ? ` (${xOf(r.prepared, a)} to ${xOf(r.prepared, b - 1)})` : ''}`;
  blocks.push({
    kind: 'facts',
    title: 'Setup',
    facts: [
      ['data', r.dataLabel],
      ['target', `${p.target} (inputs: ${p.features.join(', ')})`],
      ['windows', `lookback ${p.lookback}, horizon ${p.horizon}; ${p.residual ? 'the model forecasts the change from the last observed value' : 'the model forecasts levels'}`],
      ['split', `train ${span(ranges.train[0], ranges.train[1])}; ${ranges.validation ? `validation ${span(ranges.validation[0], ranges.validation[1])}; ` : ''}test ${span(ranges.test[0], ranges.test[1])}`],
      ['scaling', `standard scaler fitted on the training rows only`],
      ['model', `${modelName}, hidden ${cfg.hiddenSize}, ${cfg.numLayers} layer${cfg.numLayers > 1 ? 's' : ''}${cfg.bidirectional ? ', bidirectional' : ''}, ${r.model.numParameters} parameters`],
      ...(r.training
        ? ([['training', `${r.training.epochs} epochs, ${r.training.steps} steps (${r.training.stopReason}), backend ${r.training.backend}, ${formatDuration(r.training.seconds)}`]] as [string, string][])
        : []),
    ],
  });
  const s = r.scores;
  blocks.push({
    kind: 'table',
    title: `Test metrics (${s.windows} windows, all horizons)`,
    header: ['model', 'MAE', 'RMSE', `MASE (m=${s.seasonalPeriod})`, 'sMAPE %'],
    rows: s.rows.map((row) => [row.model, row.mae, row.rmse, row.mase, row.smape]),
    note:
      `Skill vs persistence: ${(s.skillVsPersistence * 100).toFixed(1)}% lower MAE` +
      (s.skillVsSeasonal !== null ? `; vs seasonal naive: ${(s.skillVsSeasonal * 100).toFixed(1)}%` : '') +
      '. Baselines forecast from the full history before each window. MASE divides by the in-sample seasonal-naive MAE of the training rows.',
  });
  blocks.push({
    kind: 'figure',
    title: 'Forecast against actuals (test period)',
    svg: await svg(forecastChart(forecastPoints(r.prepared, r.forecasts, modelName), { title: `${p.target}: actual and forecast`, yTitle: p.target, temporal: r.prepared.timestamps !== undefined })),
    caption: `Each point is the forecast made ${p.horizon > 1 ? `1 and ${p.horizon} steps` : '1 step'} before that date.`,
  });
  const horizonRows = s.rows.flatMap((row) => row.perHorizon.map((value, h) => ({ horizon: h + 1, value, model: row.model })));
  blocks.push({
    kind: 'figure',
    title: 'Error per horizon',
    svg: await svg(perHorizonChart(horizonRows, { metric: 'MAE', title: `MAE by steps ahead (${p.target})` })),
    caption: 'A model below a baseline at every horizon has skill at every horizon.',
  });
  if (r.epochs && r.epochs.length > 0) {
    blocks.push({ kind: 'figure', title: 'Loss curves', svg: await svg(lossChart(r.epochs)), caption: 'Mean squared error on scaled values; validation after each epoch.' });
  }
  blocks.push(...(r.extraBlocks ?? []));
  return renderReport(`recur: ${r.title}`, r.pipeline.source.dataset !== undefined ? `${r.dataLabel}: ${r.dataDescription ?? ''}`.replace(/: $/, '') : r.dataLabel, blocks);
}
