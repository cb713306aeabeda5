/**
 * `Series`: a multivariate time series stored in ONE row-major Float32Array.
 *
 * Layout (fixed, documented): row-major `[rows, columns]`, i.e. value (t, c) lives at
 * `data[t * columns.length + c]`. Row-major makes every run of consecutive time steps a
 * contiguous `subarray`, so splits and windows are views (index arithmetic over the shared
 * buffer), never copies.
 *
 * A series may be a *view* of a larger buffer (a split part or a fold). It then remembers
 * where it starts in that buffer and what role it plays (`'train' | 'validation' | 'test'`),
 * which is what lets scalers refuse to be fitted on rows that are not training rows.
 */
import { InvalidOptionError, NonFiniteValueError, TimestampOrderError, UnknownColumnError, EmptyDataError } from './errors';
import { nearestName } from './edit-distance';

/**
 * The role a series plays. `'full'` is a whole series that has not been split; `'train'`,
 * `'validation'` and `'test'` are parts made by {@link chronologicalSplit} or
 * {@link walkForwardFolds}.
 */
export type SeriesRole = 'full' | 'train' | 'validation' | 'test';

/** Options to build a series. */
export interface SeriesInit {
  /** Row-major values `[rows, columns]`. Taken as is (not copied). */
  data: Float32Array;
  /** Column names, unique. */
  columns: readonly string[];
  /** Optional timestamps (ms since the epoch, or any strictly increasing number), one per row. */
  timestamps?: Float64Array | readonly number[];
  /**
   * Check every value is finite and timestamps strictly increase (default true). Turn off
   * only for data you already validated; O(rows × columns).
   */
  validate?: boolean;
}

/** @internal constructor parameters shared by views. */
interface SeriesParts {
  buffer: Float32Array;
  timestamps: Float64Array | undefined;
  columns: readonly string[];
  start: number;
  length: number;
  role: SeriesRole;
  origin: number;
}

/** A multivariate time series over one row-major Float32Array. See the module docs. */
export class Series {
  /** Column names. */
  readonly columns: readonly string[];
  /** Number of rows (time steps) in this series (or view). */
  readonly length: number;
  /** The role of these rows; scalers may be fitted only on `'train'`. */
  readonly role: SeriesRole;
  /** The whole buffer shared by this series and all its views (row-major `[bufferRows, columns]`). */
  readonly buffer: Float32Array;
  /** Timestamps of the whole buffer, if any. */
  readonly bufferTimestamps: Float64Array | undefined;
  /** First row of this series inside `buffer`. */
  readonly start: number;
  /** Absolute index (in the original data) of buffer row 0; kept when a part is copied by a scaler. */
  readonly origin: number;

  /** @internal Use {@link createSeries}, {@link Series.fromColumns} or {@link Series.fromRows}. */
  constructor(parts: SeriesParts) {
    this.buffer = parts.buffer;
    this.bufferTimestamps = parts.timestamps;
    this.columns = parts.columns;
    this.start = parts.start;
    this.length = parts.length;
    this.role = parts.role;
    this.origin = parts.origin;
  }

  /** Number of columns. */
  get width(): number {
    return this.columns.length;
  }

  /** This series' rows: a view (`subarray`) of `buffer`, row-major `[length, width]`. */
  get data(): Float32Array {
    const w = this.columns.length;
    return this.buffer.subarray(this.start * w, (this.start + this.length) * w);
  }

  /** This series' timestamps (a view), if any. */
  get timestamps(): Float64Array | undefined {
    return this.bufferTimestamps?.subarray(this.start, this.start + this.length);
  }

  /** Absolute row index (in the original data) of local row `i`. */
  absoluteRow(i: number): number {
    return this.origin + this.start + i;
  }

  /** Index of a column; throws {@link UnknownColumnError} with the nearest name. */
  columnIndex(name: string): number {
    const i = this.columns.indexOf(name);
    if (i < 0) throw new UnknownColumnError(name, this.columns, nearestName(name, this.columns));
    return i;
  }

  /** Indices of several columns (all columns when `names` is undefined). */
  columnIndices(names?: readonly string[]): number[] {
    if (names === undefined) return this.columns.map((_, i) => i);
    if (names.length === 0) throw new InvalidOptionError('The column list is empty: name at least one column.');
    const seen = new Set<string>();
    return names.map((n) => {
      if (seen.has(n)) throw new InvalidOptionError(`Column ${JSON.stringify(n)} is listed twice.`);
      seen.add(n);
      return this.columnIndex(n);
    });
  }

  /** Value at local row `row`, column `column` (name or index). */
  get(row: number, column: string | number): number {
    const c = typeof column === 'number' ? column : this.columnIndex(column);
    if (!Number.isInteger(row) || row < 0 || row >= this.length || c < 0 || c >= this.width) {
      throw new InvalidOptionError(`Position (row ${row}, column ${c}) is outside a series of ${this.length} rows × ${this.width} columns.`);
    }
    return this.buffer[(this.start + row) * this.width + c]!;
  }

  /** A copy of one column as a Float32Array of `length` values. */
  column(name: string): Float32Array {
    const c = this.columnIndex(name);
    const w = this.width;
    const out = new Float32Array(this.length);
    const base = this.start * w + c;
    for (let t = 0; t < this.length; t++) out[t] = this.buffer[base + t * w]!;
    return out;
  }

  /**
   * A view of rows `[start, end)` (local indices), sharing the buffer. Keeps the role unless
   * one is given.
   */
  slice(start: number, end: number = this.length, role: SeriesRole = this.role): Series {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.length || start > end) {
      throw new InvalidOptionError(`slice(${start}, ${end}) is outside a series of ${this.length} rows.`);
    }
    return new Series({
      buffer: this.buffer,
      timestamps: this.bufferTimestamps,
      columns: this.columns,
      start: this.start + start,
      length: end - start,
      role,
      origin: this.origin,
    });
  }

  /**
   * The same rows with another role. `withRole('train')` is how you declare that a series
   * you loaded separately (say, from its own training file) holds only training rows.
   */
  withRole(role: SeriesRole): Series {
    return this.slice(0, this.length, role);
  }

  /** Rows before this view in its buffer (available as input history for windows). */
  get precedingRows(): number {
    return this.start;
  }

  /**
   * Build a series from named columns. All columns must have the same length.
   *
   * @example
   * Series.fromColumns({ temp: [1, 2, 3], wind: [4, 5, 6] }, { timestamps: [0, 1, 2] })
   */
  static fromColumns(
    columns: Record<string, ArrayLike<number>>,
    options: { timestamps?: Float64Array | readonly number[]; validate?: boolean } = {},
  ): Series {
    const names = Object.keys(columns);
    if (names.length === 0) throw new InvalidOptionError('Series.fromColumns needs at least one column.');
    const rows = columns[names[0]!]!.length;
    const w = names.length;
    const data = new Float32Array(rows * w);
    names.forEach((name, c) => {
      const col = columns[name]!;
      if (col.length !== rows) {
        throw new InvalidOptionError(`Column ${JSON.stringify(name)} has ${col.length} values but column ${JSON.stringify(names[0])} has ${rows}: all columns must have the same length.`);
      }
      for (let t = 0; t < rows; t++) data[t * w + c] = col[t]!;
    });
    return createSeries({ data, columns: names, ...options });
  }

  /** Build a series from an array of rows (each an array of `columns.length` numbers). */
  static fromRows(
    rows: readonly (readonly number[])[],
    columns: readonly string[],
    options: { timestamps?: Float64Array | readonly number[]; validate?: boolean } = {},
  ): Series {
    const w = columns.length;
    const data = new Float32Array(rows.length * w);
    rows.forEach((r, t) => {
      if (r.length !== w) throw new InvalidOptionError(`Row ${t} has ${r.length} values but there are ${w} columns.`);
      for (let c = 0; c < w; c++) data[t * w + c] = r[c]!;
    });
    return createSeries({ data, columns, ...options });
  }
}

/**
 * Build a {@link Series} over `data` (row-major `[rows, columns]`, not copied).
 * Validates (unless `validate: false`): finite values, strictly increasing timestamps,
 * unique column names, and a buffer length that is a multiple of the column count.
 */
export function createSeries(init: SeriesInit): Series {
  const { data, columns } = init;
  if (!(data instanceof Float32Array)) throw new InvalidOptionError('Series data must be a Float32Array (row-major [rows, columns]).');
  if (columns.length === 0) throw new InvalidOptionError('A series needs at least one column name.');
  const unique = new Set(columns);
  if (unique.size !== columns.length) {
    const dup = columns.find((c, i) => columns.indexOf(c) !== i);
    throw new InvalidOptionError(`Column names must be unique; ${JSON.stringify(dup)} appears more than once.`);
  }
  const w = columns.length;
  if (data.length % w !== 0) {
    throw new InvalidOptionError(`The buffer has ${data.length} values, which is not a multiple of the ${w} columns (row-major [rows, columns] expected).`);
  }
  const rows = data.length / w;
  if (rows === 0) throw new EmptyDataError('The series');
  let ts: Float64Array | undefined;
  if (init.timestamps !== undefined) {
    ts = init.timestamps instanceof Float64Array ? init.timestamps : Float64Array.from(init.timestamps);
    if (ts.length !== rows) throw new InvalidOptionError(`There are ${ts.length} timestamps for ${rows} rows: give exactly one timestamp per row.`);
  }
  if (init.validate !== false) {
    assertFinite(data, columns, 0);
    if (ts !== undefined) assertIncreasing(ts, 0);
  }
  return new Series({ buffer: data, timestamps: ts, columns, start: 0, length: rows, role: 'full', origin: 0 });
}

/**
 * Throws {@link NonFiniteValueError} naming the first NaN/±Inf (row and column).
 * `firstRow` is added to the reported row.
 */
export function assertFinite(data: Float32Array, columns: readonly string[], firstRow: number): void {
  const w = columns.length;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // v - v is NaN for NaN and ±Inf, 0 otherwise: one compare per value.
    if (v - v !== 0) {
      throw new NonFiniteValueError(v, { row: firstRow + Math.floor(i / w), column: columns[i % w]! });
    }
  }
}

/** Throws {@link TimestampOrderError} at the first timestamp that does not strictly increase. */
export function assertIncreasing(ts: Float64Array, firstRow: number, previous?: number): void {
  let prev = previous;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (!Number.isFinite(t)) throw new NonFiniteValueError(t, { row: firstRow + i, column: 'timestamp' });
    if (prev !== undefined && t <= prev) {
      throw new TimestampOrderError(t === prev ? 'E_TIMESTAMP_DUPLICATE' : 'E_TIMESTAMP_NOT_INCREASING', prev, t, { row: firstRow + i, column: 'timestamp' });
    }
    prev = t;
  }
}
