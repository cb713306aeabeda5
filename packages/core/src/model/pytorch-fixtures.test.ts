import { toleranceFor } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { TensorScope } from '../nn/parameter.js';
import { lossOnPass } from '../train/losses.js';
import lm from './__fixtures__/gru-lm.json';
import relu from './__fixtures__/rnn-relu-seq2seq-head.json';
import bilstm from './__fixtures__/stacked-bidirectional-lstm-head-lengths.json';
import type { Batch } from './batch.js';
import type { ModelConfigInput } from './config.js';
import { createModel, type StateDict } from './model.js';
import { expectCloseTo } from '../close.test-util.js';

interface Fixture {
  name: string;
  config: Record<string, unknown>;
  T: number;
  B: number;
  lengths: number[] | null;
  loss: string;
  weights: Record<string, { shape: number[]; data: number[] }>;
  inputs: number[];
  targets: number[];
  expected: { output: number[]; hN: number[]; cN: number[] | null; loss: number; grads: Record<string, number[]> };
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, precision: 'float32' | 'float64'): void {
  const { rtol, atol } = toleranceFor(precision);
  expectCloseTo(actual, expected, rtol, atol, what);
}

describe('whole models against PyTorch float64 (nn.LSTM/GRU/RNN + nn.Linear + nn.Embedding, packed sequences)', () => {
  for (const f of [bilstm, lm, relu] as unknown as Fixture[]) {
    for (const precision of ['float64', 'float32'] as const) {
      it(`${f.name} on cpu ${precision}`, async () => {
        const backend = createCpuBackend({ precision });
        const model = createModel(f.config as unknown as ModelConfigInput, { backend });
        model.loadStateDict(f.weights as unknown as StateDict);
        const batch: Batch = { inputs: f.inputs, T: f.T, B: f.B, lengths: f.lengths, targets: f.targets };
        const p = await model.predict(batch);
        if (model.config.kind === 'seq2one' || !f.lengths) close(p.output, f.expected.output, 'output', precision);
        close(p.hN, f.expected.hN, 'hN', precision);
        if (f.expected.cN) close(p.cN as ArrayLike<number>, f.expected.cN, 'cN', precision);
        model.zeroGrad();
        const scope = new TensorScope(backend);
        const pass = model.forwardPass(batch, { training: true });
        const r = lossOnPass(model, scope, pass, batch, f.loss as 'mse', true);
        model.backwardPass(pass, r.grad!);
        close(await backend.read(r.loss), [f.expected.loss], 'loss', precision);
        const grads = await model.gradients();
        for (const [k, v] of Object.entries(f.expected.grads)) close(grads[k]!.data, v, `d${k}`, precision);
        model.disposePass(pass);
        scope.dispose();
        model.dispose();
        expect(backend.memory().liveTensors).toBe(0);
      });
    }
  }
});
