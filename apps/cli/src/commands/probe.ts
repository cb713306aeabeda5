/** `recur probe`: long-range-context probes on a trained forecaster (context ablation, gradient by lag). */
import { resolve } from 'node:path';
import { batches } from '@recur/data';
import { ablationChart, contextAblation, gradientByLag, gradientByLagChart } from '@recur/eval';
import type { CommandContext } from './context.js';
import { loadSeries } from '../data-source.js';
import { CliUserError } from '../errors.js';
import { asForecastPipeline, prepare, relativize, targetFeatureIndex } from '../forecast/pipeline.js';
import { openModel } from '../model-dir.js';
import { formatNumber, formatTable } from '../output.js';
import { svg } from '../report/charts.js';
import { renderReport } from '../report/html.js';
import { writeText } from '../run-files.js';
import { sourceFrom } from '../source-from.js';

/** `recur probe`. */
export async function probeCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const dir = flags.reqStr('model');
  const { model, contents } = await openModel(dir, flags.reqStr('backend'), out);
  try {
    const pipeline = asForecastPipeline(contents, dir);
    if (!pipeline) throw new CliUserError(`${dir} is not a forecaster trained by \`recur train\`; the probes need its test windows.`);
    const data = await loadSeries(sourceFrom(ctx, pipeline.source), [...pipeline.features, pipeline.target]);
    const prepared = prepare(data.series, { ...pipeline }, pipeline.scaler);
    const w = prepared.test;
    // All test windows as one time-major batch [T, B, F]; targets in the model's own (scaled, residual) units [B, H].
    const [b] = [...batches(w, { batchSize: w.count, layout: 'time-major' })];
    if (!b) throw new CliUserError('The test part has no windows to probe.');
    const ti = targetFeatureIndex(pipeline);
    const targets = Float32Array.from(b.y);
    const inputs = Float32Array.from(b.x);
    const H = pipeline.horizon;
    if (pipeline.residual) {
      const last = relativize(inputs, b.T, b.B, b.F, ti);
      for (let i = 0; i < b.B; i++) for (let h = 0; h < H; h++) targets[i * H + h] = targets[i * H + h]! - last[i]!;
    }
    const mode = flags.reqStr('mode') as 'mask' | 'truncate';
    const fill = new Float64Array(b.F); // the training mean is 0 after standard scaling
    const ablation = await contextAblation(model, { inputs, T: b.T, B: b.B, targets, mode, fill });
    const grads = model.backend.capabilities.training ? await gradientByLag(model, { inputs, T: b.T, B: b.B }, { loss: 'mse', targets }) : null;
    const c = out.color;
    out.print(c.bold(`Context ablation (${mode}, ${b.B} test windows, lookback ${b.T}): MSE on scaled targets`));
    out.print(formatTable(['visible steps k', 'MSE', 'vs full'], ablation.curve.map((p) => [p.k, p.score, `${formatNumber((p.score / ablation.full - 1) * 100)}%`]), c));
    out.print(`Effective context: ${c.bold(String(ablation.effectiveContext))} of ${b.T} steps (the smallest k within 5% of the full-context error).`);
    if (grads) {
      const picks = [...new Set([0, 1, 2, 5, 11, 23, b.T - 1].filter((k) => k < b.T))];
      out.print();
      out.print(c.bold('Gradient of the loss by input lag (relative to the last step)'));
      out.print(formatTable(['lag', '‖∂ℓ/∂x‖', 'relative'], picks.map((k) => [k, grads.norms[k]!, grads.relative[k]!]), c));
    }
    const report = flags.str('report');
    if (report !== undefined) {
      const blocks = [
        { kind: 'figure' as const, title: 'Context ablation', svg: await svg(ablationChart(ablation.curve.map((p) => ({ k: p.k, error: p.score, model: model.config.cell })), { fullError: ablation.full, effectiveContext: ablation.effectiveContext, metric: 'MSE' })) },
        ...(grads ? [{ kind: 'figure' as const, title: 'Gradient by lag', svg: await svg(gradientByLagChart(grads.lags.map((k) => ({ lag: k, norm: grads.norms[k]!, cell: model.config.cell })))) }] : []),
      ];
      await writeText(report, renderReport(`recur: context probes of ${dir}`, data.label, blocks));
      out.print(`Report: ${resolve(report)}`);
    }
    out.emitJson({
      model: resolve(dir),
      ablation: { mode, steps: ablation.steps, full: ablation.full, effectiveContext: ablation.effectiveContext, curve: ablation.curve },
      gradientByLag: grads ? { lags: grads.lags, norms: Array.from(grads.norms), relative: Array.from(grads.relative) } : null,
    });
  } finally {
    model.dispose();
  }
}
