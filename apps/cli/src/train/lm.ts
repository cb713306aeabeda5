/**
 * `recur train --task lm`: a character language model (embedding → RNN → vocabulary logits),
 * trained with cross-entropy on B parallel streams cut into `seqLen`-step chunks. The first 90% of
 * the text trains, the last 10% validates. Reported in bits per character.
 */
import { join } from 'node:path';
import { createModel, saveModel, type Checkpoint } from '@recur/core';
import { CharTokenizer, languageModelBatches } from '@recur/data';
import type { Backend } from '@recur/backend';
import type { Batch } from '@recur/core';
import type { CommandContext } from '../commands/context.js';
import { loadText } from '../data-source.js';
import { CliUserError } from '../errors.js';
import type { FlagValues } from '../options.js';
import { formatDuration, formatNumber } from '../output.js';
import { lossChart, svg } from '../report/charts.js';
import { renderReport } from '../report/html.js';
import { trainSession } from './session.js';
import { RUN_FILES, writeJson, writeText } from '../run-files.js';

/** `extra.pipeline` of a language model. */
export interface LmPipeline {
  readonly format: 'recur-cli-lm';
  readonly version: 1;
  readonly tokenizer: ReturnType<CharTokenizer['toJSON']>;
  readonly seqLen: number;
}

interface LmArgs {
  readonly values: FlagValues;
  readonly outDir: string;
  readonly backend: Backend;
  readonly backendName: string;
  readonly resumeFrom: Checkpoint | null;
  readonly writeRun: boolean;
  readonly common: { epochs: number; batchSize: number; hidden: number; layers: number; lr: number; clip: number; patience: number; seed: number; cell: 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu'; checkpointEvery: number };
}

function toBatches(ids: Int32Array, B: number, T: number): Batch[] {
  const out: Batch[] = [];
  for (const b of languageModelBatches(ids, { batchSize: B, seqLen: T, layout: 'time-major' })) out.push({ inputs: b.x, T: b.T, B: b.B, targets: b.y });
  return out;
}

/** Train and save a character language model. */
export async function trainLanguageModel(ctx: CommandContext, a: LmArgs): Promise<void> {
  const { out } = ctx;
  const v = a.values;
  const started = performance.now();
  const source = typeof v.text === 'string' ? { text: v.text } : { dataset: v.dataset === undefined ? 'moby-dick' : String(v.dataset) };
  const loaded = await loadText(source);
  const maxChars = v.maxChars as number;
  const seqLen = v.seqLen as number;
  if (!(seqLen >= 2)) throw new CliUserError(`--seq-len must be at least 2, got ${seqLen}.`);
  const text = loaded.text.slice(0, Math.max(1, maxChars));
  const cut = Math.floor(text.length * 0.9);
  if (cut < a.common.batchSize * seqLen + 1 || text.length - cut < seqLen + 1) {
    throw new CliUserError(
      `The text has ${text.length} characters: too short for --batch-size ${a.common.batchSize} × --seq-len ${seqLen} (need about ${Math.ceil((a.common.batchSize * seqLen + 1) / 0.9)}). Use more text or smaller values.`,
    );
  }
  const tokenizer = new CharTokenizer().fit(text);
  const ids = tokenizer.encode(text);
  const train = toBatches(ids.subarray(0, cut), a.common.batchSize, seqLen);
  const validation = toBatches(ids.subarray(cut), 1, seqLen);
  const V = tokenizer.vocabulary.size;
  const model = a.resumeFrom
    ? createModel(a.resumeFrom.config, { backend: a.backend, seed: a.common.seed })
    : createModel({ kind: 'lm', cell: a.common.cell, hiddenSize: a.common.hidden, numLayers: a.common.layers, vocabSize: V, embeddingDim: v.embedding as number }, { backend: a.backend, seed: a.common.seed });
  if (a.writeRun) await writeJson(join(a.outDir, RUN_FILES.run), { format: 'recur-cli-run', version: 1, flags: v, backend: a.backendName });
  out.status(`Training a character ${a.common.cell.toUpperCase()}(${a.common.hidden}) language model on ${loaded.label}: ${text.length} characters, vocabulary ${V}.`);
  const session = await trainSession({
    out,
    model,
    train,
    validation,
    epochs: a.common.epochs,
    lr: a.common.lr,
    clip: a.common.clip,
    patience: a.common.patience,
    shuffle: true,
    checkpointPath: join(a.outDir, RUN_FILES.checkpoint),
    checkpointEvery: a.common.checkpointEvery,
    resumeFrom: a.resumeFrom,
  });
  if (session.interrupted) {
    out.print(`Interrupted at step ${session.history.step}. Checkpoint saved; continue with: recur train --resume ${a.outDir}`);
    out.emitJson({ interrupted: true, step: session.history.step, resume: `recur train --resume ${a.outDir}` });
    ctx.setExitCode(130);
    return;
  }
  const pipeline: LmPipeline = { format: 'recur-cli-lm', version: 1, tokenizer: tokenizer.toJSON(), seqLen };
  // The model holds the best validation epoch's weights (see trainSession): report that epoch.
  const last = session.history.epochs.find((e) => e.epoch === session.bestEpoch) ?? session.history.epochs[session.history.epochs.length - 1];
  const valLoss = last?.valLoss ?? last?.loss ?? NaN;
  const bpc = valLoss / Math.LN2;
  const seconds = (performance.now() - started) / 1000;
  const training = { epochs: session.history.epochs.length, steps: session.history.step, stopReason: session.history.stopReason, backend: a.backendName, seconds, validationBitsPerChar: bpc };
  await saveModel(model, a.outDir, { extra: { pipeline, training } });
  await writeJson(join(a.outDir, RUN_FILES.log), { format: 'recur-training-log', version: 1, backend: a.backendName, seconds, epochs: session.history.epochs, stepLosses: session.stepLosses, stopReason: session.history.stopReason });
  const prompt = text.slice(0, 1);
  const sample = tokenizer.decode(await model.generate(Array.from(tokenizer.encode(prompt)), { length: 200, temperature: 0.8, seed: a.common.seed }));
  const reportPath = typeof v.report === 'string' ? v.report : join(a.outDir, RUN_FILES.report);
  const html = renderReport(`recur: character ${a.common.cell.toUpperCase()} language model`, loaded.label, [
    {
      kind: 'facts',
      title: 'Setup',
      facts: [
        ['text', `${text.length} characters (90% training, 10% validation), vocabulary ${V}`],
        ['model', `${a.common.cell.toUpperCase()}, hidden ${a.common.hidden}, embedding ${String(v.embedding)}, ${model.numParameters} parameters`],
        ['training', `${training.epochs} epochs, ${training.steps} steps, backend ${a.backendName}, ${formatDuration(seconds)}`],
        ['validation', `${formatNumber(bpc)} bits per character (a uniform guess is ${formatNumber(Math.log2(V))})`],
      ],
    },
    { kind: 'figure', title: 'Loss curves', svg: await svg(lossChart(session.history.epochs)), caption: 'Cross-entropy (nats per character).' },
    { kind: 'text', title: 'Sample (temperature 0.8)', text: prompt + sample },
  ]);
  await writeText(reportPath, html);
  const { rmSync } = await import('node:fs');
  rmSync(join(a.outDir, RUN_FILES.checkpoint), { force: true });
  out.print(`Validation: ${formatNumber(bpc)} bits per character (uniform: ${formatNumber(Math.log2(V))}).`);
  out.print(`Sample: ${JSON.stringify(prompt + sample)}`);
  out.print(`Model:  ${a.outDir}`);
  out.print(`Report: ${reportPath}`);
  out.emitJson({ model: a.outDir, report: reportPath, backend: a.backendName, training, sample: prompt + sample });
}
