import { BackendUnavailableError, registerBackend, resetRegistry, useBackend } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { batchFromSequences, type Batch } from '../model/batch.js';
import { createModel } from '../model/model.js';
import { Rng } from '../random/prng.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';

afterEach(() => resetRegistry());

describe('registry integration', () => {
  it('createModel uses the current backend; to() accepts a registry name', async () => {
    expect(() => createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 2 })).toThrow(BackendUnavailableError);
    registerBackend('cpu', () => createCpuBackend());
    registerBackend('cpu64', () => createCpuBackend({ precision: 'float64' }));
    const cpu = await useBackend('cpu');
    const m = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 2, outputSize: 1 });
    expect(m.backend).toBe(cpu);
    const before = await m.predict({ inputs: [0.5, -0.5], T: 2, B: 1 });
    await m.to('cpu64');
    expect(m.backend.capabilities.precision).toBe('float64');
    const after = await m.predict({ inputs: [0.5, -0.5], T: 2, B: 1 });
    expect(Math.abs((after.output[0] as number) - (before.output[0] as number))).toBeLessThan(1e-6);
    await expect(m.to('nope')).rejects.toThrow(BackendUnavailableError);
  });
});

describe('dropout', () => {
  it('is applied only in training, with seeded masks', async () => {
    const backend = createCpuBackend();
    const cfg = { kind: 'seq2seq', cell: 'lstm', inputSize: 2, hiddenSize: 8, numLayers: 3, dropout: 0.5, outputSize: 1 } as const;
    const batch: Batch = { inputs: Float32Array.from({ length: 5 * 2 * 2 }, (_, i) => Math.sin(i)), T: 5, B: 2 };
    const run = async (seed: number) => {
      const m = createModel(cfg, { backend, seed });
      const evalOut = (await m.predict(batch)).output;
      const pass = m.forwardPass(batch, { training: true });
      const trainOut = await backend.read(pass.output);
      m.disposePass(pass);
      const pass2 = m.forwardPass(batch, { training: true });
      const trainOut2 = await backend.read(pass2.output);
      m.disposePass(pass2);
      return { evalOut, trainOut, trainOut2 };
    };
    const a = await run(1);
    const b = await run(1);
    expect(a.trainOut).not.toEqual(a.evalOut);
    expect(a.trainOut2).not.toEqual(a.trainOut); // fresh masks each pass
    expect(b).toEqual(a); // same seed, same masks
  });
});

describe('language model training', () => {
  it('learns a repeating text; padding changes no loss', async () => {
    const backend = createCpuBackend();
    const text = 'abcabdabcabd'.repeat(4);
    const vocab = [...new Set(text)].sort();
    const ids = [...text].map((c) => vocab.indexOf(c));
    const rng = new Rng(1);
    const seqs: number[][] = [];
    const targets: number[][] = [];
    for (let k = 0; k < 16; k++) {
      const len = 4 + rng.int(8);
      const s = rng.int(ids.length - len - 1);
      seqs.push(ids.slice(s, s + len));
      targets.push(ids.slice(s + 1, s + len + 1));
    }
    const batches: Batch[] = [];
    for (let k = 0; k < 16; k += 4) {
      const part = seqs.slice(k, k + 4);
      const b = batchFromSequences(part);
      const t = new Float32Array(b.T * b.B);
      part.forEach((_, bi) => (targets[k + bi] as number[]).forEach((v, ti) => (t[ti * b.B + bi] = v)));
      batches.push({ ...b, targets: t });
    }
    const model = createModel({ kind: 'lm', cell: 'gru', hiddenSize: 16, vocabSize: vocab.length, embeddingDim: 8 }, { backend, seed: 1 });
    // Padding invariance of the loss: the padded batch's mean equals the step-weighted mean of its sequences.
    const single = (k: number): Batch => ({ inputs: seqs[k] as number[], targets: targets[k] as number[], T: (seqs[k] as number[]).length, B: 1 });
    const padded = await evaluate(model, [batches[0] as Batch], 'cross-entropy');
    const alone = await evaluate(model, [0, 1, 2, 3].map(single), 'cross-entropy');
    expect(padded).toBeCloseTo(alone, 5);
    const before = await evaluate(model, batches, 'cross-entropy');
    await fit(model, batches, { epochs: 40, optimizer: { kind: 'adam', lr: 0.03 } });
    const after = await evaluate(model, batches, 'cross-entropy');
    expect(after).toBeLessThan(before * 0.4);
    // Greedy generation continues the pattern (after "abcab" comes c or d: both are valid).
    const next = await model.generate([0, 1, 2, 0, 1], { length: 1, temperature: 0 });
    expect([2, 3]).toContain(next[0]);
  });
});
