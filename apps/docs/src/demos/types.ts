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

/** A demo's (partial or final) output. */
export interface DemoOutput {
  readonly charts: readonly DemoChart[];
  /** One sentence per line: what the numbers say. */
  readonly summary: readonly string[];
}

/** Reports progress: a status line and, optionally, charts drawn so far. */
export type ProgressFn = (message: string, partial?: DemoOutput) => void;

/** Common inputs of every demo. */
export interface DemoContext {
  /** Small sizes and few steps (the browser tests use this). */
  readonly test: boolean;
  readonly onProgress: ProgressFn;
}
