import { describe, expect, it } from 'vitest';
import { RecurError } from '@recur/backend';
import { ablationChart, gateHeatmapChart, gradientByLagChart, perHorizonChart, taskSweepChart } from './charts.js';
import { toJsonReport } from './json.js';
import { renderSvg } from './render.js';

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe('charts render to SVG in Node', () => {
  it('per-horizon error: one line per model, points, axis titles', async () => {
    const rows = [1, 2, 3, 4].flatMap((h) => [
      { horizon: h, value: 0.1 * h, model: 'lstm' },
      { horizon: h, value: 0.3, model: 'persistence' },
    ]);
    const svg = await renderSvg(perHorizonChart(rows, { metric: 'MAE' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('horizon (steps ahead)');
    expect(svg).toContain('MAE by forecast horizon');
    expect(svg).toContain('persistence');
    expect(count(svg, /aria-roledescription="line mark"/g)).toBe(2); // two lines
    expect(count(svg, /aria-roledescription="point"/g)).toBe(8); // a point per (model, horizon)
  });
  it('ablation curve with a chance rule, a labelled marker and an x title (the word-gap charts)', async () => {
    const rows = [1, 10, 30, 31, 32].flatMap((k) => [{ k, error: k > 30 ? 1 : 0.125, model: 'lstm' }]);
    const svg = await renderSvg(ablationChart(rows, { chance: 0.125, marker: { k: 31, label: 'subject visible from k = 31' }, xTitle: 'last k words visible', metric: 'accuracy' }));
    expect(svg).toContain('chance 0.125');
    expect(svg).toContain('subject visible from k = 31');
    expect(svg).toContain('last k words visible');
  });
  it('task sweep: fixed axis ranges and an x title; coinciding lines get different dashes', async () => {
    const rows = [8, 64].flatMap((gap) => [{ gap, value: 1, cell: 'GRU' }, { gap, value: 1, cell: 'LSTM' }]);
    const spec = taskSweepChart(rows, { xTitle: 'gap (words)', yDomain: [0, 1], xDomain: [0, 64] }) as unknown as { layer: { encoding: Record<string, { scale?: { domain?: number[] } }> }[] };
    expect(spec.layer[0]!.encoding.y!.scale!.domain).toEqual([0, 1]);
    expect(spec.layer[0]!.encoding.x!.scale!.domain).toEqual([0, 64]);
    const svg = await renderSvg(spec as never);
    expect(svg).toContain('gap (words)');
    expect(count(svg, /stroke-dasharray="6,4"/g)).toBeGreaterThan(0);
  });
  it('ablation curve with the full-context rule and the effective context label', async () => {
    const svg = await renderSvg(
      ablationChart(
        [1, 2, 4, 8, 16].map((k) => ({ k, error: 1 / k })),
        { fullError: 0.06, effectiveContext: 8 },
      ),
    );
    expect(svg).toContain('effective context = 8');
    expect(svg).toContain('context length k');
    expect(svg).toContain('mark-rule');
  });
  it('gradient norm by lag: log axis, one line per cell, zeros floored', async () => {
    const rows = ['rnn-tanh', 'lstm', 'gru'].flatMap((cell, c) => [0, 1, 2, 3].map((lag) => ({ lag, cell, norm: c === 0 && lag === 3 ? 0 : Math.pow(0.5 + 0.2 * c, lag) })));
    const spec = gradientByLagChart(rows);
    const svg = await renderSvg(spec);
    expect(svg).toContain('gradient norm (log)');
    for (const cell of ['rnn-tanh', 'lstm', 'gru']) expect(svg).toContain(cell);
    expect(count(svg, /aria-roledescription="line mark"/g)).toBe(3);
    expect(svg).toContain('for a log scale');
  });
  it('gate heatmap: one rect per (gate, step, unit)', async () => {
    const T = 5;
    const H = 3;
    const gates = { i: new Float64Array(T * H).fill(0.2), f: new Float64Array(T * H).map((_, j) => j / 15) };
    const svg = await renderSvg(gateHeatmapChart({ steps: T, hidden: H, gates }));
    expect(count(svg, /aria-roledescription="rect mark"/g)).toBe(2 * T * H);
    expect(svg).toContain("Title text 'f'");
    expect(svg).toContain('hidden unit');
    expect(() => gateHeatmapChart({ steps: T, hidden: H, gates: { i: [1, 2] } })).toThrow(/gates\.i/);
  });
  it('task sweep with the chance line', async () => {
    const svg = await renderSvg(taskSweepChart([{ gap: 5, value: 0.9, cell: 'lstm' }, { gap: 10, value: 0.3, cell: 'lstm' }], { chance: 0.25, metric: 'accuracy' }));
    expect(svg).toContain('chance');
    expect(svg).toContain('accuracy vs gap');
  });
  it('empty data is refused; a broken spec is a RecurError', async () => {
    expect(() => perHorizonChart([])).toThrow(/at least one data point/);
    await expect(renderSvg({ mark: 'nope' } as never)).rejects.toBeInstanceOf(RecurError);
  });
});

describe('JSON reports', () => {
  it('typed arrays become arrays, non-finite numbers become strings', () => {
    const text = toJsonReport('probe', { curve: new Float64Array([1, NaN]), inf: -Infinity }, { now: new Date(0) });
    expect(JSON.parse(text)).toEqual({ kind: 'probe', version: 1, createdAt: '1970-01-01T00:00:00.000Z', result: { curve: [1, 'NaN'], inf: '-Infinity' } });
  });
});
