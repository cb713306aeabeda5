import { createCpuBackend } from '@recur/backend-cpu';
import { createModel, type ModelConfigInput } from '@recur/core';
import { describe, expect, it } from 'vitest';
import { createRng } from '../tasks/rng.js';
import { contextAblation, effectiveContextLength } from './context-ablation.js';
import { gateTraces } from './gate-traces.js';
import { gradientByLag } from './gradient-by-lag.js';
import { referenceForward } from './reference.js';

const backend = createCpuBackend();

function randomInputs(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

describe('gate traces (float64 recomputation from the state_dict)', () => {
  for (const cell of ['lstm', 'gru', 'rnn-tanh'] as const) {
    it(`${cell}: the recomputed h equals the model's own outputs`, async () => {
      const model = createModel({ kind: 'seq2seq', cell, inputSize: 3, hiddenSize: 5, outputSize: null }, { backend, seed: 11 });
      const T = 9;
      const x = randomInputs(T * 3, 1);
      const trace = await gateTraces(model, x, T);
      const pred = await model.predict({ inputs: x, T, B: 1 });
      expect(trace.maxDeviation).toBeLessThan(1e-5);
      for (let i = 0; i < T * 5; i++) expect(trace.gates.h![i]).toBeCloseTo(pred.output[i]!, 5);
      const names = Object.keys(trace.gates).sort();
      expect(names).toEqual(cell === 'lstm' ? ['c', 'f', 'g', 'h', 'i', 'o'] : cell === 'gru' ? ['h', 'n', 'r', 'z'] : ['h']);
      for (const g of ['i', 'f', 'o', 'r', 'z']) {
        const v = trace.gates[g];
        if (v) for (const a of v) expect(a > 0 && a < 1).toBe(true);
      }
      model.dispose();
    });
  }
  it('verifies stacked, bidirectional models with a head, and traces a chosen layer', async () => {
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 4, numLayers: 2, bidirectional: true, outputSize: 3, headActivation: 'tanh' }, { backend, seed: 5 });
    const trace = await gateTraces(model, randomInputs(7 * 2, 2), 7, { layer: 1, direction: 1 });
    expect(trace.layer).toBe(1);
    expect(trace.gates.f).toHaveLength(7 * 4);
    expect(trace.maxDeviation).toBeLessThan(1e-5);
    await expect(gateTraces(model, randomInputs(5, 2), 7)).rejects.toThrow(/T·I/);
    model.dispose();
  });
  it('refuses to trace weights that are not the model (the check can fail)', async () => {
    const model = createModel({ kind: 'seq2seq', cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: null }, { backend, seed: 1 });
    const liar = {
      config: model.config,
      backend: model.backend,
      predict: (b: { inputs: ArrayLike<number>; T: number; B: number }) => model.predict(b),
      stateDict: async () => {
        const sd = await model.stateDict();
        sd['rnn.weight_hh_l0']!.data[0]! += 0.5;
        return sd;
      },
    };
    await expect(gateTraces(liar, randomInputs(12, 3), 6)).rejects.toThrow(/disagrees/);
    model.dispose();
  });
});

describe('gradient norm by lag', () => {
  it('matches centred finite differences of the float64 forward', async () => {
    for (const config of [
      { kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 4, outputSize: 1 },
      { kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, outputSize: 2, headActivation: 'tanh' },
      { kind: 'seq2seq', cell: 'rnn-tanh', inputSize: 2, hiddenSize: 4, outputSize: 1 },
    ] as ModelConfigInput[]) {
      const model = createModel(config, { backend, seed: 3 });
      const T = 6;
      const I = 2;
      const x = randomInputs(T * I, 4); // B = 1
      const O = config.outputSize as number;
      const target = Array.from({ length: O }, (_, o) => 0.3 - 0.2 * o);
      const g = await gradientByLag(model, { inputs: x, T, B: 1 }, { loss: 'mse', targets: target });
      const dict = await model.stateDict();
      const lossAt = (xx: Float64Array): number => {
        const out = referenceForward(dict, model.config, xx, T).output;
        const last = out.subarray(out.length - O);
        return last.reduce((s, v, o) => s + (v - target[o]!) ** 2, 0) / O;
      };
      const eps = 1e-5;
      for (let t = 0; t < T; t++) {
        let s = 0;
        for (let i = 0; i < I; i++) {
          const xp = Float64Array.from(x);
          const xm = Float64Array.from(x);
          xp[t * I + i]! += eps;
          xm[t * I + i]! -= eps;
          s += ((lossAt(xp) - lossAt(xm)) / (2 * eps)) ** 2;
        }
        const fd = Math.sqrt(s);
        expect(Math.abs(g.norms[T - 1 - t]! - fd)).toBeLessThan(1e-4 + 2e-3 * fd);
      }
      model.dispose();
    }
  });
  it('a contracting tanh RNN shows vanishing gradients: the norm falls with the lag', async () => {
    const model = createModel({ kind: 'seq2one', cell: 'rnn-tanh', inputSize: 1, hiddenSize: 8, outputSize: 1 }, { backend, seed: 2 });
    const T = 30;
    const B = 4;
    const live = backend.memory().liveTensors;
    const g = await gradientByLag(model, { inputs: randomInputs(T * B, 8), T, B });
    expect(backend.memory().liveTensors).toBe(live); // every probe tensor disposed
    expect(g.lags).toHaveLength(T);
    expect(g.relative[0]).toBe(1);
    expect(g.norms[29]!).toBeLessThan(1e-3 * g.norms[0]!);
    model.dispose();
  });
});

describe('context ablation', () => {
  it('a predictor that reads only the last 3 steps has effective context 3 (mask and truncate)', async () => {
    const T = 16;
    const B = 8;
    const x = randomInputs(T * B, 5);
    // y_b = mean of the last three inputs; the predictor computes exactly that.
    const lastThree = (inputs: Float32Array, steps: number, b: number) => (inputs[(steps - 1) * B + b]! + inputs[(steps - 2) * B + b]! + inputs[(steps - 3 >= 0 ? steps - 3 : 0) * B + b]!) / 3;
    const targets = Array.from({ length: B }, (_, b) => lastThree(x, T, b) + 0.1);
    const predictor = (inputs: Float32Array, steps: number) => Array.from({ length: B }, (_, b) => (steps >= 3 ? lastThree(inputs, steps, b) : 0));
    const masked = await contextAblation(predictor, { inputs: x, T, B, targets, ks: [1, 2, 3, 4, 8] });
    expect(masked.curve.map((p) => p.k)).toEqual([1, 2, 3, 4, 8, 16]);
    expect(masked.effectiveContext).toBe(3);
    expect(masked.full).toBeCloseTo(0.01, 6);
    const truncated = await contextAblation(predictor, { inputs: x, T, B, targets, ks: [1, 2, 3], mode: 'truncate' });
    expect(truncated.effectiveContext).toBe(3);
  });
  it('a recur RNN whose recurrent weights are zero ignores everything but the last step', async () => {
    const model = createModel({ kind: 'seq2one', cell: 'rnn-tanh', inputSize: 1, hiddenSize: 6, outputSize: 1 }, { backend, seed: 7 });
    const sd = await model.stateDict();
    sd['rnn.weight_hh_l0']!.data.fill(0);
    model.loadStateDict(sd);
    const T = 20;
    const B = 16;
    const x = randomInputs(T * B, 6);
    const targets = Array.from({ length: B }, (_, b) => x[(T - 1) * B + b]! * 0.5);
    const res = await contextAblation(model, { inputs: x, T, B, targets });
    expect(res.effectiveContext).toBe(1);
    // A model with the recurrence intact looks further back.
    const full = createModel({ kind: 'seq2one', cell: 'rnn-tanh', inputSize: 1, hiddenSize: 6, outputSize: 1 }, { backend, seed: 7 });
    const own = (await full.predict({ inputs: x, T, B })).output; // scored against its own full-context output
    const res2 = await contextAblation(full, { inputs: x, T, B, targets: own, absTol: 1e-10 });
    expect(res2.full).toBe(0);
    expect(res2.effectiveContext).toBeGreaterThan(1);
    model.dispose();
    full.dispose();
  });
  it('effective context for higher-is-better scores, and bad grids are refused', async () => {
    expect(effectiveContextLength([{ k: 1, score: 0.25 }, { k: 5, score: 0.97 }, { k: 10, score: 1 }], 1, { higherIsBetter: true, absTol: 0.05 })).toBe(5);
    await expect(contextAblation(() => [0], { inputs: [1, 2], T: 2, B: 1, targets: [0], ks: [0] })).rejects.toThrow(/\[1, T=2\]/);
  });
});
