/** Files of a `recur train` run directory, and atomic JSON/text writes. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeSchemaIssue } from '@recur/backend';
import { atomicWriteFile, CheckpointError } from '@recur/core';
import { z } from 'zod';
import { checkStoredFlags, type FlagValues } from './options.js';
import { findCommand } from './spec.js';

/** Name of the files of a run directory. */
export const RUN_FILES = Object.freeze({
  run: 'run.json',
  checkpoint: 'checkpoint.safetensors',
  scaler: 'scaler.json',
  log: 'training-log.json',
  report: 'report.html',
});

/** What run.json stores. */
export interface RunFile {
  readonly format: 'recur-cli-run';
  readonly version: 1;
  readonly flags: FlagValues;
  /** The backend the run trained on (what `--backend auto` resolved to). */
  readonly backend?: string;
}

/** zod schema of run.json (the flags inside are then checked against `recur train`'s flag specs). */
const runFileSchema = z.object(
  {
    format: z.literal('recur-cli-run', { error: 'expected "recur-cli-run"' }),
    version: z.literal(1, { error: 'expected 1' }),
    flags: z.record(z.string(), z.unknown(), { error: 'expected an object of flag values' }),
  },
  { error: 'expected a JSON object' },
);

/**
 * Parse and check the text of a run.json: JSON, its schema, then every stored flag against
 * `recur train`'s flag specs (known name, valid value).
 *
 * @throws {CheckpointError} naming `path`, the field and what was expected.
 */
export function parseRunFile(text: string, path: string): RunFile {
  const damaged = ' The run directory is damaged; start a new run.';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new CheckpointError(path, `is not valid JSON (${(cause as Error).message}).${damaged}`, { cause });
  }
  const parsed = runFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const { field, text: why } = describeSchemaIssue(parsed.error.issues[0]!);
    throw new CheckpointError(path, `${why}.${damaged}`, { field });
  }
  const flags = checkStoredFlags(findCommand('train')!, parsed.data.flags, (field, message) => new CheckpointError(path, `field flags.${field}: ${message}${damaged}`, { field: `flags.${field}` }));
  return { format: 'recur-cli-run', version: 1, flags };
}

const encoder = new TextEncoder();

/** Write JSON atomically. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await atomicWriteFile(path, encoder.encode(`${JSON.stringify(value, null, 2)}\n`));
}

/** Write text atomically. */
export async function writeText(path: string, text: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await atomicWriteFile(path, encoder.encode(text));
}

