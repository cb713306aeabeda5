/** Files of a `recur train` run directory, and atomic JSON/text writes. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { atomicWriteFile } from '@recur/core';
import type { FlagValues } from './options.js';

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

