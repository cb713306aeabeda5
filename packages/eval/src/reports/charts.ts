/**
 * Vega-Lite chart specs for every report recur draws. These are plain JSON objects, so the same
 * spec renders in Node ({@link renderSvg}) and in a browser (vega-embed, or `vega.View` on a DOM
 * element), which is how the docs site draws them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError, ShapeError } from '@recur/backend';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Options common to every chart. */
export interface ChartOptions {
  readonly title?: string;
  /** Plot width in pixels (default 420). */
  readonly width?: number;
  /** Plot height in pixels (default 260). */
  readonly height?: number;
}

function nonEmpty(what: string, rows: readonly unknown[]): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new InvalidArgumentError(what, 'needs at least one data point to draw.');
  }
}

/** One point of a per-horizon curve: a model's error at lead time h. */
export interface HorizonRow {
  readonly horizon: number;
  readonly value: number;
  /** Series name (model or baseline); one line per name. */
  readonly model?: string;
}

/**
 * Error against lead time h = 1..H, one line per model (points on each lead time). Read: a
 * curve that rises with h is a forecast that degrades with distance; a model below the baseline
 * line at every h has skill at every horizon.
 */
export function perHorizonChart(rows: readonly HorizonRow[], options: ChartOptions & { metric?: string } = {}): TopLevelSpec {
  nonEmpty('perHorizonChart: rows', rows);
  const metric = options.metric ?? 'error';
  return {
    $schema: SCHEMA,
    title: options.title ?? `${metric} by forecast horizon`,
    width: options.width ?? 420,
    height: options.height ?? 260,
    data: { values: rows.map((r) => ({ ...r, model: r.model ?? 'model' })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'horizon', type: 'quantitative', title: 'horizon (steps ahead)', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: metric },
      color: { field: 'model', type: 'nominal', title: 'model' },
      tooltip: [{ field: 'model' }, { field: 'horizon' }, { field: 'value', format: '.4g' }],
    },
  } as TopLevelSpec;
}

/** One point of a context-ablation curve. */
export interface AblationRow {
  /** Steps of context the model saw. */
  readonly k: number;
  readonly error: number;
  /** Series name, one line per model. */
  readonly model?: string;
}

/**
 * Error against visible context k, with a dashed rule at the full-context error and, when given,
 * a vertical rule at the effective context length. Read: where the curve meets the full-context
 * line is how far back the model actually looks.
 */
export function ablationChart(
  rows: readonly AblationRow[],
  options: ChartOptions & {
    fullError?: number;
    effectiveContext?: number | null;
    metric?: string;
    /** A dotted horizontal rule at the chance level, labelled. */
    chance?: number;
    /** A labelled vertical rule at k (e.g. where the word that decides the answer becomes visible). */
    marker?: { k: number; label: string };
    /** x axis title (default `context length k (steps visible)`). */
    xTitle?: string;
  } = {},
): TopLevelSpec {
  nonEmpty('ablationChart: rows', rows);
  const metric = options.metric ?? 'error';
  const layers: object[] = [
    {
      data: { values: rows.map((r) => ({ ...r, model: r.model ?? 'model' })) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'k', type: 'quantitative', title: options.xTitle ?? 'context length k (steps visible)' },
        y: { field: 'error', type: 'quantitative', title: metric },
        color: { field: 'model', type: 'nominal', title: 'model' },
        tooltip: [{ field: 'model' }, { field: 'k' }, { field: 'error', format: '.4g' }],
      },
    },
  ];
  if (options.fullError !== undefined) {
    layers.push({
      data: { values: [{ y: options.fullError, label: 'full context' }] },
      mark: { type: 'rule', strokeDash: [6, 4], color: 'gray' },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    });
  }
  if (options.chance !== undefined) {
    layers.push({
      data: { values: [{ y: options.chance, label: `chance ${options.chance.toPrecision(3)}` }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [2, 3], color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'left', x: 4, dy: -6, color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } } },
      ],
    });
  }
  if (options.marker) {
    layers.push({
      data: { values: [{ x: options.marker.k, label: options.marker.label }] },
      layer: [
        { mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 3] }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'right', dx: -4, dy: 4, color: 'firebrick' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 12 }, text: { field: 'label' } },
        },
      ],
    });
  }
  if (options.effectiveContext != null) {
    layers.push({
      data: { values: [{ x: options.effectiveContext, label: `effective context = ${options.effectiveContext}` }] },
      layer: [
        { mark: { type: 'rule', color: 'firebrick' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -4, color: 'firebrick' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 12 }, text: { field: 'label' } },
        },
      ],
    });
  }
  return {
    $schema: SCHEMA,
    title: options.title ?? `${metric} vs visible context`,
    width: options.width ?? 420,
    height: options.height ?? 260,
    layer: layers,
  } as TopLevelSpec;
}

/** ‖∂L/∂x_{t−k}‖ at lag k for one cell kind. */
export interface GradientLagRow {
  readonly lag: number;
  readonly norm: number;
  /** Cell kind (or model name); one line each. */
  readonly cell: string;
}

/**
 * Gradient norm against lag on a log scale, one line per cell kind. Read: a straight falling
 * line is exponential vanishing (its slope is the decay rate per step); a flat line is a path
 * that carries the gradient back unchanged (the LSTM's cell state).
 */
export function gradientByLagChart(rows: readonly GradientLagRow[], options: ChartOptions & { xTitle?: string } = {}): TopLevelSpec {
  nonEmpty('gradientByLagChart: rows', rows);
  // A log scale cannot show 0: floor exact zeros at the smallest positive norm / 10, marked as such.
  const positive = rows.filter((r) => r.norm > 0).map((r) => r.norm);
  const floor = positive.length > 0 ? Math.min(...positive) / 10 : 1e-30;
  return {
    $schema: SCHEMA,
    title: options.title ?? '‖∂L/∂x(t−k)‖ by lag k',
    width: options.width ?? 420,
    height: options.height ?? 260,
    data: { values: rows.map((r) => ({ ...r, plotted: r.norm > 0 ? r.norm : floor, zero: r.norm <= 0 })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'lag', type: 'quantitative', title: options.xTitle ?? 'lag k (steps before the loss)' },
      y: { field: 'plotted', type: 'quantitative', title: 'gradient norm (log)', scale: { type: 'log' } },
      color: { field: 'cell', type: 'nominal', title: 'cell' },
      tooltip: [{ field: 'cell' }, { field: 'lag' }, { field: 'norm', format: '.3e' }],
    },
  } as TopLevelSpec;
}

/** Gate activations for a heatmap: gate name → row-major [T, H] values in [0, 1] (or [−1, 1] for g/n/c). */
export interface GateHeatmapInput {
  readonly steps: number;
  readonly hidden: number;
  readonly gates: Readonly<Record<string, Float64Array | Float32Array | readonly number[]>>;
}

/**
 * One heatmap per gate (columns of a facet): time on x, hidden unit on y, colour the activation.
 * Read: a forget-gate row near 1 across time is a unit that holds its memory; an input gate that
 * lights up only at the marked steps is a unit that writes on cue.
 */
export function gateHeatmapChart(input: GateHeatmapInput, options: ChartOptions & { columns?: number } = {}): TopLevelSpec {
  const { steps, hidden, gates } = input;
  const names = Object.keys(gates);
  if (names.length === 0) throw new InvalidArgumentError('gateHeatmapChart: gates', 'needs at least one gate trace.');
  const values: { gate: string; t: number; unit: number; value: number }[] = [];
  for (const name of names) {
    const trace = gates[name]!;
    if (trace.length !== steps * hidden) throw new ShapeError(`gateHeatmapChart: gates.${name}`, [steps, hidden], `${trace.length} values`);
    for (let t = 0; t < steps; t++) for (let u = 0; u < hidden; u++) values.push({ gate: name, t, unit: u, value: trace[t * hidden + u] as number });
  }
  const cell = Math.max(2, Math.min(14, Math.floor(360 / Math.max(steps, 1))));
  return {
    $schema: SCHEMA,
    title: options.title ?? 'gate activations',
    data: { values },
    facet: { field: 'gate', type: 'nominal', title: null, sort: names },
    columns: options.columns ?? Math.min(names.length, 3),
    spec: {
      width: options.width ?? cell * steps,
      height: options.height ?? Math.max(40, Math.min(14, Math.floor(240 / Math.max(hidden, 1))) * hidden),
      mark: 'rect',
      encoding: {
        x: { field: 't', type: 'ordinal', title: 'step t', axis: { labelOverlap: true, values: tickValues(steps) } },
        y: { field: 'unit', type: 'ordinal', title: 'hidden unit', axis: { labelOverlap: true, values: tickValues(hidden) } },
        color: { field: 'value', type: 'quantitative', title: 'activation', scale: { scheme: 'viridis' } },
        tooltip: [{ field: 'gate' }, { field: 't' }, { field: 'unit' }, { field: 'value', format: '.3f' }],
      },
    },
    // Each gate gets its own colour scale and legend: gates live in [0, 1], g/n/h in [−1, 1], c is unbounded.
    resolve: { scale: { x: 'independent', y: 'independent', color: 'independent' } },
  } as TopLevelSpec;
}

/** About ten evenly spaced tick values over 0..n−1. */
function tickValues(n: number): number[] {
  const step = Math.max(1, Math.ceil(n / 10));
  const out: number[] = [];
  for (let v = 0; v < n; v += step) out.push(v);
  return out;
}

/** One point of a task sweep: score of one cell kind at one gap. */
export interface SweepRow {
  readonly gap: number;
  readonly value: number;
  readonly cell: string;
}

/**
 * Task score (MSE or accuracy) against gap length, one line per cell kind, with the chance
 * level as a dashed rule. Read: the gap at which a line reaches the chance rule is the longest
 * dependency that cell learned.
 */
export function taskSweepChart(
  rows: readonly SweepRow[],
  options: ChartOptions & {
    chance?: number;
    metric?: string;
    /** x axis title (default `gap (steps)`). */
    xTitle?: string;
    /** Fixed y range, e.g. [0, 1] for accuracy, so a chart that fills in run by run keeps its scale. */
    yDomain?: readonly [number, number];
    /** Fixed x range. */
    xDomain?: readonly [number, number];
  } = {},
): TopLevelSpec {
  nonEmpty('taskSweepChart: rows', rows);
  const metric = options.metric ?? 'score';
  const layers: object[] = [
    {
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'gap', type: 'quantitative', title: options.xTitle ?? 'gap (steps)', ...(options.xDomain ? { scale: { domain: [...options.xDomain] } } : {}) },
        y: { field: 'value', type: 'quantitative', title: metric, ...(options.yDomain ? { scale: { domain: [...options.yDomain] } } : {}) },
        color: { field: 'cell', type: 'nominal', title: 'cell' },
        // Dashes and point shapes too, so lines that coincide (two cells at 100 %) both stay visible.
        strokeDash: { field: 'cell', type: 'nominal', title: 'cell', scale: { range: [[6, 4], [1, 0], [2, 2], [8, 3, 2, 3]] } },
        shape: { field: 'cell', type: 'nominal', title: 'cell' },
        tooltip: [{ field: 'cell' }, { field: 'gap' }, { field: 'value', format: '.4g' }],
      },
    },
  ];
  if (options.chance !== undefined) {
    layers.push({
      data: { values: [{ y: options.chance, label: 'chance' }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [6, 4], color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'left', dx: 4, dy: -5, color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } } },
      ],
    });
  }
  return {
    $schema: SCHEMA,
    title: options.title ?? `${metric} vs gap`,
    width: options.width ?? 420,
    height: options.height ?? 260,
    layer: layers,
  } as TopLevelSpec;
}
