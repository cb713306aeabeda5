/** `recur predict` / `recur forecast`: raw tensors (JSON) or a forecast from the latest rows of the data. */
import { resolve } from 'node:path';
import type { CommandContext } from './context.js';
import { loadSeries, requireFile } from '../data-source.js';
import { sourceFrom } from '../source-from.js';
import { CliUserError } from '../errors.js';
import { asForecastPipeline, pipelineScaler, relativize, targetFeatureIndex, targetScale } from '../forecast/pipeline.js';
import { openModel } from '../model-dir.js';
import { formatTable } from '../output.js';
import { writeJson } from '../run-files.js';
import { predictRaw } from '../tensor-json.js';
import { CLI_FILE_LIMITS, readTextFile } from '../user-files.js';

function nextTimes(ts: Float64Array | undefined, n: number): (string | number)[] {
  if (!ts || ts.length < 2) return Array.from({ length: n }, (_, i) => `t+${i + 1}`);
  const last = ts[ts.length - 1]!;
  const day = 86_400_000;
  const diffs = Array.from({ length: Math.min(12, ts.length - 1) }, (_, i) => ts[ts.length - 1 - i]! - ts[ts.length - 2 - i]!).sort((a, b) => a - b);
  const step = diffs[Math.floor(diffs.length / 2)]!;
  const monthly = step >= 28 * day && step <= 31 * day;
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(last);
    if (monthly) d.setUTCMonth(d.getUTCMonth() + i + 1);
    else d.setTime(last + step * (i + 1));
    return d.toISOString().slice(0, step % day === 0 ? 10 : 19);
  });
}

/** `recur predict`. */
export async function predictCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  const dir = flags.reqStr('model');
  const input = flags.str('input');
  const output = flags.str('output');
  if (input !== undefined) requireFile(input, 'Input file');
  const { model, contents } = await openModel(dir, flags.reqStr('backend'), out);
  try {
    if (input !== undefined) {
      let doc: unknown;
      const text = await readTextFile(input, CLI_FILE_LIMITS.input);
      try {
        doc = JSON.parse(text);
      } catch (e) {
        throw new CliUserError(`${input} is not valid JSON: ${(e as Error).message}`);
      }
      const result = await predictRaw(model, doc, input);
      if (output !== undefined) {
        await writeJson(output, result);
        out.print(`Wrote ${output}: output [${result.output.shape.join(', ')}], h_n [${result.h_n.shape.join(', ')}]${result.c_n ? `, c_n [${result.c_n.shape.join(', ')}]` : ''}.`);
        out.emitJson({ output: resolve(output), shape: result.output.shape });
      } else if (out.json) {
        out.emitJson(result);
      } else {
        out.print(JSON.stringify(result));
      }
      return;
    }
    const pipeline = asForecastPipeline(contents, dir);
    if (!pipeline) {
      throw new CliUserError(`${dir} has no data pipeline (it was not trained by \`recur train\`); give raw tensors with --input IN.json.`);
    }
    const data = await loadSeries(sourceFrom(ctx, pipeline.source), [...pipeline.features, pipeline.target]);
    const scaler = pipelineScaler(pipeline);
    for (const c of pipeline.features) data.series.columnIndex(c);
    const L = pipeline.lookback;
    if (data.series.length < L) throw new CliUserError(`The data has ${data.series.length} rows but the model needs the last ${L} (its lookback).`);
    const scaled = scaler.transform(data.series.slice(data.series.length - L));
    const F = pipeline.features.length;
    const x = new Float32Array(L * F);
    const idx = pipeline.features.map((c) => scaled.columnIndex(c));
    for (let t = 0; t < L; t++) for (let f = 0; f < F; f++) x[t * F + f] = scaled.get(t, idx[f]!);
    const last = pipeline.residual ? relativize(x, L, 1, F, targetFeatureIndex(pipeline))[0]! : 0;
    const { output: y } = await model.predict({ inputs: x, T: L, B: 1 });
    const { center, scale, offset } = targetScale(scaler, pipeline.target);
    const H = pipeline.horizon;
    const values = Array.from({ length: H }, (_, h) => ((y[h] as number) + last - offset) * scale + center);
    if (!values.every(Number.isFinite)) {
      throw new CliUserError(`${dir}: the model's forecast is not finite (${values.map(String).join(', ')}); its weights or scaler are damaged, or the recent data is far outside the training range. Re-train the model.`);
    }
    const times = nextTimes(data.series.timestamps ? Float64Array.from(data.series.timestamps) : undefined, H);
    const rows = values.map((v, h) => ({ step: h + 1, time: times[h]!, [pipeline.target]: v }));
    if (output !== undefined) await writeJson(output, { target: pipeline.target, forecast: rows });
    out.print(formatTable(['step', 'time', pipeline.target], rows.map((r) => [r.step, String(r.time), values[r.step - 1]!]), out.color));
    if (output !== undefined) out.print(`Wrote ${output}.`);
    out.emitJson({ target: pipeline.target, forecast: rows });
  } finally {
    model.dispose();
  }
}
