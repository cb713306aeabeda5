import { createCpuBackend } from '@recur/backend-cpu';
import { createModel } from '@recur/core';
import { describe, expect, it } from 'vitest';
import { copyTask } from '../tasks/copy.js';
import { recallTask } from '../tasks/recall.js';
import { scoreOnTask, taskSweep } from './task-training.js';

const backend = createCpuBackend();

describe('task training', () => {
  it('scores copy on the masked recall steps only', async () => {
    // An untrained seq2seq model: its accuracy must be a fraction of the 3·N masked steps.
    const task = copyTask({ n: 4, gap: 2, length: 3, alphabet: 4, seed: 1 });
    const model = createModel({ kind: 'seq2seq', cell: 'gru', inputSize: task.features, hiddenSize: 4, outputSize: task.classes! }, { backend, seed: 0 });
    const acc = await scoreOnTask(model, task);
    expect(Number.isInteger(acc * 12)).toBe(true);
    model.dispose();
  });
  it('a sweep returns one row per (gap, cell) with the chance level; short gaps are learned', async () => {
    const rows = await taskSweep({
      backend,
      cells: ['lstm'],
      gaps: [0, 3],
      hiddenSize: 8,
      iterations: 150,
      evalSize: 256,
      taskAt: (gap) => (seed, n) => recallTask({ n, gap, seed, cues: 3, distractors: 2 }),
      seed: 2,
    });
    expect(rows.map((r) => [r.cell, r.gap, r.metric, r.chance])).toEqual([
      ['lstm', 0, 'accuracy', 1 / 3],
      ['lstm', 3, 'accuracy', 1 / 3],
    ]);
    expect(rows[0]!.score).toBeGreaterThan(0.9);
    expect(backend.memory().liveTensors).toBe(0); // models and optimizer state freed
  });
});
