import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { loadCo2Concentration, loadDataset } from '@recur/datasets';
import { wordsOf } from '@recur/eval';
import { runDemo, type DemoMessage } from '../run-demo.js';
import { runForecast, type SeriesJson } from './forecast.js';
import { runGates, writesOnCue } from './gates.js';
import { recallLesson, runRecall } from './recall.js';
import { runTelephone } from './telephone.js';
import type { DemoContext, DemoProgress } from './types.js';

const ctx: DemoContext = { test: true, onProgress: () => {} };

describe('demos (CPU, test sizes)', () => {
  it('telephone: one gradient norm per lag and cell, an LSTM with forget bias 1 carrying it further than the RNN', async () => {
    const backend = createCpuBackend();
    const out = await runTelephone(backend, ctx, { steps: 30, hidden: 16, batch: 4, seed: 1 });
    const values = (out.charts[0]!.spec as { data: { values: { cell: string; lag: number; norm: number }[] } }).data.values;
    expect(values).toHaveLength(4 * 30);
    const at = (cell: string, lag: number) => values.find((v) => v.cell === cell && v.lag === lag)!.norm;
    for (const v of values) expect(Number.isFinite(v.norm)).toBe(true);
    expect(at('RNN (tanh)', 29) / at('RNN (tanh)', 0)).toBeLessThan(at('LSTM, forget bias 1', 29) / at('LSTM, forget bias 1', 0));
    expect(out.summary).toHaveLength(4);
    backend.destroy();
  });

  it('gates: traces f, i, o for every step and unit', async () => {
    const backend = createCpuBackend();
    const out = await runGates(backend, ctx);
    const heat = out.charts.find((c) => c.key === 'gates')!.spec as { data: { values: { gate: string; value: number }[] } };
    expect(new Set(heat.data.values.map((v) => v.gate))).toEqual(new Set(['forget gate f', 'input gate i', 'output gate o']));
    expect(heat.data.values).toHaveLength(3 * 10 * 4);
    for (const v of heat.data.values) expect(v.value).toBeGreaterThanOrEqual(0);
    backend.destroy();
  });

  it('writesOnCue names the unit whose input gate opens at the marked steps', () => {
    // T = 4, H = 2: unit 1 opens at t = 1 and 3 only.
    const i = [0.5, 0.1, 0.5, 0.9, 0.5, 0.1, 0.5, 0.95];
    expect(writesOnCue(i, 4, 2, [1, 3])[0]).toMatch(/^Unit 1's input gate is 0\.93 at the marked steps and 0\.10 elsewhere/);
    expect(writesOnCue([0.5, 0.5, 0.5, 0.5], 4, 1, [1])[0]).toMatch(/train longer/);
  });

  it('recall: one accuracy per cell and gap, in [0, 1], reported run by run with progress', async () => {
    const backend = createCpuBackend();
    const text = wordsOf(await loadDataset('moby-dick')).slice(0, 40_000).join(' ');
    const partial: number[] = [];
    const progress: DemoProgress[] = [];
    const out = await runRecall(backend, { name: 'moby-dick', words: 40_000, text }, {
      test: true,
      onProgress: (_m, o, p) => {
        if (o) partial.push(o.table!.rows.length);
        if (p) progress.push(p);
      },
    });
    const rows = (out.charts[0]!.spec as { layer: { data: { values: { value: number }[] } }[] }).layer[0]!.data.values;
    expect(rows).toHaveLength(6);
    for (const r of rows) expect(r.value >= 0 && r.value <= 1).toBe(true);
    expect(partial).toEqual([1, 2, 3, 4, 5, 6]); // the chart fills in as each run ends
    expect(progress.at(-1)).toMatchObject({ run: 6, runs: 6 });
    expect(out.table!.rows).toHaveLength(6);
    expect(out.summary[0]).toMatch(/^A held-out sentence at a 12-word gap: “the \w+ .* finally finished her ___” → \w+\.$/);
    expect(out.lesson).toBeTruthy();
    backend.destroy();
  });

  it('recall lesson: computed from the numbers', () => {
    const row = (gap: number, cell: 'rnn-tanh' | 'lstm' | 'gru', accuracy: number) => ({ gap, cell, label: cell, accuracy, steps: 100, seconds: 1 });
    const good = [row(8, 'rnn-tanh', 1), row(8, 'lstm', 1), row(8, 'gru', 1), row(32, 'rnn-tanh', 0.13), row(32, 'lstm', 0.99), row(32, 'gru', 0.97)];
    expect(recallLesson(good, 0.125)).toBe(
      'The tanh RNN was down to 13 % (chance 12.5 %) by a 32-word gap, while the LSTM (99 %) and the GRU (97 %) still named the object at a 32-word gap: their gates carry the subject across the sentence, the plain RNN\'s state forgets it.',
    );
    const mixed = [...good.slice(0, 3), row(32, 'rnn-tanh', 0.12), row(32, 'lstm', 0.95), row(32, 'gru', 0.4)];
    expect(recallLesson(mixed, 0.125)).toBe(
      'The tanh RNN was down to 12 % (chance 12.5 %) by a 32-word gap, while the LSTM (95 %) still named the object at a 32-word gap: the LSTM\'s gates carry the subject across the sentence, the plain RNN\'s state forgets it.',
    );
    const bad = [row(8, 'rnn-tanh', 0.5), row(8, 'lstm', 0.95), row(8, 'gru', 0.2)];
    expect(recallLesson(bad, 0.125)).toBe('Longest gap recalled with ≥ 90 % accuracy (chance 12.5 %), of the gaps run so far (up to 8 words): RNN (tanh) none, LSTM 8 words, GRU none.');
    expect(recallLesson([], 0.125)).toMatch(/No run/);
  });

  it('forecast: trains on CO2 and scores every lead time against the baselines', async () => {
    const series = await loadCo2Concentration();
    const data: SeriesJson = {
      name: 'co2-concentration', column: 'CO2', unit: 'ppm', seasonalPeriod: 12,
      timestamps: [...series.timestamps!], values: [...series.column('CO2')],
    };
    const backend = createCpuBackend();
    const progress: string[] = [];
    const out = await runForecast(backend, data, { test: true, onProgress: (m) => progress.push(m) });
    expect(progress.filter((m) => m.startsWith('epoch'))).toHaveLength(2);
    expect(out.charts.map((c) => c.key)).toEqual(['loss', 'forecast', 'horizon']);
    const horizon = (out.charts[2]!.spec as { layer?: unknown; data?: { values: { value: number }[] } });
    expect(JSON.stringify(horizon)).toContain('seasonal naive');
    // Seasonal naive on CO2 is a strong baseline: its MAE is a few ppm at most.
    expect(out.summary[0]).toMatch(/seasonal naive \d\.\d{3}/);
    backend.destroy();
  });

  it('runDemo reports an unknown demo as an error message, not a throw', async () => {
    const messages: DemoMessage[] = [];
    await runDemo({ id: 1, demo: 'nope' as 'telephone', backend: 'cpu', test: true }, {}, (m) => messages.push(m));
    expect(messages.at(-1)).toMatchObject({ type: 'error' });
    expect((messages.at(-1) as { message: string }).message).toMatch(/unknown demo "nope"/);
  });
});
