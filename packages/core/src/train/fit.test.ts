import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, NonFiniteError, type Backend } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import type { Batch } from '../model/batch.js';
import { createModel, type Model } from '../model/model.js';
import type { ModelConfigInput } from '../model/config.js';
import { Rng } from '../random/prng.js';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, type Checkpoint } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import { fit, type FitOptions } from './fit.js';
import { Optimizer } from './optimizer.js';
import { trainStep } from './train-step.js';

const dir = mkdtempSync(join(tmpdir(), 'recur-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Windows of a noisy sine, as seq2one batches (time-major). */
function sineWindows(n: number, T: number, B: number, seed: number): Batch[] {
  const rng = new Rng(seed);
  const series = Array.from({ length: n * B + T + 1 }, (_, i) => Math.sin(i * 0.3) + 0.05 * rng.normal());
  const out: Batch[] = [];
  for (let k = 0; k < n; k++) {
    const inputs = new Float32Array(T * B);
    const targets = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      const start = k * B + b;
      for (let t = 0; t < T; t++) inputs[t * B + b] = series[start + t] as number;
      targets[b] = series[start + T] as number;
    }
    out.push({ inputs, targets, T, B });
  }
  return out;
}

/** Long streams for seq2seq next-value prediction (truncated BPTT). */
function sineStream(T: number, B: number, seed: number): Batch {
  const rng = new Rng(seed);
  const inputs = new Float32Array(T * B);
  const targets = new Float32Array(T * B);
  for (let b = 0; b < B; b++) {
    const phase = rng.uniform(0, 6);
    for (let t = 0; t < T; t++) {
      inputs[t * B + b] = Math.sin(phase + t * 0.25);
      targets[t * B + b] = Math.sin(phase + (t + 1) * 0.25);
    }
  }
  return { inputs, targets, T, B };
}

async function weightsOf(m: Model) {
  return m.parameterValues();
}

describe('fit', () => {
  it('lowers the loss, reports gradient norms and validates chronologically', async () => {
    const backend = createCpuBackend();
    const data = sineWindows(12, 8, 8, 1);
    const train = data.slice(0, 9);
    const val = data.slice(9);
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 8, outputSize: 1 }, { backend, seed: 1 });
    const before = await evaluate(model, val, 'mse');
    const seen: number[] = [];
    const h = await fit(model, train, {
      epochs: 8, optimizer: { kind: 'adam', lr: 0.02 }, validation: val, clipNorm: 5,
      callbacks: { onStepEnd: (s) => void seen.push(s.batch) },
    });
    expect(h.epochs).toHaveLength(8);
    expect(h.steps).toHaveLength(72);
    expect(h.steps.every((s) => s.gradNorm > 0 && Number.isFinite(s.gradNorm))).toBe(true);
    // No shuffle: batches in their given (chronological) order.
    expect(seen.slice(0, 9)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const after = h.epochs.at(-1)?.valLoss as number;
    expect(after).toBeLessThan(before * 0.5);
    expect(after).toBeCloseTo(await evaluate(model, val, 'mse'), 10);
    // No leaks: only parameters, their gradients and Adam's two moments stay alive.
    expect(backend.memory().liveTensors).toBe(model.parameters().length * 4);
    h.optimizer.dispose();
    model.dispose();
    expect(backend.memory().liveTensors).toBe(0);
  });

  it('stops with a NonFiniteError naming the step when a NaN reaches the loss', async () => {
    const backend = createCpuBackend();
    const data = sineWindows(5, 4, 2, 2);
    const bad = { ...data[3]!, inputs: Float32Array.from(data[3]!.inputs as Float32Array) };
    (bad.inputs as Float32Array)[2] = NaN;
    data[3] = bad;
    const model = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 3, outputSize: 1 }, { backend });
    const before = await model.stateDict();
    const err = await fit(model, data, { epochs: 1, optimizer: { kind: 'sgd', lr: 0.1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).step).toBe(4);
    expect((err as Error).message).toMatch(/loss \(epoch 0, batch 3\) at step 4/);
    // The weights were updated by steps 1–3 but not by the failing step: all finite.
    const after = await model.stateDict();
    expect(after).not.toEqual(before);
    for (const t of Object.values(after)) expect(t.data.every(Number.isFinite)).toBe(true);
  });

  it('stops with a NonFiniteError when the gradients overflow', async () => {
    const backend = createCpuBackend();
    const model = createModel({ kind: 'seq2one', cell: 'rnn-relu', inputSize: 1, hiddenSize: 3, outputSize: 1 }, { backend });
    const batch: Batch = { inputs: [1e30, 1e30], T: 2, B: 1, targets: [0] };
    const err = await fit(model, [batch], { epochs: 1, optimizer: { kind: 'sgd', lr: 0.1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toMatch(/at step 1/);
  });

  it('early stopping restores the best weights', async () => {
    const backend = createCpuBackend();
    const data = sineWindows(6, 6, 4, 3);
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 4, outputSize: 1 }, { backend, seed: 3 });
    // A huge learning rate makes validation loss jump about; patience 1 stops quickly.
    const h = await fit(model, data.slice(0, 4), {
      epochs: 50, optimizer: { kind: 'sgd', lr: 3 }, validation: data.slice(4), clipNorm: 100,
      earlyStopping: { patience: 2, restoreBest: true },
    });
    expect(h.stopReason).toBe('early-stopping');
    expect(h.epochs.length).toBeLessThan(50);
    expect(h.bestEpoch).not.toBeNull();
    expect(await evaluate(model, data.slice(4), 'mse')).toBeCloseTo(h.bestLoss as number, 5);
  });

  it('callbacks can stop training; maxSteps caps it', async () => {
    const backend = createCpuBackend();
    const data = sineWindows(4, 4, 2, 4);
    const model = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 3, outputSize: 1 }, { backend });
    const h = await fit(model, data, { epochs: 5, optimizer: { kind: 'adam', lr: 0.01 }, callbacks: { onStepEnd: (s) => (s.step === 6 ? 'stop' : undefined) } });
    expect(h.stopReason).toBe('callback');
    expect(h.step).toBe(6);
    const h2 = await fit(model, data, { epochs: 5, optimizer: h.optimizer, maxSteps: 3 });
    expect(h2.stopReason).toBe('max-steps');
    expect(h2.steps).toHaveLength(3);
    expect(h2.optimizer.stepCount).toBe(9);
  });

  it('validates its options', async () => {
    const backend = createCpuBackend();
    const model = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 3, outputSize: 1 }, { backend });
    const data = sineWindows(2, 4, 2, 4);
    await expect(fit(model, [], { epochs: 1, optimizer: { kind: 'adam', lr: 0.1 } })).rejects.toThrow(InvalidArgumentError);
    await expect(fit(model, data, { epochs: 0, optimizer: { kind: 'adam', lr: 0.1 } })).rejects.toThrow(/epochs/);
    await expect(fit(model, data, { epochs: 1, optimizer: { kind: 'adam', lr: 0.1 }, tbptt: { chunkLength: 2 } })).rejects.toThrow(/per-step targets/);
    await expect(fit(model, data, { epochs: 1, optimizer: { kind: 'adam', lr: 0.1 }, clipNorm: -1 })).rejects.toThrow(/clipNorm/);
    await expect(fit(model, [{ inputs: [1, 2], T: 2, B: 1 }], { epochs: 1, optimizer: { kind: 'adam', lr: 0.1 } })).rejects.toThrow(/targets/);
  });
});

describe('truncated BPTT', () => {
  it('carries the state across chunks: chunk losses equal the full-sequence losses', async () => {
    const backend = createCpuBackend({ precision: 'float64' });
    const stream = sineStream(12, 2, 5);
    const model = createModel({ kind: 'seq2seq', cell: 'lstm', inputSize: 1, hiddenSize: 4, numLayers: 2, outputSize: 1 }, { backend, seed: 5 });
    // Full-sequence per-step predictions with the initial weights.
    const full = await model.predict(stream);
    const sq = (from: number, to: number) => {
      let s = 0;
      for (let i = from * 2; i < to * 2; i++) s += ((full.output[i] as number) - (stream.targets![i] as number)) ** 2;
      return s / ((to - from) * 2);
    };
    // A learning rate so small the weights do not change (in float64), so each chunk's loss must match.
    const losses: number[] = [];
    await fit(model, [stream], { epochs: 1, optimizer: { kind: 'sgd', lr: 1e-300 }, tbptt: { chunkLength: 5 }, callbacks: { onStepEnd: (s) => void losses.push(s.loss) } });
    expect(losses).toHaveLength(3);
    expect(losses[0]).toBeCloseTo(sq(0, 5), 12);
    expect(losses[1]).toBeCloseTo(sq(5, 10), 12);
    expect(losses[2]).toBeCloseTo(sq(10, 12), 12);
  });

  it('cuts the gradient at chunk boundaries', async () => {
    const backend = createCpuBackend({ precision: 'float64' });
    const stream = sineStream(8, 1, 6);
    const model = createModel({ kind: 'seq2seq', cell: 'gru', inputSize: 1, hiddenSize: 3, outputSize: 1 }, { backend, seed: 6 });
    const opt = new Optimizer(model, { kind: 'sgd', lr: 1e-300 });
    const first: Batch = { inputs: (stream.inputs as Float32Array).subarray(0, 4), targets: (stream.targets as Float32Array).subarray(0, 4), T: 4, B: 1 };
    const second: Batch = { inputs: (stream.inputs as Float32Array).subarray(4), targets: (stream.targets as Float32Array).subarray(4), T: 4, B: 1 };
    const r1 = await trainStep(model, opt, first, { loss: 'mse', keepState: true });
    await trainStep(model, opt, second, { loss: 'mse', state: r1.state });
    const gCut = await model.gradients();
    // Same chunk with the carried state uploaded as a constant: identical gradients.
    const h = await backend.read(r1.state!.h);
    const hT = backend.upload(h, [1, 1, 3]);
    await trainStep(model, opt, second, { loss: 'mse', state: { h: hT, c: null } });
    expect(await model.gradients()).toEqual(gCut);
    // The full-sequence gradient of the same steps differs (it flows into the first chunk).
    model.zeroGrad();
    const pass = model.forwardPass(stream, { training: true });
    const d = backend.upload([0, 0, 0, 0, 1, 1, 1, 1], [8, 1]);
    model.backwardPass(pass, d);
    const gFull = await model.gradients();
    expect(gFull['rnn.weight_hh_l0']!.data).not.toEqual(gCut['rnn.weight_hh_l0']!.data);
  });
});

describe('checkpoints and resume', () => {
  const cases: { name: string; config: ModelConfigInput; data: () => Batch[]; options: Omit<FitOptions, 'checkpoint' | 'resumeFrom' | 'callbacks'>; killAt: number; every: number }[] = [
    {
      name: 'seq2seq LSTM, dropout, shuffle, truncated BPTT, cosine per step, clipping',
      config: { kind: 'seq2seq', cell: 'lstm', inputSize: 1, hiddenSize: 5, numLayers: 2, dropout: 0.3, outputSize: 1 },
      data: () => [sineStream(12, 3, 1), sineStream(12, 3, 2), sineStream(12, 3, 3)],
      options: { epochs: 3, optimizer: { kind: 'adamw', lr: 0.02 }, shuffle: true, tbptt: { chunkLength: 5 }, schedule: { kind: 'cosine', tMax: 20, interval: 'step' }, clipNorm: 0.5, clipValue: 0.2 },
      killAt: 11,
      every: 4,
    },
    {
      name: 'seq2one GRU, validation, reduce-on-plateau, early stopping with restore',
      config: { kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 4, outputSize: 1 },
      data: () => sineWindows(6, 5, 4, 9),
      options: { epochs: 6, optimizer: { kind: 'rmsprop', lr: 0.02, momentum: 0.5 }, validation: sineWindows(2, 5, 4, 10), schedule: { kind: 'reduce-on-plateau', patience: 0, factor: 0.5 }, earlyStopping: { patience: 3, restoreBest: true } },
      killAt: 14,
      every: 6,
    },
  ];
  for (const c of cases) {
    it(`resume after a crash equals an uninterrupted run (bit-identical): ${c.name}`, async () => {
      const backend = createCpuBackend();
      const data = c.data();
      const reference = createModel(c.config, { backend, seed: 42 });
      const refLosses: number[] = [];
      const refHistory = await fit(reference, data, { ...c.options, callbacks: { onStepEnd: (s) => void refLosses.push(s.loss) } });
      const refWeights = await weightsOf(reference);

      const path = join(dir, `${c.every}.ckpt`);
      const crashed = createModel(c.config, { backend, seed: 42 });
      const losses: number[] = [];
      const crash = await fit(crashed, data, {
        ...c.options, checkpoint: { every: c.every, path },
        callbacks: { onStepEnd: (s) => { losses.push(s.loss); if (s.step === c.killAt) throw new Error('killed'); } },
      }).catch((e: unknown) => e);
      expect((crash as Error).message).toBe('killed');
      const ckpt = await loadCheckpoint(path);
      const lastCkpt = Math.floor(c.killAt / c.every) * c.every;
      expect(ckpt.step).toBe(lastCkpt);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

      // A fresh process: a new model (different seed on purpose) and a new backend instance.
      const backend2 = createCpuBackend();
      const resumed = createModel(ckpt.config, { backend: backend2, seed: 7 });
      const resumedLosses: number[] = [];
      const h = await fit(resumed, data, { ...c.options, resumeFrom: ckpt, callbacks: { onStepEnd: (s) => void resumedLosses.push(s.loss) } });
      expect([...losses.slice(0, lastCkpt), ...resumedLosses]).toEqual(refLosses);
      expect(h.epochs).toEqual(refHistory.epochs);
      expect(h.stopReason).toBe(refHistory.stopReason);
      expect(await weightsOf(resumed)).toEqual(refWeights);
    });
  }

  it('encodes and decodes checkpoints losslessly and rejects other files', async () => {
    const backend = createCpuBackend();
    const model = createModel({ kind: 'seq2seq', cell: 'lstm', inputSize: 1, hiddenSize: 3, outputSize: 1 }, { backend });
    let ckpt: Checkpoint | null = null;
    await fit(model, [sineStream(6, 2, 1)], { epochs: 1, optimizer: { kind: 'adam', lr: 0.01 }, tbptt: { chunkLength: 2 }, checkpoint: { every: 1 }, callbacks: { onCheckpoint: (c) => { ckpt ??= c; } } });
    expect(ckpt).not.toBeNull();
    const round = decodeCheckpoint(encodeCheckpoint(ckpt!));
    expect(round).toEqual(ckpt);
    expect(round.carried?.h.shape).toEqual([1, 2, 3]);
    const { encodeSafetensors } = await import('../persistence/index.js');
    expect(() => decodeCheckpoint(encodeSafetensors({ a: { shape: [1], data: new Float32Array(1) } }))).toThrow(/not a recur training checkpoint/);
  });

  it('refuses a checkpoint from another architecture', async () => {
    const backend = createCpuBackend();
    const a = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 3, outputSize: 1 }, { backend });
    let ckpt: Checkpoint | null = null;
    const data = sineWindows(2, 3, 2, 1);
    await fit(a, data, { epochs: 1, optimizer: { kind: 'adam', lr: 0.01 }, checkpoint: { every: 1 }, callbacks: { onCheckpoint: (c) => { ckpt = c; } } });
    const b = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 4, outputSize: 1 }, { backend });
    await expect(fit(b, data, { epochs: 2, optimizer: { kind: 'adam', lr: 0.01 }, resumeFrom: ckpt })).rejects.toThrow(/different config/);
  });
});

describe('model.to() mid-training', () => {
  async function run(switchTo: ((m: Model) => Promise<unknown>) | null, backend: Backend) {
    const data = sineWindows(4, 6, 4, 8);
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 5, numLayers: 2, outputSize: 1 }, { backend, seed: 8 });
    const h1 = await fit(model, data, { epochs: 2, optimizer: { kind: 'adam', lr: 0.02 } });
    if (switchTo) await switchTo(model);
    const h2 = await fit(model, data, { epochs: 2, optimizer: h1.optimizer });
    return { model, losses: [...h1.steps, ...h2.steps].map((s) => s.loss), optimizer: h1.optimizer };
  }

  it('moves parameters and optimizer state to another instance: identical continuation', async () => {
    const ref = await run(null, createCpuBackend());
    const target = createCpuBackend();
    const source = createCpuBackend();
    const moved = await run((m) => m.to(target), source);
    expect(moved.model.backend).toBe(target);
    expect(moved.losses).toEqual(ref.losses);
    expect(await moved.model.parameterValues()).toEqual(await ref.model.parameterValues());
    // Nothing is left behind on the source backend.
    expect(source.memory().liveTensors).toBe(0);
  });

  it('moves to float64 and keeps training within float32 tolerance', async () => {
    const ref = await run(null, createCpuBackend());
    const moved = await run((m) => m.to(createCpuBackend({ precision: 'float64' })), createCpuBackend());
    for (let i = 0; i < ref.losses.length; i++) expect(Math.abs(moved.losses[i]! - ref.losses[i]!)).toBeLessThan(1e-4 * (1 + ref.losses[i]!));
  });

  it('negative control: continuing with a fresh optimizer (state not moved) diverges', async () => {
    const ref = await run(null, createCpuBackend());
    const data = sineWindows(4, 6, 4, 8);
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 5, numLayers: 2, outputSize: 1 }, { backend: createCpuBackend(), seed: 8 });
    const h1 = await fit(model, data, { epochs: 2, optimizer: { kind: 'adam', lr: 0.02 } });
    await model.to(createCpuBackend());
    const h2 = await fit(model, data, { epochs: 2, optimizer: { kind: 'adam', lr: 0.02 } });
    const losses = [...h1.steps, ...h2.steps].map((s) => s.loss);
    expect(losses.slice(0, 8)).toEqual(ref.losses.slice(0, 8));
    expect(losses.slice(8)).not.toEqual(ref.losses.slice(8));
  });
});
