// CI-sized version of the experiment: the adding problem at T = 30 with a fixed seed. The LSTM
// must beat the tanh RNN and get far below the 1/6 chance MSE; the RNN must stay near chance.
import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { formatTable, runLongRange } from './experiment.js';

describe('long-range (scaled down)', () => {
  it('LSTM solves the adding problem at T = 30; the tanh RNN stays near chance', async () => {
    const { rows } = await runLongRange({
      backend: createCpuBackend(),
      cells: ['rnn-tanh', 'lstm'],
      addingSteps: 30,
      addingIterations: 600,
      recallGaps: [],
      hiddenSize: 12,
      seed: 1,
    });
    const rnn = rows.find((r) => r.cell === 'rnn-tanh')!;
    const lstm = rows.find((r) => r.cell === 'lstm')!;
    expect(lstm.score).toBeLessThan(rnn.score);
    expect(lstm.score).toBeLessThan(0.05); // chance is 0.167
    expect(rnn.score).toBeGreaterThan(0.1);
    expect(formatTable(rows)).toMatch(/lstm .* solved/);
  });
});
