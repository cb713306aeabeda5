// CI-sized version of the experiment: the adding problem at T = 30 with a fixed seed. The LSTM
// must beat the tanh RNN tenfold and get far below the 1/6 chance MSE; the RNN stays near chance.
import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { formatTable, runLongRange, verdict } from './experiment.js';

describe('long-range (scaled down)', () => {
  it('LSTM solves the adding problem at T = 30; the tanh RNN stays near chance', async () => {
    const { rows } = await runLongRange({
      backend: createCpuBackend(),
      cells: ['rnn-tanh', 'lstm'],
      addingSteps: 30,
      addingIterations: 1000,
      recallGaps: [],
      hiddenSize: 12,
      seed: 1,
    });
    console.log(formatTable(rows));
    const rnn = rows.find((r) => r.cell === 'rnn-tanh')!;
    const lstm = rows.find((r) => r.cell === 'lstm')!;
    expect(lstm.score).toBeLessThan(rnn.score / 10);
    expect(verdict(lstm)).toBe('solved'); // MSE ≤ 0.1 × 0.167
    expect(rnn.score).toBeGreaterThan(0.1); // the RNN stays close to the 0.167 of predicting 1
    expect(formatTable(rows)).toMatch(/lstm .* solved/);
  });
});
