/**
 * Streaming CSV reader built on `csv-parse` (no hand-written parsing).
 *
 * `readCsvChunks` reads a file, a Node readable stream, any async iterable of text/bytes, or
 * an in-memory string, and yields chunks of parsed rows as row-major Float32Arrays; it never
 * holds the whole file (rows are released chunk by chunk; only a run of missing values being
 * interpolated is held back until its right neighbour arrives). `readCsv` collects the chunks
 * into one growing typed array and returns a {@link Series}.
 *
 * Node-only: `csv-parse` (a Node Transform stream) and `node:fs` are imported at run time,
 * when a reader is called, through a specifier bundlers do not follow, so the package still
 * bundles for browsers (which use windows, scalers and splits but not this reader).
 */
import type * as NodeUrl from 'node:url';
import { openRegularFile, RecurError } from '@recur/backend';
import type * as CsvParse from 'csv-parse';
import {
  CsvParseError,
  EmptyDataError,
  InvalidOptionError,
  InvalidTimestampError,
  MissingValueError,
  NonFiniteValueError,
  NotNumericError,
  RaggedRowError,
  RecurDataError,
  TimestampOrderError,
  UnknownColumnError,
} from './errors';
import { decodeCsvText } from './text-input';
import { nearestName } from './edit-distance';
import { createSeries, type Series } from './series';
import { importAtRuntime } from './node-import';

/** What to do with a missing cell. Must be chosen explicitly for anything but 'error'. */
export type MissingPolicy = 'error' | 'ffill' | 'interpolate';

/** Where CSV text comes from. */
export type CsvSource =
  | string
  | URL
  | { text: string }
  | AsyncIterable<string | Uint8Array>;

/** How to read the timestamp column. */
export interface TimestampSpec {
  /** Column holding the time. */
  column: string;
  /**
   * `'iso'` (default): `Date.parse` (ISO 8601; a date-only value is UTC midnight).
   * `'number'`: the cell is already a number (e.g. epoch ms or a year).
   * A function: your own parser returning a finite number (ms since the epoch, say).
   */
  parse?: 'iso' | 'number' | ((text: string) => number);
}

/** Options of {@link readCsvChunks} and {@link readCsv}. */
export interface CsvOptions {
  /** Value columns to read, in this order. Default: every column but the timestamp column. */
  columns?: readonly string[];
  /** Timestamp column (name, or a spec with a parser). Default: none. */
  timestamp?: string | TimestampSpec;
  /**
   * Missing-value policy. `'error'` (default) throws a {@link MissingValueError} naming the
   * row and column; `'ffill'` repeats the column's previous value; `'interpolate'` fills
   * linearly between the neighbours (by timestamp when there is one, else by row). A missing
   * value with no neighbour to fill from is an error under every policy.
   */
  missing?: MissingPolicy;
  /** Cell texts (after trimming) that mean "missing". Default `['', 'NA', 'N/A', 'null', 'NULL']`. */
  missingValues?: readonly string[];
  /** Field delimiter. Default `','`. */
  delimiter?: string;
  /** Rows per yielded chunk. Default 65 536. */
  chunkSize?: number;
}

/** A chunk of parsed rows. */
export interface CsvChunk {
  /** 0-based data row of the chunk's first row. */
  firstRow: number;
  /** Rows in the chunk. */
  rows: number;
  /** Column names of `data`. */
  columns: readonly string[];
  /** Row-major `[rows, columns]`. */
  data: Float32Array;
  /** One per row, when a timestamp column is read. */
  timestamps: Float64Array | undefined;
}

const DEFAULT_MISSING = ['', 'NA', 'N/A', 'null', 'NULL'];
const F32_MAX = 3.4028234663852886e38;

/**
 * The number grammar of a CSV cell (after trimming): an optional sign, decimal digits with an
 * optional decimal point, and an optional exponent. `12`, `-0.5`, `.5`, `5.`, `1e-3`, `+2.5E+10`
 * are numbers; `0x1A`, `0b11`, `0o17`, `1_000`, `1,5` and `Infinity` are not (JavaScript's
 * `Number()` would read the first three as 26, 3 and 15).
 */
export const CSV_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Cells that spell a non-finite value: `NaN`, `inf`, `Infinity` (any case, optional sign). With the
 * missing-value policy `'error'` they are refused ({@link NonFiniteValueError}); with `'ffill'` or
 * `'interpolate'` they count as missing cells and are filled like one.
 */
export const CSV_NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

function describeSource(source: CsvSource): string {
  if (typeof source === 'string') return `CSV file ${JSON.stringify(source)}`;
  if (source instanceof URL) return `CSV file ${source.href}`;
  return 'CSV input';
}

async function* openSource(source: CsvSource): AsyncGenerator<string | Uint8Array> {
  if (typeof source === 'string' || source instanceof URL) {
    const path = typeof source === 'string' ? source : (await importAtRuntime<typeof NodeUrl>('node:url')).fileURLToPath(source);
    // A FIFO, a device or a directory is refused here, at once (FileReadError), instead of hanging.
    const { handle } = await openRegularFile(path, { maxBytes: Number.MAX_SAFE_INTEGER, limitName: 'none', what: 'a CSV file' });
    const stream = handle.createReadStream({ autoClose: true });
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } finally {
      stream.destroy();
      await handle.close().catch(() => undefined);
    }
  } else if (typeof source === 'object' && source !== null && 'text' in source) {
    yield source.text;
  } else if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source) {
    yield* source;
  } else {
    throw new InvalidOptionError('CSV source must be a path, a URL, { text }, or an async iterable of strings/bytes (e.g. a Node readable stream).');
  }
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** Records from csv-parse, with backpressure, closing the source when the consumer stops. */
async function* records(source: CsvSource, delimiter: string): AsyncGenerator<ParsedRecord> {
  const { parse } = await importAtRuntime<typeof CsvParse>('csv-parse');
  const parser = parse({ delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
  const name = describeSource(source);
  const input = decodeCsvText(openSource(source), name);
  let stopped = false;
  const pump = (async () => {
    try {
      for await (const chunk of input) {
        if (stopped) break;
        if (!parser.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              parser.off('drain', done);
              parser.off('close', done);
              resolve();
            };
            parser.on('drain', done);
            parser.on('close', done);
          });
        }
      }
      if (!stopped) parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  try {
    for await (const r of parser as AsyncIterable<ParsedRecord>) yield r;
  } catch (err) {
    if (err instanceof RecurDataError || err instanceof RecurError) throw err;
    const e = err as { name?: string; code?: string; message?: string; lines?: number; records?: number; column?: unknown };
    // csv-parse's CsvError (codes CSV_QUOTE_NOT_CLOSED, INVALID_OPENING_QUOTE, …): file, line and field.
    if (typeof e.code === 'string' && (e.name === 'CsvError' || e.code.startsWith('CSV_') || typeof e.lines === 'number')) {
      const message = (e.message ?? String(err)).replace(/\.$/, '');
      throw new CsvParseError(
        message.length > 200 ? `${message.slice(0, 197)}...` : message,
        {
          source: name,
          line: e.lines,
          // csv-parse counts the header as record 0, so the failing data row is records − 1.
          ...(typeof e.records === 'number' && e.records >= 1 ? { row: e.records - 1 } : {}),
          ...(typeof e.column === 'number' ? { fieldIndex: e.column } : {}),
        },
        err,
      );
    }
    throw err;
  } finally {
    stopped = true;
    parser.destroy();
    await input.return(undefined);
    await pump;
  }
}

/**
 * Stream a CSV as chunks of parsed numeric rows (async iteration). Never reads the whole file
 * into memory. Bad input throws typed errors naming the row (0-based, header excluded), the
 * column and the file line.
 */
export async function* readCsvChunks(source: CsvSource, options: CsvOptions = {}): AsyncGenerator<CsvChunk> {
  const policy = options.missing ?? 'error';
  if (policy !== 'error' && policy !== 'ffill' && policy !== 'interpolate') {
    throw new InvalidOptionError(`missing must be 'error', 'ffill' or 'interpolate', got ${JSON.stringify(policy)}.`);
  }
  const chunkSize = options.chunkSize ?? 65536;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InvalidOptionError(`chunkSize must be an integer ≥ 1, got ${String(chunkSize)}.`);
  const missingSet = new Set(options.missingValues ?? DEFAULT_MISSING);
  const tsSpec: TimestampSpec | undefined = typeof options.timestamp === 'string' ? { column: options.timestamp } : options.timestamp;
  const parseTs = tsSpec?.parse ?? 'iso';
  const name = describeSource(source);

  let header: string[] | undefined;
  let colIdx: number[] = [];
  let names: string[] = [];
  let tsIdx = -1;
  let w = 0;
  let row = 0; // next data row number

  // Pending rows (not yet emitted): row-major values with NaN marking cells awaiting interpolation.
  let cap = Math.max(16, Math.min(chunkSize, 1 << 16));
  let pend = new Float32Array(0);
  let pendTs = new Float64Array(0);
  let pendCount = 0;
  let pendFirst = 0; // data row of pend[0]
  let lastValue = new Float64Array(0);
  let lastRow = new Float64Array(0); // row (or timestamp) of the last valid value, NaN if none
  let gapStart = new Int32Array(0); // first unresolved missing row per column, -1 if none
  let prevTs: number | undefined;

  const grow = (): void => {
    cap *= 2;
    const p = new Float32Array(cap * w);
    p.set(pend.subarray(0, pendCount * w));
    pend = p;
    const t = new Float64Array(cap);
    t.set(pendTs.subarray(0, pendCount));
    pendTs = t;
  };

  /** Emit the first `k` pending rows as a chunk. */
  const take = (k: number): CsvChunk => {
    const chunk: CsvChunk = {
      firstRow: pendFirst,
      rows: k,
      columns: names,
      data: pend.slice(0, k * w),
      timestamps: tsIdx >= 0 ? pendTs.slice(0, k) : undefined,
    };
    pend.copyWithin(0, k * w, pendCount * w);
    pendTs.copyWithin(0, k, pendCount);
    pendCount -= k;
    pendFirst += k;
    return chunk;
  };

  /** Rows that can be emitted: all rows before the earliest unresolved missing value. */
  const resolvable = (): number => {
    let limit = pendFirst + pendCount;
    for (let c = 0; c < w; c++) if (gapStart[c]! >= 0 && gapStart[c]! < limit) limit = gapStart[c]!;
    return limit - pendFirst;
  };

  for await (const { record, info } of records(source, options.delimiter ?? ',')) {
    if (header === undefined) {
      header = record;
      const seen = new Set<string>();
      for (const h of header) {
        if (seen.has(h)) throw new InvalidOptionError(`${name} has two columns named ${JSON.stringify(h)}; column names must be unique.`);
        seen.add(h);
      }
      const find = (n: string): number => {
        const i = header!.indexOf(n);
        if (i < 0) throw new UnknownColumnError(n, header!, nearestName(n, header!));
        return i;
      };
      tsIdx = tsSpec ? find(tsSpec.column) : -1;
      if (options.columns !== undefined) {
        if (options.columns.length === 0) throw new InvalidOptionError('columns is empty: name at least one column to read.');
        colIdx = options.columns.map(find);
      } else {
        colIdx = header.map((_, i) => i).filter((i) => i !== tsIdx);
      }
      if (colIdx.length === 0) throw new InvalidOptionError(`${name} has no value columns besides the timestamp column.`);
      names = colIdx.map((i) => header![i]!);
      w = names.length;
      pend = new Float32Array(cap * w);
      pendTs = new Float64Array(cap);
      lastValue = new Float64Array(w);
      lastRow = new Float64Array(w).fill(NaN);
      gapStart = new Int32Array(w).fill(-1);
      continue;
    }
    const line = info.lines;
    if (record.length !== header.length) throw new RaggedRowError(header.length, record.length, { row, line });

    // Timestamp
    let pos = row; // interpolation abscissa
    if (tsIdx >= 0) {
      const text = record[tsIdx]!;
      let t: number;
      if (typeof parseTs === 'function') t = parseTs(text);
      else if (parseTs === 'number') t = CSV_NUMBER.test(text) ? Number(text) : NaN;
      else t = Date.parse(text);
      if (typeof t !== 'number' || !Number.isFinite(t)) throw new InvalidTimestampError(text, { row, column: tsSpec!.column, line });
      if (prevTs !== undefined && t <= prevTs) {
        throw new TimestampOrderError(t === prevTs ? 'E_TIMESTAMP_DUPLICATE' : 'E_TIMESTAMP_NOT_INCREASING', prevTs, t, { row, column: tsSpec!.column, line });
      }
      prevTs = t;
      pos = t;
    }

    if (pendCount === cap) grow();
    const base = pendCount * w;
    pendTs[pendCount] = pos;
    for (let c = 0; c < w; c++) {
      const text = record[colIdx[c]!]!;
      if (missingSet.has(text) || (policy !== 'error' && CSV_NON_FINITE.test(text))) {
        if (policy === 'error') throw new MissingValueError({ row, column: names[c]!, line });
        if (Number.isNaN(lastRow[c]!)) {
          throw new MissingValueError({ row, column: names[c]!, line }, `and there is no earlier value in this column to ${policy === 'ffill' ? 'carry forward' : 'interpolate from'}`);
        }
        if (policy === 'ffill') {
          pend[base + c] = lastValue[c]!;
        } else {
          pend[base + c] = NaN;
          if (gapStart[c]! < 0) gapStart[c] = row;
        }
        continue;
      }
      if (!CSV_NUMBER.test(text)) {
        if (CSV_NON_FINITE.test(text)) {
          const nonFinite = /nan/i.test(text) ? NaN : text.startsWith('-') ? -Infinity : Infinity;
          throw new NonFiniteValueError(nonFinite, { row, column: names[c]!, line });
        }
        throw new NotNumericError(text, { row, column: names[c]!, line });
      }
      const v = Number(text);
      if (!Number.isFinite(v) || Math.abs(v) > F32_MAX) throw new NonFiniteValueError(Number.isFinite(v) ? Math.sign(v) * Infinity : v, { row, column: names[c]!, line });
      pend[base + c] = v;
      if (gapStart[c]! >= 0) {
        // Linear interpolation over the gap [gapStart, row) between (p0, v0) and (pos, v):
        //   x(p) = v0 + (v − v0)·(p − p0)/(pos − p0)
        const p0 = lastRow[c]!;
        const v0 = lastValue[c]!;
        for (let r = gapStart[c]!; r < row; r++) {
          const k = r - pendFirst;
          const p = tsIdx >= 0 ? pendTs[k]! : r;
          pend[k * w + c] = v0 + ((v - v0) * (p - p0)) / (pos - p0);
        }
        gapStart[c] = -1;
      }
      lastValue[c] = v;
      lastRow[c] = pos;
    }
    pendCount++;
    row++;
    if (pendCount >= chunkSize) {
      const k = Math.min(resolvable(), chunkSize);
      if (k >= chunkSize) yield take(k);
    }
  }
  if (header === undefined) throw new EmptyDataError(name);
  if (row === 0) throw new EmptyDataError(`${name} (it has a header but no rows)`);
  for (let c = 0; c < w; c++) {
    if (gapStart[c]! >= 0) {
      throw new MissingValueError({ row: gapStart[c]!, column: names[c]! }, 'and there is no later value in this column to interpolate to (the column ends with missing values)');
    }
  }
  while (pendCount > 0) yield take(Math.min(pendCount, chunkSize));
}

/**
 * Read a whole CSV into a {@link Series} by streaming it into growing typed arrays (the text
 * is never held in memory at once).
 *
 * @example
 * // From a path (Node), a URL, { text }, or any async iterable of text chunks:
 * const text = 'date,temp_max,wind\n2012-01-01,12.8,4.7\n2012-01-02,10.6,\n2012-01-03,11.7,2.3\n';
 * const s = await readCsv({ text }, { timestamp: 'date', columns: ['temp_max', 'wind'], missing: 'interpolate' });
 */
export async function readCsv(source: CsvSource, options: CsvOptions = {}): Promise<Series> {
  let data = new Float32Array(0);
  let ts: Float64Array | undefined;
  let rows = 0;
  let names: readonly string[] = [];
  for await (const chunk of readCsvChunks(source, options)) {
    const w = chunk.columns.length;
    names = chunk.columns;
    const need = (rows + chunk.rows) * w;
    if (need > data.length) {
      const next = new Float32Array(Math.max(need, data.length * 2));
      next.set(data.subarray(0, rows * w));
      data = next;
      if (chunk.timestamps) {
        const t = new Float64Array(next.length / w);
        if (ts) t.set(ts.subarray(0, rows));
        ts = t;
      }
    }
    data.set(chunk.data, rows * w);
    if (chunk.timestamps) ts!.set(chunk.timestamps, rows);
    rows += chunk.rows;
  }
  const w = names.length;
  // Trim the growth slack: copy when more than a quarter is unused, else keep a view.
  const trimmed = data.length > rows * w * 1.25 ? data.slice(0, rows * w) : data.subarray(0, rows * w);
  const trimmedTs = ts === undefined ? undefined : ts.length > rows * 1.25 ? ts.slice(0, rows) : ts.subarray(0, rows);
  // Values and timestamps were validated while streaming.
  return createSeries({ data: trimmed, columns: names, timestamps: trimmedTs, validate: false });
}
