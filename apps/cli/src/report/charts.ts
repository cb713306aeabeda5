/**
 * The report charts @recur/eval does not draw itself (forecast against actuals, loss curves), as
 * Vega-Lite specs in the same style, rendered with @recur/eval's `renderSvg`.
 */
import { renderSvg } from '@recur/eval';

/** A Vega-Lite spec as renderSvg takes it. */
export type ChartSpec = Parameters<typeof renderSvg>[0];

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One point of a line chart. */
export interface LinePoint {
  /** ISO date or step number. */
  readonly x: string | number;
  readonly y: number;
  readonly series: string;
}

/** Actual values against the model's forecasts over the test period. */
export function forecastChart(points: readonly LinePoint[], options: { title: string; yTitle: string; temporal: boolean }): ChartSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: 640,
    height: 280,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'x', type: options.temporal ? 'temporal' : 'quantitative', title: options.temporal ? 'date' : 'row' },
      y: { field: 'y', type: 'quantitative', title: options.yTitle, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top', labelLimit: 320 } },
      strokeDash: { condition: { test: "datum.series === 'actual'", value: [1, 0] }, value: [4, 2] },
    },
  } as unknown as ChartSpec;
}

/** Training and validation loss per epoch. */
export function lossChart(epochs: readonly { epoch: number; loss: number; valLoss: number | null }[]): ChartSpec {
  const values: { epoch: number; loss: number; split: string }[] = [];
  for (const e of epochs) {
    values.push({ epoch: e.epoch + 1, loss: e.loss, split: 'training' });
    if (e.valLoss !== null && Number.isFinite(e.valLoss)) values.push({ epoch: e.epoch + 1, loss: e.valLoss, split: 'validation' });
  }
  return {
    $schema: SCHEMA,
    title: 'Loss (MSE on scaled values) per epoch',
    width: 420,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { type: 'log' } },
      color: { field: 'split', type: 'nominal', title: null, legend: { orient: 'top' } },
    },
  } as unknown as ChartSpec;
}

/** Render a spec to an SVG string. */
export async function svg(spec: ChartSpec): Promise<string> {
  return renderSvg(spec);
}
