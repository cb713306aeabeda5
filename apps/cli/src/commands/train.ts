/**
 * `recur train`: forecasters (default) and character language models, with resumable runs.
 *
 * A run directory holds: model.safetensors + config.json (the model, with the data pipeline in
 * `extra`), scaler.json, training-log.json, report.html, run.json (the resolved flags, for
 * `--resume`) and, while a run is unfinished, checkpoint.safetensors.
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CheckpointError, createModel, loadCheckpoint, saveModel, type Checkpoint, type Model } from '@recur/core';
import type { CommandContext } from './context.js';
import { resolveBackendFlag } from '../backends.js';
import { datasetInfo, loadSeries, requireDir } from '../data-source.js';
import { CliUserError } from '../errors.js';
import { forecastAll, persistenceLoss, prepare, targetFeatureIndex, toBatches, type ForecastPipeline, type PipelineSettings } from '../forecast/pipeline.js';
import { checkSeasonalPeriod, scoreForecasts } from '../forecast/scores.js';
import { forecastReport } from '../forecast/report.js';
import { printScores, scoresJson } from '../forecast/print.js';
import { formatDuration } from '../output.js';
import { trainSession } from '../train/session.js';
import { trainLanguageModel } from '../train/lm.js';
import type { FlagValues } from '../options.js';
import { CLI_FILE_LIMITS, readTextFile } from '../user-files.js';
import { parseRunFile, RUN_FILES, writeJson, writeText, type RunFile } from '../run-files.js';

const RUN_FLAG_EXCLUDE = new Set(['json', 'debug', 'config', 'resume']);

async function readRunFile(dir: string): Promise<RunFile> {
  requireDir(dir, 'Run directory');
  const path = join(dir, RUN_FILES.run);
  if (!existsSync(path)) throw new CliUserError(`${dir} has no ${RUN_FILES.run}; --resume needs a directory written by \`recur train\`.`);
  return parseRunFile(await readTextFile(path, CLI_FILE_LIMITS.run), path);
}

/** `recur train`. */
export async function trainCommand(ctx: CommandContext): Promise<void> {
  const { flags, out } = ctx;
  let values: FlagValues = { ...flags.values };
  let resumeFrom: Checkpoint | null = null;
  const resumeDir = flags.str('resume');
  if (resumeDir !== undefined) {
    const run = await readRunFile(resumeDir);
    const ckptPath = join(resumeDir, RUN_FILES.checkpoint);
    if (!existsSync(ckptPath)) {
      throw new CliUserError(`${resumeDir} has no ${RUN_FILES.checkpoint}: that run finished (or never wrote one). Start a new run instead.`);
    }
    resumeFrom = await loadCheckpoint(ckptPath);
    // The run's own flags, except what may change between sessions: backend, epochs, output mode.
    values = { ...run.flags, out: resumeDir, json: flags.bool('json') };
    for (const k of ['backend', 'epochs', 'report', 'checkpointEvery']) if (flags.given(k)) values[k] = flags.values[k];
  }
  if (!resumeFrom && values.task === 'lm' && !flags.given('dataset')) values.dataset = 'moby-dick';
  const get = <T>(k: string) => values[k] as T;
  const positive = (k: string, flag: string): number => {
    const v = get<number>(k);
    if (!(v >= 1)) throw new CliUserError(`${flag} must be at least 1, got ${v}.`);
    return v;
  };
  const outDir = resolve(get<string>('out'));
  const runFlags: FlagValues = {};
  for (const [k, v] of Object.entries(values)) if (!RUN_FLAG_EXCLUDE.has(k) && v !== undefined) runFlags[k] = v;
  if (typeof runFlags.data === 'string') runFlags.data = resolve(runFlags.data);
  if (typeof runFlags.text === 'string') runFlags.text = resolve(runFlags.text);
  runFlags.out = outDir;

  const common = {
    epochs: positive('epochs', '--epochs'),
    batchSize: positive('batchSize', '--batch-size'),
    hidden: positive('hidden', '--hidden'),
    layers: positive('layers', '--layers'),
    lr: get<number>('lr'),
    clip: get<number>('clip'),
    patience: get<number>('patience'),
    seed: get<number>('seed'),
    cell: get<'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu'>('cell'),
    checkpointEvery: positive('checkpointEvery', '--checkpoint-every'),
  };
  if (!(common.lr > 0)) throw new CliUserError(`--lr must be positive, got ${common.lr}.`);
  if (common.clip < 0) throw new CliUserError(`--clip must not be negative, got ${common.clip}.`);

  const { backend, chosen, auto } = await resolveBackendFlag(get<string>('backend'));
  out.status(out.color.dim(`backend: ${chosen}${auto ? ' (auto: the fastest available here)' : ''}`));

  if (get<string>('task') === 'lm') {
    await trainLanguageModel(ctx, { values: runFlags, outDir, backend, backendName: chosen, resumeFrom, common, writeRun: !resumeFrom });
    return;
  }

  // ---- forecasting ------------------------------------------------------------------------------
  const started = performance.now();
  const source = typeof runFlags.data === 'string' ? { csv: runFlags.data, timestamp: (runFlags.timestamp as string | undefined) ?? undefined, missing: get<'error'>('missing') } : { dataset: get<string>('dataset') };
  const info = source.dataset !== undefined ? datasetInfo(source.dataset) : null;
  if (info && info.kind === 'text') throw new CliUserError(`Dataset "${info.name}" is text: train a language model with \`recur train --task lm --dataset ${info.name}\`.`);
  const targetFlag = get<string | undefined>('target');
  const featuresFlag = get<string[] | undefined>('features');
  const data = await loadSeries(source, targetFlag !== undefined ? [...(featuresFlag ?? []), targetFlag] : featuresFlag);
  const target = targetFlag ?? info?.defaultTarget ?? data.series.columns[0]!;
  const features = featuresFlag ?? [target];
  const split = get<string[]>('split').map(Number);
  if (split.length !== 3 || split.some((x) => !(x >= 0 && x <= 1)) || Math.abs(split[0]! + split[1]! + split[2]! - 1) > 1e-6 || !(split[2]! > 0) || !(split[0]! > 0)) {
    throw new CliUserError(`--split needs three fractions train,validation,test that sum to 1 (train and test > 0), got ${get<string[]>('split').join(',')}.`);
  }
  const residualWanted = get<boolean>('residual');
  const settings: PipelineSettings = {
    target,
    features,
    lookback: positive('lookback', '--lookback'),
    horizon: positive('horizon', '--horizon'),
    split: { train: split[0]!, validation: split[1]!, test: split[2]! },
    residual: residualWanted && features.includes(target),
  };
  const seasonalPeriod = (get<number | undefined>('seasonalPeriod') ?? info?.seasonalPeriod ?? 1) || 1;
  const prepared = prepare(data.series, settings);
  checkSeasonalPeriod(seasonalPeriod, prepared.split.train.length);
  if (resumeFrom && (resumeFrom.config.inputSize !== features.length || resumeFrom.config.outputSize !== settings.horizon)) {
    throw new CheckpointError(
      join(resumeDir!, RUN_FILES.checkpoint),
      `holds a model with ${resumeFrom.config.inputSize} inputs and ${String(resumeFrom.config.outputSize)} outputs, but run.json asks for ${features.length} features and horizon ${settings.horizon}. The run directory is damaged; start a new run.`,
      { field: 'config.inputSize' },
    );
  }
  const targetIndex = targetFeatureIndex(settings);
  const trainBatches = toBatches(prepared.train, { batchSize: common.batchSize, residual: settings.residual, targetIndex, shuffle: true, seed: common.seed });
  const valBatches = prepared.validation ? toBatches(prepared.validation, { batchSize: 256, residual: settings.residual, targetIndex }) : null;
  const pipeline: ForecastPipeline = {
    format: 'recur-cli-forecast',
    version: 1,
    source,
    target,
    features,
    lookback: settings.lookback,
    horizon: settings.horizon,
    seasonalPeriod,
    split: settings.split,
    residual: settings.residual,
    scaler: prepared.scaler.toJSON(),
    hasTimestamps: prepared.timestamps !== undefined,
  };

  let model: Model;
  if (resumeFrom) {
    model = createModel(resumeFrom.config, { backend, seed: common.seed });
  } else {
    model = createModel(
      { kind: 'seq2one', cell: common.cell, inputSize: features.length, hiddenSize: common.hidden, numLayers: common.layers, outputSize: settings.horizon, init: common.cell === 'lstm' ? { forgetBias: 1 } : {} },
      { backend, seed: common.seed },
    );
    await writeJson(join(outDir, RUN_FILES.run), { format: 'recur-cli-run', version: 1, flags: runFlags, backend: chosen } satisfies RunFile);
  }
  out.status(
    `Training ${out.color.bold(`${common.cell.toUpperCase()}(${common.hidden}${common.layers > 1 ? `×${common.layers}` : ''})`)} on ${data.label}: ` +
      `${prepared.train.count} training windows, ${prepared.validation?.count ?? 0} validation, ${prepared.test.count} test; lookback ${settings.lookback}, horizon ${settings.horizon}.`,
  );
  if (resumeFrom) out.status(`Resuming at step ${resumeFrom.step} (epoch ${resumeFrom.position.epoch + 1}).`);

  const session = await trainSession({
    out,
    model,
    train: trainBatches,
    validation: valBatches,
    epochs: common.epochs,
    lr: common.lr,
    clip: common.clip,
    patience: common.patience,
    shuffle: true,
    checkpointPath: join(outDir, RUN_FILES.checkpoint),
    checkpointEvery: common.checkpointEvery,
    resumeFrom,
    baselineValLoss: valBatches ? persistenceLoss(valBatches, { residual: settings.residual, targetIndex, features: features.length }) : null,
  });
  if (session.interrupted) {
    const msg = `Interrupted at step ${session.history.step}. Checkpoint saved to ${join(outDir, RUN_FILES.checkpoint)}; continue with: recur train --resume ${outDir}`;
    out.print(msg);
    out.emitJson({ interrupted: true, step: session.history.step, checkpoint: join(outDir, RUN_FILES.checkpoint), resume: `recur train --resume ${outDir}` });
    ctx.setExitCode(130);
    return;
  }

  // ---- evaluate, save, report ------------------------------------------------------------------
  const forecasts = await forecastAll(model, prepared.test, pipeline, prepared.scaler, prepared.rawTarget);
  const trainTarget = prepared.rawTarget.subarray(prepared.split.ranges.train[0], prepared.split.ranges.train[1]);
  const modelName = `${common.cell.toUpperCase()} (recur)`;
  const scores = scoreForecasts(forecasts, prepared.rawTarget, trainTarget, seasonalPeriod, modelName);
  const seconds = (performance.now() - started) / 1000;
  const log = {
    format: 'recur-training-log',
    version: 1,
    finishedAt: new Date().toISOString(),
    backend: chosen,
    seconds,
    trainingSeconds: session.seconds,
    steps: session.history.step,
    stopReason: session.history.stopReason,
    bestEpoch: session.bestEpoch,
    epochs: session.history.epochs,
    stepLosses: session.stepLosses,
    resumed: resumeFrom !== null,
  };
  const training = { epochs: session.history.epochs.length, steps: session.history.step, stopReason: session.history.stopReason, bestEpoch: session.bestEpoch, backend: chosen, seconds, ...(session.divergence !== null ? { warning: session.divergence } : {}) };
  await saveModel(model, outDir, { extra: { pipeline, training, scores: scoresJson(scores) } });
  await writeJson(join(outDir, RUN_FILES.scaler), pipeline.scaler);
  await writeJson(join(outDir, RUN_FILES.log), log);
  const reportPath = resolve(get<string | undefined>('report') ?? join(outDir, RUN_FILES.report));
  const html = await forecastReport({
    title: `${modelName.replace(' (recur)', '')} forecast of ${target}`,
    dataLabel: data.label,
    ...(info ? { dataDescription: info.description } : {}),
    pipeline,
    prepared,
    forecasts,
    scores,
    model,
    epochs: session.history.epochs,
    training,
  });
  await writeText(reportPath, html);
  rmSync(join(outDir, RUN_FILES.checkpoint), { force: true });

  const c = out.color;
  out.print(c.bold(`Test set: ${scores.windows} windows, horizon ${scores.horizon} (${info?.frequency ?? 'rows'}), target ${target}`));
  printScores(out, scores);
  out.print();
  out.print(`Trained ${session.history.epochs.length} epochs (${session.history.step} steps, ${session.history.stopReason}) on ${chosen}${auto ? ' (auto)' : ''} in ${formatDuration(seconds)}.`);
  out.print(`Model:  ${outDir}`);
  out.print(`Report: ${reportPath}`);
  out.emitJson({
    model: outDir,
    report: reportPath,
    backend: chosen,
    seconds,
    training,
    scores: scoresJson(scores),
  });
}
