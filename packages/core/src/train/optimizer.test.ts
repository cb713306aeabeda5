import { InvalidArgumentError } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { createModel, type StateDict } from '../model/model.js';
import fixture from './__fixtures__/training.json';
import { Optimizer, type OptimizerConfig } from './optimizer.js';
import { trainStep } from './train-step.js';
import type { LossConfig } from './losses.js';
import { expectCloseTo } from '../close.test-util.js';

type Run = (typeof fixture.runs)[number];


describe('optimizers, losses and clipping against PyTorch float64 trajectories', () => {
  for (const run of fixture.runs as Run[]) {
    it(run.name, async () => {
      const backend = createCpuBackend({ precision: 'float64' });
      const model = createModel(fixture.config as never, { backend });
      model.loadStateDict(fixture.weights as unknown as StateDict);
      const opt = new Optimizer(model, run.optimizer as OptimizerConfig);
      const loss: LossConfig = { kind: run.loss.kind as 'mse', delta: run.loss.delta };
      for (let s = 0; s < fixture.batches.length; s++) {
        const b = fixture.batches[s] as { inputs: number[]; targets: number[] };
        const r = await trainStep(model, opt, { inputs: b.inputs, targets: b.targets, T: fixture.T, B: fixture.B }, { loss, clipNorm: run.clipNorm, clipValue: run.clipValue });
        expectCloseTo([r.loss], [run.losses[s] as number], 1e-9, 1e-12, `${run.name} loss@${s}`);
        expectCloseTo([r.gradNorm], [run.gradNorms[s] as number], 1e-9, 1e-12, `${run.name} gradNorm@${s}`);
      }
      const w = await model.parameterValues();
      for (const [k, v] of Object.entries(run.finalWeights)) expectCloseTo(w[k]?.data as Float64Array, v, 1e-8, 1e-10, `${run.name} ${k}`);
      expect(opt.stepCount).toBe(3);
    });
  }

  it('rejects bad hyper-parameters', () => {
    const model = createModel(fixture.config as never, { backend: createCpuBackend() });
    expect(() => new Optimizer(model, { kind: 'adam', lr: -1 })).toThrow(InvalidArgumentError);
    expect(() => new Optimizer(model, { kind: 'sgd', lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new Optimizer(model, { kind: 'adam', lr: 0.1, beta1: 1 })).toThrow(/beta1/);
    expect(() => new Optimizer(model, { kind: 'lbfgs' as never, lr: 0.1 })).toThrow(/optimizer\.kind/);
  });

  it('state round-trips through stateDict/loadStateDict', async () => {
    const backend = createCpuBackend();
    const model = createModel(fixture.config as never, { backend });
    const opt = new Optimizer(model, { kind: 'adam', lr: 0.01 });
    const b = fixture.batches[0] as { inputs: number[]; targets: number[] };
    await trainStep(model, opt, { inputs: b.inputs, targets: b.targets, T: fixture.T, B: fixture.B }, { loss: 'mse' });
    const st = await opt.stateDict();
    expect(Object.keys(st.buffers)).toHaveLength(2 * model.parameters().length);
    const opt2 = new Optimizer(model, { kind: 'adam', lr: 0.01 });
    opt2.loadStateDict(st);
    expect(await opt2.stateDict()).toEqual(st);
    expect(() => new Optimizer(model, { kind: 'sgd', lr: 0.1 }).loadStateDict(st)).toThrow(/saved by 'adam'/);
  });
});
