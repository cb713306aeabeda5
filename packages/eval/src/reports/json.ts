/** JSON reports: a stable envelope around any result, safe for typed arrays and non-finite numbers. */

/** The envelope every JSON report has. */
export interface JsonReport<T> {
  /** Report kind, e.g. `backtest`, `context-ablation`. */
  readonly kind: string;
  /** Version of this envelope's layout. */
  readonly version: 1;
  /** ISO time the report was made. */
  readonly createdAt: string;
  readonly result: T;
}

/**
 * Serialises a result as a JSON report. Typed arrays become plain arrays; NaN and ±Infinity
 * (which JSON cannot hold) become the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 */
export function toJsonReport<T>(kind: string, result: T, options: { indent?: number; now?: Date } = {}): string {
  const report: JsonReport<T> = { kind, version: 1, createdAt: (options.now ?? new Date()).toISOString(), result };
  return JSON.stringify(
    report,
    (_key, value: unknown) => {
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, fixNumber);
      if (typeof value === 'number') return fixNumber(value);
      return value;
    },
    options.indent ?? 2,
  );
}

function fixNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}
