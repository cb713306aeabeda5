/**
 * Golden fixtures from real PyTorch (tools/fixtures/generate_torch_interop.py): files written by an
 * independent safetensors writer, and float64 reference outputs of the same networks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../model/model.js';
import { fromKerasWeights, type KerasWeights } from './keras.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { exportTorchSafetensors, fromTorchSafetensors, importTorchSafetensors } from './torch-io.js';
import { TorchLayoutAmbiguousError } from './torch-detect.js';

const FIXTURES = join(import.meta.dirname, '__fixtures__');
interface Arr {
  shape: number[];
  data: number[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const golden = JSON.parse(readFileSync(join(FIXTURES, 'torch-interop.json'), 'utf8')) as Record<string, any>;
const file = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** [B, T, F] batch-first → [T, B, F] time-major. */
function toTimeMajor(a: Arr): number[] {
  const [B, T, F] = a.shape as [number, number, number];
  const out = new Array<number>(B * T * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = a.data[(b * T + t) * F + f]!;
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / (1 + Math.abs(e));
    if (!(err <= worst)) worst = err; // NaN-safe: a NaN makes worst NaN
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

const F32_TOL = 2e-6;
const F64_TOL = 1e-12;

describe('safetensors files written by the Python reference-layout writer', () => {
  it('parse, with the names, shapes and metadata PyTorch produced', () => {
    for (const key of ['lstm2Head', 'gruBiHead', 'rnnReluBare']) {
      const c = golden[key];
      const { tensors } = decodeSafetensors(file(c.file), { file: c.file });
      expect(Object.keys(tensors).sort()).toEqual(c.names);
      for (const [n, shape] of Object.entries(c.shapes)) expect(tensors[n]!.shape).toEqual(shape);
    }
  });

  it('re-encode byte for byte (our writer produces the reference layout)', () => {
    for (const name of ['torch-lstm2-head.safetensors', 'torch-gru-bi-head.safetensors', 'torch-rnn-relu-bare.safetensors']) {
      const bytes = file(name);
      const { tensors, metadata } = decodeSafetensors(bytes);
      const again = encodeSafetensors(tensors, Object.keys(metadata).length > 0 ? metadata : undefined);
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('convert F64, F16 and BF16 exactly as torch .float() does', () => {
    const c = golden['dtypes'];
    const out = decodeSafetensors(file(c.file));
    expect(out.metadata).toEqual(c.metadata);
    expect(out.dtypes).toEqual(c.dtypes);
    for (const [n, t] of Object.entries(c.expected as Record<string, Arr>)) {
      expect(out.tensors[n]!.shape).toEqual(t.shape);
      expect(Array.from(out.tensors[n]!.data)).toEqual(t.data);
    }
  });
});

describe('PyTorch import runs like PyTorch', () => {
  for (const precision of ['float32', 'float64'] as const) {
    const tol = precision === 'float32' ? F32_TOL : F64_TOL;

    it(`stacked LSTM + Linear head (seq2one on the final state), ${precision}`, async () => {
      const c = golden['lstm2Head'];
      const backend = createCpuBackend({ precision });
      const model = await importTorchSafetensors(file(c.file), { cell: 'lstm', head: 'head', backend });
      expect(model.config).toMatchObject({ kind: 'seq2one', cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: false, outputSize: 2 });
      const [B, T] = c.input.shape;
      const p = await model.predict({ inputs: toTimeMajor(c.input), T, B });
      expectClose(p.output, c.headFinalState.data, tol);
      expectClose(p.hN, c.h_n.data, tol);
      expectClose(p.cN!, c.c_n.data, tol);
      model.dispose();
    });

    it(`2-layer bidirectional GRU + Linear head, seq2one and seq2seq, ${precision}`, async () => {
      const c = golden['gruBiHead'];
      const backend = createCpuBackend({ precision });
      const [B, T] = c.input.shape;
      const inputs = toTimeMajor(c.input);
      const one = await importTorchSafetensors(file(c.file), { cell: 'gru', backend });
      expect(one.config).toMatchObject({ cell: 'gru', inputSize: 4, hiddenSize: 6, numLayers: 2, bidirectional: true, outputSize: 3 });
      const p1 = await one.predict({ inputs, T, B });
      expectClose(p1.output, c.headFinalState.data, tol);
      expectClose(p1.hN, c.h_n.data, tol);
      const seq = await importTorchSafetensors(file(c.file), { cell: 'gru', kind: 'seq2seq', backend });
      const p2 = await seq.predict({ inputs, T, B });
      expectClose(p2.output, toTimeMajor(c.headSeq), tol);
      one.dispose();
      seq.dispose();
    });

    it(`bare nn.RNN(relu, bias=False) without a head, ${precision}`, async () => {
      const c = golden['rnnReluBare'];
      const backend = createCpuBackend({ precision });
      const model = await importTorchSafetensors(file(c.file), { cell: 'rnn-relu', prefix: '', kind: 'seq2seq', backend });
      expect(model.config).toMatchObject({ bias: false, outputSize: null });
      const [B, T] = c.input.shape;
      const p = await model.predict({ inputs: toTimeMajor(c.input), T, B });
      expectClose(p.output, toTimeMajor(c.output), tol);
      expectClose(p.hN, c.h_n.data, tol);
      model.dispose();
    });
  }

  it('export → import is the identity (config and bits), with no options needed', async () => {
    const backend = createCpuBackend();
    const cases: Array<Parameters<typeof createModel>[0]> = [
      { kind: 'seq2seq', cell: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, outputSize: 2, headActivation: 'sigmoid', dropout: 0.25 },
      { kind: 'seq2one', cell: 'rnn-relu', inputSize: 2, hiddenSize: 3, bias: false, init: { recurrent: 'orthogonal' } },
      { kind: 'lm', cell: 'lstm', hiddenSize: 5, vocabSize: 7, embeddingDim: 4, init: { forgetBias: 1 } },
    ];
    for (const cfg of cases) {
      const model = createModel(cfg, { backend, seed: 3 });
      const bytes = await exportTorchSafetensors(model, { prefix: 'encoder.rnn.', head: 'fc', embedding: 'tok' });
      const names = Object.keys(decodeSafetensors(bytes).tensors);
      expect(names.every((n) => n.startsWith('encoder.rnn.') || n.startsWith('fc.') || n === 'tok.weight')).toBe(true);
      const back = await importTorchSafetensors(bytes, { backend });
      expect(back.config).toEqual(model.config);
      const a = await model.stateDict();
      const b = await back.stateDict();
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const n of Object.keys(a)) expect(new Uint32Array(b[n]!.data.buffer)).toEqual(new Uint32Array(a[n]!.data.buffer));
      model.dispose();
      back.dispose();
    }
  });

  it('reads from a path under Node, and names the path in errors', async () => {
    const path = join(FIXTURES, 'torch-lstm2-head.safetensors');
    const model = await importTorchSafetensors(path, { cell: 'lstm', backend: createCpuBackend() });
    expect(model.config.numLayers).toBe(2);
    model.dispose();
    await expect(fromTorchSafetensors(path, { cell: 'gru' })).rejects.toThrow(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: rnn\\.weight_hh_l0 has shape \\[20, 5\\], expected \\[15, 5\\].*means an LSTM`),
    );
    await expect(fromTorchSafetensors(join(FIXTURES, 'no-such-file.safetensors'), { cell: 'gru' })).rejects.toThrow(/no-such-file\.safetensors: file not found/);
  });

  it('a file without recur metadata: LSTM and GRU are told by their shapes, an nn.RNN needs the cell and says so', async () => {
    const lstm = await fromTorchSafetensors(file('torch-lstm2-head.safetensors'));
    expect(lstm.config).toMatchObject({ cell: 'lstm', numLayers: 2, outputSize: 2 });
    expect(lstm.layout).toMatchObject({ prefix: 'rnn.', head: 'head', cell: 'lstm', detected: ['prefix', 'cell', 'head'] });
    const gru = await fromTorchSafetensors(file('torch-gru-bi-head.safetensors'));
    expect(gru.config).toMatchObject({ cell: 'gru', bidirectional: true, outputSize: 3 });
    const rnn = fromTorchSafetensors(file('torch-rnn-relu-bare.safetensors'));
    await expect(rnn).rejects.toBeInstanceOf(TorchLayoutAmbiguousError);
    await expect(rnn).rejects.toMatchObject({ option: 'cell', candidates: ['rnn-tanh', 'rnn-relu'] });
    await expect(rnn).rejects.toThrow(/^weight_hh_l0 has H rows, so it is an nn\.RNN.*pass cell with one of them/);
    const relu = await fromTorchSafetensors(file('torch-rnn-relu-bare.safetensors'), { cell: 'rnn-relu' });
    expect(relu.layout).toMatchObject({ prefix: '', head: undefined, cell: 'rnn-relu', detected: ['prefix'] });
  });
});

describe('Keras import runs like Keras (numpy reference of the Keras equations)', () => {
  function kerasWeights(c: Record<string, Arr>, cell: 'lstm' | 'gru', withDense: boolean): KerasWeights {
    const t = (a: Arr) => ({ shape: a.shape, data: Float32Array.from(a.data) });
    return {
      cell,
      layers: [{ kernel: t(c['kernel']!), recurrentKernel: t(c['recurrentKernel']!), bias: t(c['bias']!) }],
      ...(withDense ? { dense: { kernel: t(c['denseKernel']!), bias: t(c['denseBias']!) } } : {}),
    };
  }
  for (const [key, cell] of [['kerasLstm', 'lstm'], ['kerasGru', 'gru']] as const) {
    it(`${cell}: last-step Dense output and the whole sequence`, async () => {
      const c = golden[key];
      const backend = createCpuBackend({ precision: 'float64' });
      const [B, T] = c.input.shape;
      const inputs = toTimeMajor(c.input);
      const build = (w: KerasWeights, kind: 'seq2one' | 'seq2seq'): Model => {
        const { config, stateDict } = fromKerasWeights(w, { kind });
        const m = createModel(config, { backend });
        m.loadStateDict(stateDict);
        return m;
      };
      const one = build(kerasWeights(c, cell, true), 'seq2one');
      expectClose((await one.predict({ inputs, T, B })).output, c.headLast.data, F64_TOL);
      const seq = build(kerasWeights(c, cell, false), 'seq2seq');
      expectClose((await seq.predict({ inputs, T, B })).output, toTimeMajor(c.output), F64_TOL);
      one.dispose();
      seq.dispose();
    });
  }
});
