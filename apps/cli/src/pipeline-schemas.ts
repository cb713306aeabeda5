/**
 * The zod schemas of the pipelines `recur train` stores in a model's config.json under
 * `extra.pipeline` (a forecaster's data pipeline, a language model's tokenizer), and their
 * cross-checks against the model config: horizon = outputs, features = inputs, the target and the
 * features among the scaler's columns, the tokenizer's vocabulary = the model's. A failure is a
 * ModelFormatError naming config.json, the field and what was expected.
 */
import { join } from 'node:path';
import { describeSchemaIssue } from '@recur/backend';
import { MODEL_CONFIG_FILE, ModelFormatError, type ModelContents } from '@recur/core';
import { RecurDataError, scalerJsonSchema, tokenizerFromJSON, tokenizerJsonSchema, type Tokenizer } from '@recur/data';
import { z } from 'zod';
import type { ForecastPipeline } from './forecast/forecast-pipeline.js';

/** Longest lookback a stored pipeline may have. */
export const MAX_LOOKBACK = 1_000_000;
/** Longest horizon a stored pipeline may have. */
export const MAX_HORIZON = 100_000;

const int = (min: number, max: number, name?: string) =>
  z
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}${name ? ` (${name})` : ''}` });
const fraction = z.number({ error: 'expected a fraction in [0, 1]' }).min(0, { error: 'expected a fraction in [0, 1]' }).max(1, { error: 'expected a fraction in [0, 1]' });
const column = z.string({ error: 'expected a column name' }).min(1, { error: 'expected a non-empty column name' });

/** Schema of a forecaster's `extra.pipeline`. */
export const forecastPipelineSchema = z
  .object(
    {
      format: z.literal('recur-cli-forecast'),
      version: z.literal(1, { error: 'expected 1 (this recur reads version 1; upgrade @recur/cli for newer ones)' }),
      source: z
        .object(
          {
            dataset: z.string({ error: 'expected a dataset name' }).optional(),
            csv: z.string({ error: 'expected a CSV path' }).optional(),
            timestamp: z.string({ error: 'expected a column name or null' }).nullable().optional(),
            missing: z.enum(['error', 'ffill', 'interpolate'], { error: "expected 'error', 'ffill' or 'interpolate'" }).optional(),
          },
          { error: 'expected { csv } or { dataset }: where the training data came from' },
        )
        .refine((s) => (s.csv === undefined) !== (s.dataset === undefined), { error: 'expected exactly one of "csv" and "dataset"' }),
      target: column,
      features: z
        .array(column, { error: 'expected an array of column names' })
        .min(1, { error: 'expected at least one feature' })
        .refine((f) => new Set(f).size === f.length, { error: 'expected unique feature names' }),
      lookback: int(1, MAX_LOOKBACK, 'MAX_LOOKBACK'),
      horizon: int(1, MAX_HORIZON, 'MAX_HORIZON'),
      seasonalPeriod: int(1, Number.MAX_SAFE_INTEGER),
      split: z.object({ train: fraction, validation: fraction, test: fraction }, { error: 'expected { train, validation, test } fractions' }).refine(
        (s) => Math.abs(s.train + s.validation + s.test - 1) <= 1e-6 && s.train > 0 && s.test > 0,
        { error: 'expected fractions that sum to 1, with train and test > 0' },
      ),
      residual: z.boolean({ error: 'expected true or false' }),
      scaler: scalerJsonSchema,
      hasTimestamps: z.boolean({ error: 'expected true or false' }),
    },
    { error: 'expected an object' },
  )
  .superRefine((p, ctx) => {
    const cols = new Set(p.scaler.columns);
    if (!cols.has(p.target)) ctx.addIssue({ code: 'custom', path: ['target'], message: `expected one of the scaler's columns (${p.scaler.columns.join(', ')})`, input: p.target });
    p.features.forEach((f, i) => {
      if (!cols.has(f)) ctx.addIssue({ code: 'custom', path: ['features', i], message: `expected one of the scaler's columns (${p.scaler.columns.join(', ')})`, input: f });
    });
    if (p.residual && !p.features.includes(p.target)) ctx.addIssue({ code: 'custom', path: ['residual'], message: 'residual mode needs the target among the features', input: p.residual });
  });

/** Schema of a language model's `extra.pipeline`. */
export const lmPipelineSchema = z.object(
  {
    format: z.literal('recur-cli-lm'),
    version: z.literal(1, { error: 'expected 1 (this recur reads version 1; upgrade @recur/cli for newer ones)' }),
    tokenizer: tokenizerJsonSchema,
    seqLen: int(2, 1_000_000),
  },
  { error: 'expected an object' },
);

function fail(dir: string, field: string, message: string, cause?: unknown): never {
  throw new ModelFormatError(`${message} The model directory is damaged or was edited; re-train or re-save it.`, { file: join(dir, MODEL_CONFIG_FILE), field, ...(cause !== undefined ? { cause } : {}) });
}

function check<T>(schema: z.ZodType<T>, value: unknown, dir: string): T {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const { field, text } = describeSchemaIssue(r.error.issues[0]!, 'extra.pipeline');
  return fail(dir, field, `${text}.`);
}

/** `extra.pipeline.format`, when there is a pipeline. */
export function pipelineFormat(contents: Pick<ModelContents, 'extra'>): string | undefined {
  const p = contents.extra.pipeline as { format?: unknown } | undefined;
  return p !== null && typeof p === 'object' && typeof p.format === 'string' ? p.format : undefined;
}

/**
 * A forecaster's pipeline, validated against its schema and against the model config; null when
 * the model has no forecasting pipeline.
 *
 * @throws {ModelFormatError} naming `<dir>/config.json`, the field and what was expected.
 */
export function validForecastPipeline(contents: Pick<ModelContents, 'extra' | 'config'>, dir: string): ForecastPipeline | null {
  if (pipelineFormat(contents) !== 'recur-cli-forecast') return null;
  const p = check(forecastPipelineSchema, contents.extra.pipeline, dir);
  const cfg = contents.config;
  if (cfg.kind !== 'seq2one') fail(dir, 'config.kind', `a forecaster is a seq2one model, but config.kind is ${JSON.stringify(cfg.kind)}.`);
  if (cfg.outputSize !== p.horizon) {
    fail(dir, 'extra.pipeline.horizon', `field extra.pipeline.horizon: expected ${String(cfg.outputSize)}, the model's number of outputs (config.outputSize) (got ${p.horizon}).`);
  }
  if (cfg.inputSize !== p.features.length) {
    fail(dir, 'extra.pipeline.features', `field extra.pipeline.features: expected ${cfg.inputSize} features, the model's config.inputSize (got ${p.features.length}).`);
  }
  return p as ForecastPipeline;
}

/**
 * A language model's tokenizer, validated against its schema and the model config (the vocabulary
 * size is the model's `vocabSize`); null when the model has no language-model pipeline.
 *
 * @throws {ModelFormatError} naming `<dir>/config.json`, the field and what was expected.
 */
export function validLmTokenizer(contents: Pick<ModelContents, 'extra' | 'config'>, dir: string): Tokenizer | null {
  if (pipelineFormat(contents) !== 'recur-cli-lm') return null;
  const p = check(lmPipelineSchema, contents.extra.pipeline, dir);
  if (contents.config.kind !== 'lm') fail(dir, 'config.kind', `a language-model pipeline needs config.kind "lm", got ${JSON.stringify(contents.config.kind)}.`);
  const size = p.tokenizer.vocabulary.tokens.length;
  if (size !== contents.config.vocabSize) {
    fail(dir, 'extra.pipeline.tokenizer.vocabulary.tokens', `field extra.pipeline.tokenizer.vocabulary.tokens: expected ${String(contents.config.vocabSize)} tokens, the model's config.vocabSize (got ${size}).`);
  }
  try {
    return tokenizerFromJSON(p.tokenizer);
  } catch (cause) {
    if (cause instanceof RecurDataError) fail(dir, 'extra.pipeline.tokenizer', cause.message, cause);
    throw cause;
  }
}
