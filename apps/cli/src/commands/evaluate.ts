/** `recur eval`: test metrics against the baselines, per-horizon error, optional walk-forward backtest. */
import { resolve } from 'node:path';
import { walkForwardFolds, window } from '@recur/data';
import type { CommandContext } from './context.js';
import { loadSeries } from '../data-source.js';
import { CliUserError } from '../errors.js';
import { asForecastPipeline, forecastAll, pipelineScaler, prepare } from '../forecast/pipeline.js';
import { printScores, scoresJson } from '../forecast/print.js';
import { forecastReport } from '../forecast/report.js';
import { scoreForecasts } from '../forecast/scores.js';
import { openModel } from '../model-dir.js';
import { formatTable } from '../output.js';
import { writeText } from '../run-files.js';
import { sourceFrom } from '../source-from.js';

/** `recur eval`. */
export async function evalCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const dir = flags.reqStr('model');
  const { model, contents, backendName } = await openModel(dir, flags.reqStr('backend'), out);
  try {
    const pipeline = asForecastPipeline(contents, dir);
    if (!pipeline) throw new CliUserError(`${dir} is not a forecaster trained by \`recur train\`; eval needs its data pipeline. Use \`recur predict --input\` for raw tensors.`);
    const data = await loadSeries(sourceFrom(ctx, pipeline.source), [...pipeline.features, pipeline.target]);
    const prepared = prepare(data.series, { ...pipeline }, pipeline.scaler);
    const scaler = prepared.scaler;
    const forecasts = await forecastAll(model, prepared.test, pipeline, scaler, prepared.rawTarget);
    const trainTarget = prepared.rawTarget.subarray(prepared.split.ranges.train[0], prepared.split.ranges.train[1]);
    const name = `${model.config.cell.toUpperCase()} (recur)`;
    const scores = scoreForecasts(forecasts, prepared.rawTarget, trainTarget, pipeline.seasonalPeriod, name);
    out.print(out.color.bold(`Test set of ${data.label}: ${scores.windows} windows, horizon ${scores.horizon}, target ${pipeline.target}`));
    printScores(out, scores);

    // Walk-forward backtest: the fixed model scored on successive later blocks (expanding history).
    const folds = flags.int('backtest');
    let backtest: { fold: number; rows: [number, number]; windows: number; mae: number; persistenceMae: number; seasonalMae: number | null }[] | null = null;
    if (folds > 0) {
      const scaled = pipelineScaler(pipeline).transform(data.series);
      // Folds tile the rows after the training part (never seen by the optimizer).
      const trainEnd = prepared.split.ranges.train[1];
      const testSize = Math.floor((data.series.length - trainEnd) / folds);
      if (testSize < pipeline.horizon) throw new CliUserError(`--backtest ${folds}: the ${data.series.length - trainEnd} rows after training give folds of ${testSize} rows, shorter than the horizon ${pipeline.horizon}; use fewer folds.`);
      const fs = walkForwardFolds(scaled, { mode: 'expanding', trainSize: trainEnd, testSize, maxFolds: folds });
      backtest = [];
      for (let i = 0; i < fs.length; i++) {
        const f = fs[i]!;
        const w = window(f.test, { lookback: pipeline.lookback, horizon: pipeline.horizon, features: [...pipeline.features], targets: [pipeline.target], history: 'preceding' });
        const fc = await forecastAll(model, w, pipeline, scaler, prepared.rawTarget);
        const sc = scoreForecasts(fc, prepared.rawTarget, trainTarget, pipeline.seasonalPeriod, name);
        backtest.push({ fold: i + 1, rows: [f.test.absoluteRow(0), f.test.absoluteRow(f.test.length)], windows: fc.n, mae: sc.rows[0]!.mae, persistenceMae: sc.rows[1]!.mae, seasonalMae: sc.rows[2]?.mae ?? null });
      }
      out.print();
      out.print(out.color.bold(`Walk-forward backtest (${backtest.length} folds)`));
      out.print(formatTable(['fold', 'rows', 'windows', 'MAE', 'persistence', 'seasonal naive'], backtest.map((b) => [b.fold, `${b.rows[0]}–${b.rows[1] - 1}`, b.windows, b.mae, b.persistenceMae, b.seasonalMae ?? NaN]), out.color));
    }
    const report = flags.str('report');
    if (report !== undefined) {
      const html = await forecastReport({ title: `evaluation of ${dir}`, dataLabel: data.label, pipeline, prepared, forecasts, scores, model, epochs: null, training: null });
      await writeText(report, html);
      out.print(`Report: ${resolve(report)}`);
    }
    out.emitJson({ model: resolve(dir), backend: backendName, data: data.label, scores: scoresJson(scores), backtest, ...(report ? { report: resolve(report) } : {}) });
  } finally {
    model.dispose();
  }
}
