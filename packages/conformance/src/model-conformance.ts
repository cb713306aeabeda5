/**
 * Whole-model conformance: what every backend must do for `@recur/core` models to behave the same
 * everywhere.
 *
 * - forward and backward of complete models (stacked, bidirectional, variable lengths, dense heads,
 *   an embedding language model) against PyTorch float64 fixtures
 *   (`tools/fixtures/generate_models.py`);
 * - streaming: `model.step` through a sequence equals the full forward pass;
 * - switching backends mid-training (`model.to`) continues like a run that never switched;
 * - a short training run on a sine series gets its loss below a threshold.
 *
 * Tolerances come from `toleranceFor(capabilities.precision)`; tests are skipped only by capability
 * (`training`, `variableLength`, `maxHidden`).
 */
import { toleranceFor, type Backend } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { Rng, createModel, fit, type Batch, type Model, type ModelConfigInput, type StateDict } from '@recur/core';
import { describe, expect, it } from 'vitest';
import { assertClose } from './assert-close.js';
import bidirectionalGruLengths from './__fixtures__/models/bidirectional-gru-lengths.json';
import gruLm from './__fixtures__/models/gru-lm.json';
import rnnReluSeq2seqHead from './__fixtures__/models/rnn-relu-seq2seq-head.json';
import rnnTanhHead from './__fixtures__/models/rnn-tanh-head.json';
import stackedBidirectionalLstmHeadLengths from './__fixtures__/models/stacked-bidirectional-lstm-head-lengths.json';
import stackedLstm from './__fixtures__/models/stacked-lstm.json';

/** One whole-model PyTorch fixture. */
export interface ModelFixture {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly T: number;
  readonly B: number;
  readonly lengths: number[] | null;
  readonly loss: string;
  readonly weights: Record<string, { shape: number[]; data: number[] }>;
  readonly inputs: number[];
  readonly targets: number[];
  readonly expected: {
    readonly output: number[];
    readonly hN: number[];
    readonly cN: number[] | null;
    readonly loss: number;
    readonly grads: Record<string, number[]>;
  };
}

/** The bundled whole-model fixtures. */
export const MODEL_FIXTURES: readonly ModelFixture[] = [
  stackedLstm,
  bidirectionalGruLengths,
  rnnTanhHead,
  stackedBidirectionalLstmHeadLengths,
  rnnReluSeq2seqHead,
  gruLm,
] as unknown as ModelFixture[];

/** Options of {@link describeModelConformance}. */
export interface ModelConformanceOptions {
  /** Shown in the test names. */
  readonly name: string;
  /** Makes a fresh backend instance (called several times). */
  readonly create: () => Backend | Promise<Backend>;
}

function fixtureConfig(f: ModelFixture): ModelConfigInput {
  return f.config as unknown as ModelConfigInput;
}

/** Loss on the backend for a pass, read back, plus gradients. */
async function lossAndGrads(model: Model, batch: Batch, loss: string): Promise<{ loss: number; grads: Record<string, ArrayLike<number>> }> {
  const { lossOnPass, TensorScope } = await import('@recur/core');
  const backend = model.backend;
  model.zeroGrad();
  const scope = new TensorScope(backend);
  const pass = model.forwardPass(batch, { training: true });
  try {
    const r = lossOnPass(model, scope, pass, batch, loss as 'mse', true);
    model.backwardPass(pass, r.grad!);
    const value = (await backend.read(r.loss))[0] as number;
    const grads: Record<string, ArrayLike<number>> = {};
    for (const [k, v] of Object.entries(await model.gradients())) grads[k] = v.data;
    return { loss: value, grads };
  } finally {
    model.disposePass(pass);
    scope.dispose();
  }
}

function sineWindows(n: number, T: number, B: number, seed: number): Batch[] {
  const rng = new Rng(seed);
  const series = Array.from({ length: n * B + T + 1 }, (_, i) => Math.sin(i * 0.35) + 0.05 * rng.normal());
  const out: Batch[] = [];
  for (let k = 0; k < n; k++) {
    const inputs = new Float32Array(T * B);
    const targets = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) inputs[t * B + b] = series[k * B + b + t] as number;
      targets[b] = series[k * B + b + T] as number;
    }
    out.push({ inputs, targets, T, B });
  }
  return out;
}

/** Register the whole-model conformance tests for one backend. */
export function describeModelConformance(options: ModelConformanceOptions): void {
  describe(`${options.name}: whole-model conformance`, () => {
    describe('models against PyTorch float64 fixtures', () => {
      for (const f of MODEL_FIXTURES) {
        it(`${f.name}: forward and backward`, async (ctx) => {
          const backend = await options.create();
          const caps = backend.capabilities;
          if (f.lengths && !caps.variableLength) return ctx.skip('backend lacks variableLength');
          if ((f.config.hiddenSize as number) > caps.maxHidden) return ctx.skip('hidden size above maxHidden');
          const tol = toleranceFor(caps.precision);
          const model = createModel(fixtureConfig(f), { backend });
          try {
            model.loadStateDict(f.weights as unknown as StateDict);
            const batch: Batch = { inputs: f.inputs, T: f.T, B: f.B, lengths: f.lengths, targets: f.targets };
            const p = await model.predict(batch);
            // Padding rows of a seq2seq output are zeros in PyTorch (pad_packed_sequence) and in recur
            // before the head; with a head they are head(0), so compare real rows only.
            const real = (arr: ArrayLike<number>): number[] => {
              if (model.config.kind === 'seq2one' || !f.lengths) return Array.from(arr);
              const cols = arr.length / (f.T * f.B);
              const out: number[] = [];
              for (let t = 0; t < f.T; t++) for (let b = 0; b < f.B; b++) for (let c = 0; c < cols; c++) out.push(t < (f.lengths[b] as number) ? (arr[(t * f.B + b) * cols + c] as number) : 0);
              return out;
            };
            assertClose(real(p.output), real(f.expected.output), tol, `${f.name} output`);
            assertClose(p.hN, f.expected.hN, tol, `${f.name} hN`);
            if (f.expected.cN) assertClose(p.cN ?? [], f.expected.cN, tol, `${f.name} cN`);
            if (!caps.training) return;
            const g = await lossAndGrads(model, batch, f.loss);
            assertClose([g.loss], [f.expected.loss], tol, `${f.name} loss`);
            for (const [name, expected] of Object.entries(f.expected.grads)) assertClose(g.grads[name] ?? [], expected, tol, `${f.name} d${name}`);
          } finally {
            model.dispose();
            backend.destroy();
          }
        });
      }
    });

    describe('streaming', () => {
      for (const cell of ['rnn-tanh', 'lstm', 'gru'] as const) {
        it(`${cell}: model.step through a sequence equals the full forward pass`, async () => {
          const backend = await options.create();
          const tol = toleranceFor(backend.capabilities.precision);
          const rng = new Rng(3);
          const T = 7;
          const B = 3;
          const x = Float32Array.from({ length: T * B * 2 }, () => rng.uniform(-1, 1));
          const model = createModel({ kind: 'seq2seq', cell, inputSize: 2, hiddenSize: 5, numLayers: 2, outputSize: 3 }, { backend, seed: 1 });
          try {
            const full = await model.predict({ inputs: x, T, B });
            const stepped: number[] = [];
            for (let t = 0; t < T; t++) stepped.push(...(await model.step(x.subarray(t * B * 2, (t + 1) * B * 2), B)));
            assertClose(stepped, full.output, tol, `${cell} stepped outputs`);
            assertClose((await model.getState())!.h, full.hN, tol, `${cell} carried state`);
            model.resetState();
            assertClose(await model.step(x.subarray(0, B * 2), B), full.output.subarray(0, B * 3), tol, `${cell} after resetState`);
          } finally {
            model.dispose();
            backend.destroy();
          }
        });
      }
    });

    describe('switching backends mid-training', () => {
      const config: ModelConfigInput = { kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 6, numLayers: 2, outputSize: 1 };
      const data = sineWindows(3, 6, 4, 5);
      async function train(first: Backend, second: Backend | null) {
        const model = createModel(config, { backend: first, seed: 11 });
        const h1 = await fit(model, data, { epochs: 2, optimizer: { kind: 'adam', lr: 0.01 } });
        if (second) await model.to(second);
        const h2 = await fit(model, data, { epochs: 2, optimizer: h1.optimizer });
        const weights = await model.parameterValues();
        h1.optimizer.dispose();
        model.dispose();
        return { losses: [...h1.steps, ...h2.steps].map((s) => s.loss), weights };
      }

      it('train → model.to(cpu float64) → train equals a run that never switched', async (ctx) => {
        const backend = await options.create();
        if (!backend.capabilities.training) return ctx.skip('backend lacks training');
        const tol = toleranceFor(backend.capabilities.precision);
        const ref = await train(backend, null);
        const switched = await train(await options.create(), createCpuBackend({ precision: 'float64' }));
        // Held to the kernel tolerance itself, over the whole 12-step Adam trajectory.
        assertClose(switched.losses, ref.losses, tol, 'losses after switching to cpu float64');
        for (const [k, v] of Object.entries(ref.weights)) assertClose(switched.weights[k]!.data, v.data, tol, `weights ${k} after switching`);
      });

      it('train on cpu → model.to(this backend) → train equals a run that stayed on cpu', async (ctx) => {
        const backend = await options.create();
        if (!backend.capabilities.training) return ctx.skip('backend lacks training');
        const tol = toleranceFor(backend.capabilities.precision);
        const ref = await train(createCpuBackend({ precision: 'float64' }), null);
        const switched = await train(createCpuBackend({ precision: 'float64' }), backend);
        assertClose(switched.losses, ref.losses, tol, 'losses after switching from cpu');
        expect(backend.memory().liveTensors).toBe(0);
      });

      it('train → model.to(another instance) → train continues', async (ctx) => {
        const a = await options.create();
        if (!a.capabilities.training) return ctx.skip('backend lacks training');
        const tol = toleranceFor(a.capabilities.precision);
        const ref = await train(await options.create(), null);
        const switched = await train(a, await options.create());
        assertClose(switched.losses, ref.losses, tol, 'losses after switching instances');
        expect(a.memory().liveTensors).toBe(0);
      });
    });

    it('a short training run on a sine series gets the loss below 0.02', async (ctx) => {
      const backend = await options.create();
      if (!backend.capabilities.training) return ctx.skip('backend lacks training');
      const data = sineWindows(10, 10, 8, 7);
      const model = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 8, outputSize: 1 }, { backend, seed: 2 });
      try {
        const h = await fit(model, data, { epochs: 15, optimizer: { kind: 'adam', lr: 0.02 }, clipNorm: 1 });
        const first = h.epochs[0]!.loss;
        const last = h.epochs.at(-1)!.loss;
        expect(last).toBeLessThan(0.02);
        expect(last).toBeLessThan(first / 5);
      } finally {
        model.dispose();
        backend.destroy();
      }
    });
  });
}
