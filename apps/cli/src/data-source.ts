/**
 * Where a forecaster's data comes from: a CSV file or a bundled dataset. Checks paths up front so
 * a missing file is one clear message.
 */
import { existsSync, statSync } from 'node:fs';
import { readCsv, type MissingPolicy, type Series } from '@recur/data';
import { DATASETS, loadDataset, type DatasetInfo, type SeriesDatasetName } from '@recur/datasets';
import { CliUserError } from './errors.js';
import { CLI_FILE_LIMITS, readCsvHead, readTextFile } from './user-files.js';

/** A data source as stored in a model's pipeline (paths are absolute). */
export interface DataSourceSpec {
  readonly dataset?: string;
  readonly csv?: string;
  readonly timestamp?: string | null;
  readonly missing?: MissingPolicy;
}

/** Loaded data and what is known about it. */
export interface LoadedData {
  readonly series: Series;
  readonly info: DatasetInfo | null;
  /** Human-readable name for reports. */
  readonly label: string;
}

const TIME_NAMES = ['date', 'time', 'timestamp', 'datetime', 'ds', 'month', 'day'];

/** Fail with one line when a file the user named does not exist or is not a regular file (a directory, a FIFO, a device). */
export function requireFile(path: string, what: string): void {
  if (!existsSync(path)) throw new CliUserError(`${what} not found: ${path}`);
  const st = statSync(path); // stat never blocks, even on a FIFO
  if (st.isDirectory()) throw new CliUserError(`${what} is a directory, not a file: ${path}`);
  if (!st.isFile()) {
    const kind = st.isFIFO() ? 'a FIFO (named pipe)' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new CliUserError(`${what} is ${kind}, not a regular file: ${path}`);
  }
}

/** Fail with one line when a directory the user named does not exist. */
export function requireDir(path: string, what: string): void {
  if (!existsSync(path)) throw new CliUserError(`${what} not found: ${path}`);
  if (!statSync(path).isDirectory()) throw new CliUserError(`${what} is not a directory: ${path}`);
}

/** The header row of a CSV file. */
export async function csvHeader(path: string): Promise<string[]> {
  const text = await readCsvHead(path);
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/** Catalogue entry of a bundled dataset, or a one-line error with the nearest name. */
export function datasetInfo(name: string): DatasetInfo {
  const info = DATASETS.find((d) => d.name === name);
  if (!info) {
    // loadDataset throws UnknownDatasetError with a suggestion; reproduce it without loading.
    const names = DATASETS.map((d) => d.name);
    const near = nearest(name, names);
    throw new CliUserError(`Unknown dataset "${name}".${near ? ` Did you mean "${near}"?` : ''} Available: ${names.join(', ')} (see \`recur datasets\`).`);
  }
  return info;
}

function nearest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = levenshtein(name.toLowerCase(), n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Load the series of a source (CSV: only `columns`, when given). */
export async function loadSeries(source: DataSourceSpec, columns?: readonly string[]): Promise<LoadedData> {
  if (source.csv !== undefined) {
    requireFile(source.csv, 'Data file');
    const header = await csvHeader(source.csv);
    let timestamp = source.timestamp ?? undefined;
    if (source.timestamp === undefined) timestamp = header.find((h) => TIME_NAMES.includes(h.toLowerCase()));
    if (timestamp !== undefined && timestamp !== null && !header.includes(timestamp)) {
      throw new CliUserError(`Unknown timestamp column "${timestamp}"${nearest(timestamp, header) ? `. Did you mean "${nearest(timestamp, header)}"?` : '.'} Available columns: ${header.join(', ')}.`);
    }
    // Read only the columns the model uses when they are known (other columns may hold text).
    const wanted = columns ? [...new Set(columns)] : undefined;
    const missing = source.missing ?? 'error';
    // With a fill policy, NaN / inf cells count as missing (@recur/data); with 'error' they are reported by row and column.
    const series = await readCsv(source.csv, { ...(timestamp ? { timestamp } : {}), ...(wanted ? { columns: wanted } : {}), missing });
    return { series, info: null, label: source.csv };
  }
  const name = source.dataset ?? 'co2-concentration';
  const info = datasetInfo(name);
  if (info.kind !== 'series') throw new CliUserError(`Dataset "${name}" is text; use it with \`recur train --task lm --dataset ${name}\`.`);
  const series = await loadDataset(name as SeriesDatasetName);
  return { series, info, label: name };
}

/** Load the text of a language-model source. */
export async function loadText(source: { text?: string; dataset?: string }): Promise<{ text: string; label: string }> {
  if (source.text !== undefined) {
    requireFile(source.text, 'Text file');
    return { text: await readTextFile(source.text, CLI_FILE_LIMITS.text), label: source.text };
  }
  const name = source.dataset ?? 'moby-dick';
  const info = datasetInfo(name);
  if (info.kind !== 'text') throw new CliUserError(`Dataset "${name}" is a time series; a language model needs text (--dataset moby-dick or --text FILE).`);
  return { text: (await loadDataset(name as 'moby-dick')) as string, label: name };
}
