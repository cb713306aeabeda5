/**
 * Typed errors of @recur/data.
 *
 * Every error is a `RecurError` (from @recur/backend, which this package already depends on for
 * reading files) with a stable `E_*` code, so one `instanceof RecurError` and one code switch
 * cover data, core and backend errors alike. Where the problem is located in the data, the error
 * also carries the `row` (0-based data row, header excluded) and `column` (name) where it was
 * found.
 */
import { RecurError } from '@recur/backend';

/** Machine-readable error codes of @recur/data. */
export type DataErrorCode =
  | 'E_NON_FINITE'
  | 'E_NOT_NUMERIC'
  | 'E_MISSING_VALUE'
  | 'E_TIMESTAMP_NOT_INCREASING'
  | 'E_TIMESTAMP_DUPLICATE'
  | 'E_INVALID_TIMESTAMP'
  | 'E_WINDOW_TOO_LONG'
  | 'E_EMPTY'
  | 'E_RAGGED_ROW'
  | 'E_UNKNOWN_COLUMN'
  | 'E_INVALID_ARGUMENT'
  | 'E_LEAKAGE'
  | 'E_UNKNOWN_TOKEN'
  | 'E_NOT_FITTED'
  | 'E_CSV_PARSE'
  | 'E_NOT_CSV'
  | 'E_ZERO_VARIANCE'
  | 'E_INVALID_FORMAT';

/**
 * The codes @recur/data used before it moved onto `RecurError` (the `E_*` code without `E_`).
 *
 * @deprecated Read `code` (an `E_*` code). `legacyCode` and this type go in the next minor version.
 */
export type LegacyDataErrorCode =
  | 'NON_FINITE'
  | 'NOT_NUMERIC'
  | 'MISSING_VALUE'
  | 'TIMESTAMP_NOT_INCREASING'
  | 'TIMESTAMP_DUPLICATE'
  | 'INVALID_TIMESTAMP'
  | 'WINDOW_TOO_LONG'
  | 'EMPTY'
  | 'RAGGED_ROW'
  | 'UNKNOWN_COLUMN'
  | 'INVALID_ARGUMENT'
  | 'LEAKAGE'
  | 'UNKNOWN_TOKEN'
  | 'NOT_FITTED'
  | 'CSV_PARSE'
  | 'NOT_CSV'
  | 'ZERO_VARIANCE'
  | 'INVALID_FORMAT';

/** The `E_*` code for an old unprefixed one (or the code itself when it is already an `E_*` code). */
export function dataErrorCode(code: DataErrorCode | LegacyDataErrorCode): DataErrorCode {
  return (code.startsWith('E_') ? code : `E_${code}`) as DataErrorCode;
}

/** Where in the data an error was found. */
export interface DataErrorLocation {
  /** 0-based data row (the CSV header is not counted). */
  row?: number;
  /** Column name. */
  column?: string;
  /** 1-based line in the source file, when reading text. */
  line?: number;
}

/** Base class of every error thrown by @recur/data and @recur/datasets. */
export class RecurDataError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'RecurDataError';
  /** Machine-readable `E_*` code (set by `RecurError`; narrowed here). */
  declare readonly code: DataErrorCode;
  /**
   * The code without its `E_` prefix, as @recur/data reported it before it moved onto `RecurError`.
   *
   * @deprecated Read `code`. Kept for one minor version so `e.code === 'NON_FINITE'` checks can
   * move to `e.code === 'E_NON_FINITE'`.
   */
  readonly legacyCode: LegacyDataErrorCode;
  /** 0-based data row where the problem was found, if any. */
  readonly row: number | undefined;
  /** Column name where the problem was found, if any. */
  readonly column: string | undefined;
  /** 1-based line in the source file, if any. */
  readonly line: number | undefined;

  /**
   * @param code - an `E_*` code (an old unprefixed code is accepted and prefixed, for one minor version).
   */
  constructor(code: DataErrorCode | LegacyDataErrorCode, message: string, where: DataErrorLocation = {}, options?: { cause?: unknown }) {
    const prefixed = dataErrorCode(code);
    super(prefixed, message, options);
    this.name = new.target.name;
    this.legacyCode = prefixed.slice(2) as LegacyDataErrorCode;
    this.row = where.row;
    this.column = where.column;
    this.line = where.line;
  }
}

/** A value is NaN or ±Infinity. */
export class NonFiniteValueError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'NonFiniteValueError';
  constructor(value: number, where: DataErrorLocation) {
    super(
      'E_NON_FINITE',
      `Value ${String(value)} at ${describeLocation(where)} is not finite. ` +
        'Clean the data first, or read the CSV with an explicit missing-value policy (missing: "ffill" | "interpolate").',
      where,
    );
  }
}

/** A text cell could not be parsed as a number. */
export class NotNumericError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'NotNumericError';
  /** The offending text. */
  readonly text: string;
  constructor(text: string, where: DataErrorLocation) {
    super(
      'E_NOT_NUMERIC',
      `Cannot parse ${JSON.stringify(text)} at ${describeLocation(where)} as a number` +
        (/^[+-]?0[xob]/i.test(text) ? ' (hexadecimal, octal and binary literals are not CSV numbers)' : '') +
        '. Numbers are decimal with an optional exponent (12, -0.5, 1e-3). ' +
        'Select only numeric columns with `columns`, or list this token in `missingValues` if it marks a missing value.',
      where,
    );
    this.text = text;
  }
}

/** A value is missing and the missing-value policy is 'error' (or it cannot be filled). */
export class MissingValueError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'MissingValueError';
  constructor(where: DataErrorLocation, detail = 'and the missing-value policy is "error"') {
    super(
      'E_MISSING_VALUE',
      `Missing value at ${describeLocation(where)} ${detail}. ` +
        'Choose a policy explicitly: missing: "ffill" (repeat the previous value) or "interpolate" (linear between neighbours).',
      where,
    );
  }
}

/** Timestamps must be strictly increasing. */
export class TimestampOrderError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'TimestampOrderError';
  constructor(code: 'E_TIMESTAMP_NOT_INCREASING' | 'E_TIMESTAMP_DUPLICATE', previous: number, current: number, where: DataErrorLocation) {
    const what =
      code === 'E_TIMESTAMP_DUPLICATE'
        ? `duplicates the previous row's timestamp (${formatTime(current)})`
        : `(${formatTime(current)}) is earlier than the previous row's (${formatTime(previous)})`;
    super(
      code,
      `Timestamp at ${describeLocation(where)} ${what}. Timestamps must be strictly increasing: sort the rows by time and aggregate duplicates before building a series.`,
      where,
    );
  }
}

/** A timestamp text could not be parsed. */
export class InvalidTimestampError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'InvalidTimestampError';
  constructor(text: string, where: DataErrorLocation) {
    super(
      'E_INVALID_TIMESTAMP',
      `Cannot parse timestamp ${JSON.stringify(text)} at ${describeLocation(where)}. Pass a custom \`timestamp.parse\` function for this format.`,
      where,
    );
  }
}

/** The window (lookback + gap + horizon) does not fit in the series. */
export class WindowTooLongError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'WindowTooLongError';
  constructor(needed: number, available: number, role: string) {
    super(
      'E_WINDOW_TOO_LONG',
      `A window needs ${needed} rows (lookback + gap + target steps) but the ${role} series has only ${available}. ` +
        'Use a shorter lookback or horizon, or give this part of the split more rows.',
    );
  }
}

/** A file or a series has no data rows. */
export class EmptyDataError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'EmptyDataError';
  constructor(what: string) {
    super('E_EMPTY', `${what} is empty: there are no data rows to read.`);
  }
}

/** A CSV row has a different number of fields than the header. */
export class RaggedRowError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'RaggedRowError';
  constructor(expected: number, actual: number, where: DataErrorLocation) {
    super(
      'E_RAGGED_ROW',
      `Row at ${describeLocation(where)} has ${actual} fields but the header has ${expected}. Fix the row (a missing or extra delimiter?) before reading.`,
      where,
    );
  }
}

/** A column name is not in the series or file. Suggests the nearest existing name. */
export class UnknownColumnError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'UnknownColumnError';
  /** The nearest existing column name by edit distance, if any is close. */
  readonly suggestion: string | undefined;
  /** The column names that exist. */
  readonly available: readonly string[];
  constructor(name: string, available: readonly string[], suggestion: string | undefined) {
    super(
      'E_UNKNOWN_COLUMN',
      `Unknown column ${JSON.stringify(name)}.` +
        (suggestion !== undefined ? ` Did you mean ${JSON.stringify(suggestion)}?` : '') +
        ` Available columns: ${available.map((c) => JSON.stringify(c)).join(', ')}.`,
      { column: name },
    );
    this.suggestion = suggestion;
    this.available = available;
  }
}

/** An option is invalid (a negative lookback, ratios that do not add up, …). */
export class InvalidOptionError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'InvalidOptionError';
  constructor(message: string) {
    super('E_INVALID_ARGUMENT', message);
  }
}

/** An operation would let validation or test rows influence training. */
export class LeakageError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'LeakageError';
  constructor(message: string) {
    super('E_LEAKAGE', message);
  }
}

/** A token is not in the vocabulary and the vocabulary has no unknown token. */
export class UnknownTokenError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'UnknownTokenError';
  constructor(token: string) {
    super(
      'E_UNKNOWN_TOKEN',
      `Token ${JSON.stringify(token)} is not in the vocabulary, which has no unknown token. Build the vocabulary with an \`unkToken\` (the default is "<unk>").`,
    );
  }
}

/** A scaler or tokenizer was used before it was fitted. */
export class NotFittedError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'NotFittedError';
  constructor(what: string) {
    super('E_NOT_FITTED', `${what} is not fitted yet: call fit(split.train) first.`);
  }
}

/** The CSV parser reported a malformed file (for example an unclosed quote). */
export class CsvParseError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'CsvParseError';
  /** The file (or "CSV input"), when known. */
  readonly source: string | undefined;
  constructor(message: string, where: DataErrorLocation & { source?: string; fieldIndex?: number }, cause: unknown) {
    const field = where.fieldIndex !== undefined ? `, field ${where.fieldIndex + 1}` : '';
    const at = where.row === undefined && where.column === undefined && where.line !== undefined ? `line ${where.line}` : describeLocation(where);
    super(
      'E_CSV_PARSE',
      `${where.source !== undefined ? `${where.source}: ` : ''}Malformed CSV at ${at}${field}: ${message}. Fix the quoting on that line (a field with a quote must be wholly quoted, with inner quotes doubled).`,
      where,
      { cause },
    );
    this.source = where.source;
  }
}

/**
 * The input is not CSV text: binary data, another encoding (UTF-16, UTF-32), a compressed file,
 * or JSON. The message says what it looks like.
 */
export class NotCsvError extends RecurDataError {
  override name = 'NotCsvError';
  /** What the input looks like ("gzip-compressed data", "UTF-16 text (byte-order mark FF FE)", …). */
  readonly looksLike: string;
  constructor(source: string, looksLike: string, hint: string) {
    super('E_NOT_CSV', `${source} is not UTF-8 CSV text: it looks like ${looksLike}. ${hint}`);
    this.looksLike = looksLike;
  }
}

/** A column has the same value on every row where a spread is needed (a scaler fit, a forecast target). */
export class ZeroVarianceError extends RecurDataError {
  override name = 'ZeroVarianceError';
  constructor(column: string, value: number, rows: number, what: string) {
    super(
      'E_ZERO_VARIANCE',
      `Column ${JSON.stringify(column)} is constant (${value} on all ${rows} rows of ${what}): it has zero variance, so there is nothing to learn or scale. Pick another column, or use more rows.`,
      { column },
    );
  }
}

/** A saved scaler, vocabulary or tokenizer (JSON) is malformed. Names the field and what was expected. */
export class SavedFormatError extends RecurDataError {
  override name = 'SavedFormatError';
  /** The field at fault, e.g. `center[0]`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super('E_INVALID_FORMAT', message);
    this.field = field;
  }
}

/** Human-readable "row 3, column "x" (line 5)". */
export function describeLocation(where: DataErrorLocation): string {
  const parts: string[] = [];
  if (where.row !== undefined) parts.push(`row ${where.row}`);
  if (where.column !== undefined) parts.push(`column ${JSON.stringify(where.column)}`);
  let s = parts.length > 0 ? parts.join(', ') : 'an unknown position';
  if (where.line !== undefined) s += ` (file line ${where.line})`;
  return s;
}

function formatTime(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : `${d.toISOString()} = ${t}`;
}
