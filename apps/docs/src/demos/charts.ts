/**
 * Vega-Lite specs the demos draw that @recur/eval has no builder for: a loss curve and a
 * forecast against the actuals.
 */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Options of {@link lossCurveSpec}. */
export interface LossCurveOptions {
  readonly x: string;
  readonly title: string;
  /** A dashed reference level (e.g. the chance MSE). */
  readonly chance?: number;
  /** Extra series key; one line per value. */
  readonly series?: string;
  readonly log?: boolean;
}

/** A loss curve: one point per step or epoch, optionally one line per series. */
export function lossCurveSpec(rows: readonly Record<string, number | string>[], options: LossCurveOptions): object {
  const line = {
    data: { values: rows },
    mark: { type: 'line', point: rows.length <= 40 },
    encoding: {
      x: { field: options.x, type: 'quantitative', title: options.x },
      y: { field: 'loss', type: 'quantitative', title: 'loss', scale: options.log ? { type: 'log' } : { zero: false } },
      ...(options.series ? { color: { field: options.series, type: 'nominal', title: null } } : {}),
      tooltip: [{ field: options.x }, { field: 'loss', format: '.4f' }, ...(options.series ? [{ field: options.series }] : [])],
    },
  };
  const layers: object[] = [line];
  if (options.chance !== undefined) {
    layers.push({
      data: { values: [{ y: options.chance, label: 'no memory' }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [6, 4], color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        { mark: { type: 'text', align: 'right', dy: -6, color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 'width' }, text: { field: 'label' } } },
      ],
    });
  }
  return { $schema: SCHEMA, title: options.title, width: 470, height: 200, layer: layers };
}

/** One point of an actual or forecast line. */
export interface ForecastPoint {
  /** ms since the epoch. */
  readonly time: number;
  readonly value: number;
  /** 'actual', or the name of a forecaster. */
  readonly series: string;
  /** Which forecast window (each is its own line segment); -1 for the actuals. */
  readonly window: number;
}

/** Actuals as a line, each forecast window as its own coloured segment. */
export function forecastSpec(points: readonly ForecastPoint[], options: { title: string; unit: string }): object {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: 470,
    height: 280,
    data: { values: points },
    mark: { type: 'line', strokeWidth: 1.6 },
    encoding: {
      x: { field: 'time', type: 'temporal', title: null },
      y: { field: 'value', type: 'quantitative', title: options.unit, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'horizontal' }, scale: { domain: ['actual', 'LSTM', 'seasonal naive'], range: ['#1f2937', '#e4572e', '#17a2b8'] } },
      strokeDash: { field: 'series', type: 'nominal', legend: null, scale: { domain: ['actual', 'LSTM', 'seasonal naive'], range: [[1, 0], [1, 0], [4, 3]] } },
      detail: { field: 'window', type: 'nominal' },
      tooltip: [{ field: 'series' }, { field: 'time', type: 'temporal', format: '%Y-%m' }, { field: 'value', format: '.2f' }],
    },
  };
}
