import { it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { recallTask } from './tasks/recall.js';
import { trainOnTask } from './probes/task-training.js';
import { appendFileSync } from 'node:fs';
it('timing', async () => {
  const backend = createCpuBackend();
  const log = (s: string) => appendFileSync('/tmp/eval-helper-rc2.log', s + '\n');
  for (const [cell, gap] of [['lstm', 20], ['lstm', 50], ['rnn-tanh', 50], ['gru', 50], ['rnn-tanh', 100], ['lstm', 100]] as const) {
    const r = await trainOnTask({ cell, backend, hiddenSize: 16, iterations: 1000, forgetBias: 1, task: (seed, n) => recallTask({ n, gap, seed }), seed: 1, stopAt: { loss: 0.05 } });
    log(`recall gap=${gap} ${cell} acc ${r.score.toFixed(3)} it ${r.iterations} ${(r.wallMs / 1000).toFixed(1)}s`);
  }
}, 900_000);
