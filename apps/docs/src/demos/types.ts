/**
 * What a demo posts back to the page: charts as Vega-Lite specs (drawn by vega-embed) and a few
 * lines of plain-language summary.
 */

/** One chart of a demo. */
export interface DemoChart {
  /** Stable key (the page keeps one element per key, so a live chart redraws in place). */
  readonly key: string;
  /** A Vega-Lite spec. */
  readonly spec: object;
}

/** A table of results shown under the charts (and read by the browser tests). */
export interface DemoTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** A demo's (partial or final) output. */
export interface DemoOutput {
  readonly charts: readonly DemoChart[];
  /** One sentence per line: what the numbers say. */
  readonly summary: readonly string[];
  /** The one-sentence lesson, computed from the run's own numbers, shown under the chart. */
  readonly lesson?: string;
  /** Results so far, one row per finished run. */
  readonly table?: DemoTable;
}

/** Where a multi-run demo is: run `run` of `runs`, step `step` of at most `steps`, its latest loss. */
export interface DemoProgress {
  readonly run: number;
  readonly runs: number;
  readonly step: number;
  readonly steps: number;
  readonly loss: number | null;
}

/** Reports progress: a status line and, optionally, the output so far and where the runs are. */
export type ProgressFn = (message: string, partial?: DemoOutput, progress?: DemoProgress) => void;

/** Common inputs of every demo. */
export interface DemoContext {
  /** Small sizes and few steps (the browser tests use this). */
  readonly test: boolean;
  readonly onProgress: ProgressFn;
}
