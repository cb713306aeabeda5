// CI-sized word-level experiment: "The <subject> … 27 Moby-Dick words … finally finished her ___"
// (a 30-word gap) with a small vocabulary and a fixed seed, on the WASM backend. The LSTM must
// name the object of held-out sentences ≥ 90 % of the time, the tanh RNN must stay near the 1/8
// chance level, and hiding the subject (only the last k ≤ 30 words visible) must put the LSTM
// back at chance.
import { createWasmBackend } from '@recur/backend-wasm';
import { loadDataset } from '@recur/datasets';
import { describe, expect, it } from 'vitest';
import { formatWordGapTable, runWordGap } from './word-gap.js';

describe('word-level long gap (scaled down)', () => {
  it('LSTM bridges a 30-word gap; the tanh RNN stays near chance; the ablation steps at k = gap + 1', async () => {
    const backend = await createWasmBackend();
    const gap = 30;
    const { rows } = await runWordGap({
      backend,
      text: await loadDataset('moby-dick'),
      cells: ['rnn-tanh', 'lstm'],
      gaps: [gap],
      fillerVocabulary: 128,
      iterations: 400,
      evalSize: 256,
      seed: 1,
    });
    backend.destroy();
    console.log(formatWordGapTable(rows));
    const rnn = rows.find((r) => r.cell === 'rnn-tanh')!;
    const lstm = rows.find((r) => r.cell === 'lstm')!;
    const chance = lstm.chance;
    expect(chance).toBe(1 / 8);
    // Near chance: within 0.1 of 1/8 (256 held-out sentences: one standard error is about 0.02).
    const near = (v: number) => Math.abs(v - chance) <= 0.1;
    expect(lstm.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(near(rnn.accuracy), `tanh RNN ${rnn.accuracy}`).toBe(true);
    // The LSTM's ablation: at chance while the subject is hidden, its full accuracy once visible.
    for (const p of lstm.probes.ablation.curve) {
      if (p.k <= gap) expect(near(p.score), `LSTM with the last ${p.k} words: ${p.score}`).toBe(true);
      else expect(p.score, `LSTM with the last ${p.k} words`).toBeGreaterThanOrEqual(0.9);
    }
    expect(lstm.probes.ablation.curve.map((p) => p.k)).toEqual(Array.from({ length: gap + 2 }, (_, i) => i + 1));
    // Gradient by lag: the tanh RNN's reaches the subject many orders of magnitude weaker than the LSTM's.
    const atSubject = (g: number[]) => g[gap]!; // distance gap + 1 from the blank
    expect(atSubject(rnn.probes.gradient)).toBeLessThan(atSubject(lstm.probes.gradient) * 1e-3);
  });
});
