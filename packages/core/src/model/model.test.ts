import { CapabilityError, InvalidArgumentError, ShapeError, type CellKind } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random/prng.js';
import { batchFromSequences, type Batch } from './batch.js';
import { createModel } from './model.js';

const CELLS: CellKind[] = ['rnn-tanh', 'rnn-relu', 'lstm', 'gru'];

function randomSeqs(rng: Rng, lens: number[], I: number): number[][][] {
  return lens.map((L) => Array.from({ length: L }, () => Array.from({ length: I }, () => rng.uniform(-1, 1))));
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i] as number)));
}

describe('createModel / forward', () => {
  it('returns PyTorch-shaped outputs and states', async () => {
    const backend = createCpuBackend();
    const m = createModel({ kind: 'seq2seq', cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, outputSize: 2 }, { backend, seed: 1 });
    const p = await m.predict({ inputs: new Float32Array(4 * 2 * 3).fill(0.1), T: 4, B: 2 });
    expect(p.shape).toEqual([4, 2, 2]);
    expect(p.output.length).toBe(16);
    expect(p.hN.length).toBe(4 * 2 * 5);
    expect(p.cN?.length).toBe(4 * 2 * 5);
    expect(Object.keys(m.stateShapes())).toEqual([
      'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0',
      'rnn.weight_ih_l0_reverse', 'rnn.weight_hh_l0_reverse', 'rnn.bias_ih_l0_reverse', 'rnn.bias_hh_l0_reverse',
      'rnn.weight_ih_l1', 'rnn.weight_hh_l1', 'rnn.bias_ih_l1', 'rnn.bias_hh_l1',
      'rnn.weight_ih_l1_reverse', 'rnn.weight_hh_l1_reverse', 'rnn.bias_ih_l1_reverse', 'rnn.bias_hh_l1_reverse',
      'head.weight', 'head.bias',
    ]);
    expect(m.stateShapes()['rnn.weight_ih_l1']).toEqual([20, 10]);
    expect(m.stateShapes()['head.weight']).toEqual([2, 10]);
    m.dispose();
    expect(backend.memory().liveTensors).toBe(0);
  });

  it('is deterministic given a seed, and differs across seeds', async () => {
    const backend = createCpuBackend();
    const cfg = { kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: 4, outputSize: 1 } as const;
    const a = await createModel(cfg, { backend, seed: 7 }).stateDict();
    const b = await createModel(cfg, { backend, seed: 7 }).stateDict();
    const c = await createModel(cfg, { backend, seed: 8 }).stateDict();
    expect(a).toEqual(b);
    expect(a['rnn.weight_hh_l0']?.data).not.toEqual(c['rnn.weight_hh_l0']?.data);
    // PyTorch default init range U(−1/√H, 1/√H).
    for (const v of a['rnn.weight_hh_l0']?.data ?? []) expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
  });

  it('uses orthogonal recurrent weights and the forget-gate bias when asked', async () => {
    const backend = createCpuBackend({ precision: 'float64' });
    const H = 6;
    const m = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: H, init: { recurrent: 'orthogonal', forgetBias: 1 } }, { backend, seed: 3 });
    const sd = await m.stateDict();
    const w = sd['rnn.weight_hh_l0']?.data as Float32Array;
    for (let g = 0; g < 4; g++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          let dot = 0;
          for (let k = 0; k < H; k++) dot += (w[g * H * H + i * H + k] as number) * (w[g * H * H + j * H + k] as number);
          expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
        }
      }
    }
    const bih = sd['rnn.bias_ih_l0']?.data as Float32Array;
    const bhh = sd['rnn.bias_hh_l0']?.data as Float32Array;
    for (let i = H; i < 2 * H; i++) expect((bih[i] as number) + (bhh[i] as number)).toBe(1);
    expect(() => createModel({ kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: 3, init: { forgetBias: 1 } }, { backend })).toThrow(InvalidArgumentError);
  });

  it('init.updateBias sets a GRU update-gate bias (z block) and is refused elsewhere', async () => {
    const backend = createCpuBackend();
    const H = 3;
    const m = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: H, init: { updateBias: 2.5 } }, { backend, seed: 3 });
    const sd = await m.stateDict();
    const bih = sd['rnn.bias_ih_l0']?.data as Float32Array;
    const bhh = sd['rnn.bias_hh_l0']?.data as Float32Array;
    for (let i = H; i < 2 * H; i++) expect((bih[i] as number) + (bhh[i] as number)).toBe(2.5);
    // r and n blocks keep the default U(−1/√H, 1/√H).
    for (const i of [0, 2 * H]) expect(Math.abs(bih[i] as number)).toBeLessThanOrEqual(1 / Math.sqrt(H));
    m.dispose();
    expect(() => createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 3, init: { updateBias: 1 } }, { backend })).toThrow(/only a GRU/);
    expect(() => createModel({ kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: 3, init: { updateBias: Number.NaN } }, { backend })).toThrow(InvalidArgumentError);
  });

  it('init.inputBias sets an LSTM input-gate bias (i block) beside forgetBias, and is refused elsewhere', async () => {
    const backend = createCpuBackend();
    const H = 3;
    const m = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: H, init: { forgetBias: 5, inputBias: -5 } }, { backend, seed: 3 });
    const sd = await m.stateDict();
    const bih = sd['rnn.bias_ih_l0']?.data as Float32Array;
    const bhh = sd['rnn.bias_hh_l0']?.data as Float32Array;
    for (let i = 0; i < H; i++) expect((bih[i] as number) + (bhh[i] as number)).toBe(-5);
    for (let i = H; i < 2 * H; i++) expect((bih[i] as number) + (bhh[i] as number)).toBe(5);
    m.dispose();
    expect(() => createModel({ kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: 3, init: { inputBias: -1 } }, { backend })).toThrow(/only an LSTM/);
  });

  it('rejects bad configs and inputs with typed errors', () => {
    const backend = createCpuBackend();
    expect(() => createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 0 }, { backend })).toThrow(InvalidArgumentError);
    expect(() => createModel({ kind: 'seq2one', cell: 'xx' as CellKind, inputSize: 2, hiddenSize: 2 }, { backend })).toThrow(/config\.cell/);
    expect(() => createModel({ kind: 'lm', cell: 'gru', hiddenSize: 2 }, { backend })).toThrow(/vocabSize/);
    const m = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 3 }, { backend });
    expect(() => m.forwardPass({ inputs: [1, 2, 3], T: 1, B: 2 })).toThrow(ShapeError);
    expect(() => m.forwardPass({ inputs: [1, 2, 3, 4], T: 1, B: 2, lengths: [1, 2] })).toThrow(/lengths/);
  });

  it('loadStateDict validates names and shapes', async () => {
    const backend = createCpuBackend();
    const m = createModel({ kind: 'seq2one', cell: 'rnn-tanh', inputSize: 2, hiddenSize: 3, outputSize: 1 }, { backend });
    const sd = await m.stateDict();
    const { ['head.bias']: _drop, ...missing } = sd;
    expect(() => m.loadStateDict(missing)).toThrow(/missing head\.bias.*Expected exactly/);
    expect(() => m.loadStateDict({ ...sd, extra: { shape: [1], data: new Float32Array(1) } })).toThrow(/unexpected extra/);
    expect(() => m.loadStateDict({ ...sd, 'head.weight': { shape: [3, 1], data: new Float32Array(3) } })).toThrow(ShapeError);
    const other = createModel({ kind: 'seq2one', cell: 'rnn-tanh', inputSize: 2, hiddenSize: 3, outputSize: 1 }, { backend, seed: 99 });
    other.loadStateDict(sd);
    expect(await other.stateDict()).toEqual(sd);
  });
});

describe('variable-length batches', () => {
  for (const cell of CELLS) {
    for (const kind of ['seq2one', 'seq2seq'] as const) {
      it(`${cell} ${kind} bidirectional 2-layer: a padded batch equals each sequence alone (forward and gradients)`, async () => {
        const backend = createCpuBackend({ precision: 'float64' });
        const rng = new Rng(5);
        const lens = [5, 2, 4];
        const seqs = randomSeqs(rng, lens, 3);
        const m = createModel({ kind, cell, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, outputSize: 2 }, { backend, seed: 2 });
        const batch = batchFromSequences(seqs);
        const full = await m.predict(batch);
        for (let b = 0; b < lens.length; b++) {
          const alone = await m.predict(batchFromSequences([seqs[b] as number[][]]));
          if (kind === 'seq2one') close(full.output.slice(b * 2, b * 2 + 2), alone.output);
          else for (let t = 0; t < (lens[b] as number); t++) close(full.output.slice((t * 3 + b) * 2, (t * 3 + b) * 2 + 2), alone.output.slice(t * 2, t * 2 + 2));
          for (let s = 0; s < 4; s++) close(full.hN.slice((s * 3 + b) * 4, (s * 3 + b) * 4 + 4), alone.hN.slice(s * 4, s * 4 + 4));
        }
        // Gradients: the padded batch's summed loss equals the sum over sequences alone.
        const gradOf = async (batches: Batch[]) => {
          const total: Record<string, Float64Array> = {};
          for (const bt of batches) {
            m.zeroGrad();
            const pass = m.forwardPass(bt, { training: true });
            const d = backend.upload(new Float64Array(pass.rows * pass.cols).fill(1), [pass.rows, pass.cols]);
            if (kind === 'seq2seq' && bt.lengths) {
              // Only real steps contribute.
              const w = new Float64Array(pass.rows * pass.cols);
              for (let t = 0; t < bt.T; t++) for (let b = 0; b < bt.B; b++) if (t < (bt.lengths[b] as number)) w.fill(1, (t * bt.B + b) * 2, (t * bt.B + b) * 2 + 2);
              backend.write(d, w);
            }
            m.backwardPass(pass, d);
            m.disposePass(pass);
            backend.dispose(d);
            for (const [k, v] of Object.entries(await m.gradients())) {
              total[k] ??= new Float64Array(v.data.length);
              for (let i = 0; i < v.data.length; i++) (total[k] as Float64Array)[i]! += v.data[i] as number;
            }
          }
          return total;
        };
        const g1 = await gradOf([batch]);
        const g2 = await gradOf(seqs.map((s) => batchFromSequences([s])));
        for (const k of Object.keys(g1)) close(g1[k] as Float64Array, g2[k] as Float64Array, 1e-6);
      });
    }
  }
});

describe('streaming', () => {
  for (const cell of CELLS) {
    it(`${cell}: step() through a sequence equals predict() on it; resetState() restarts`, async () => {
      const backend = createCpuBackend({ precision: 'float64' });
      const rng = new Rng(11);
      const T = 6;
      const B = 2;
      const x = Float64Array.from({ length: T * B * 3 }, () => rng.uniform(-1, 1));
      const m = createModel({ kind: 'seq2seq', cell, inputSize: 3, hiddenSize: 5, numLayers: 2, outputSize: 2 }, { backend, seed: 4 });
      const full = await m.predict({ inputs: x, T, B });
      for (let round = 0; round < 2; round++) {
        for (let t = 0; t < T; t++) {
          const y = await m.step(x.subarray(t * B * 3, (t + 1) * B * 3), B);
          close(y, full.output.subarray(t * B * 2, (t + 1) * B * 2));
        }
        const st = await m.getState();
        close(st?.h as Float64Array, full.hN);
        m.resetState();
      }
      await expect(m.step(x.subarray(0, 3), 1)).resolves.toBeDefined();
      await expect(m.step(x.subarray(0, 6), 2)).rejects.toThrow(ShapeError);
      m.dispose();
      expect(backend.memory().liveTensors).toBe(0);
    });
  }

  it('refuses to stream a bidirectional model', async () => {
    const m = createModel({ kind: 'seq2seq', cell: 'gru', inputSize: 1, hiddenSize: 2, bidirectional: true }, { backend: createCpuBackend() });
    await expect(m.step([1])).rejects.toThrow(InvalidArgumentError);
  });
});

describe('streaming device buffers', () => {
  const configs = [
    { name: '1-layer lstm, no head (the fast path)', cfg: { kind: 'seq2one', cell: 'lstm', numLayers: 1, outputSize: null }, O: 5, buffers: 1 + 5 },
    { name: '2-layer gru, tanh head', cfg: { kind: 'seq2seq', cell: 'gru', numLayers: 2, outputSize: 2, headActivation: 'tanh' }, O: 2, buffers: 1 + 2 + 2 * 3 },
    { name: '2-layer lstm, identity head', cfg: { kind: 'seq2seq', cell: 'lstm', numLayers: 2, outputSize: 2 }, O: 2, buffers: 1 + 1 + 2 * 5 },
  ] as const;
  for (const { name, cfg, O, buffers } of configs) {
    it(`${name}: a fixed set of buffers, carried across to(), freed by resetState() and dispose()`, async () => {
      const a = createCpuBackend({ precision: 'float64' });
      const b = createCpuBackend({ precision: 'float64' });
      const rng = new Rng(31);
      const T = 6;
      const B = 2;
      const x = Float64Array.from({ length: T * B * 3 }, () => rng.uniform(-1, 1));
      const m = createModel({ ...cfg, inputSize: 3, hiddenSize: 5 }, { backend: a, seed: 8 });
      const P = m.parameters().length;
      const full = await m.predict({ inputs: x, T, B });
      // seq2one predict gives only the last output; the per-step outputs of a headless model are h_t.
      const expected = (t: number) => (cfg.kind === 'seq2seq' ? full.output.subarray(t * B * O, (t + 1) * B * O) : null);
      const outs: Float64Array[] = [];
      for (let t = 0; t < 3; t++) {
        outs.push((await m.step(x.subarray(t * B * 3, (t + 1) * B * 3), B)) as Float64Array);
        expect(a.memory().liveTensors).toBe(P + buffers);
      }
      const snapshot = Float64Array.from(outs[0] as Float64Array);
      expect(outs[0]).toEqual(snapshot); // results are host copies, not views of the stream's buffers
      const before = await m.getState();
      await m.to(b);
      expect(a.memory().liveTensors).toBe(0);
      expect(b.memory().liveTensors).toBe(P + buffers);
      const after = await m.getState();
      expect(after?.h).toEqual(before?.h);
      expect(after?.c).toEqual(before?.c);
      for (let t = 3; t < T; t++) outs.push((await m.step(x.subarray(t * B * 3, (t + 1) * B * 3), B)) as Float64Array);
      expect(b.memory().liveTensors).toBe(P + buffers);
      for (let t = 0; t < T; t++) {
        const e = expected(t);
        if (e) close(outs[t] as Float64Array, e);
      }
      if (cfg.kind === 'seq2one') close(outs[T - 1] as Float64Array, full.output);
      close((await m.getState())?.h as Float64Array, full.hN);
      m.resetState();
      expect(b.memory().liveTensors).toBe(P);
      expect(await m.getState()).toBeNull();
      await m.step(x.subarray(0, B * 3), B);
      m.dispose();
      expect(b.memory().liveTensors).toBe(0);
    });
  }

  it('a failed first step leaves no stream behind; a failed later step keeps the state', async () => {
    const backend = createCpuBackend({ precision: 'float64' });
    const m = createModel({ kind: 'seq2seq', cell: 'lstm', inputSize: 2, hiddenSize: 3 }, { backend, seed: 2 });
    const P = m.parameters().length;
    await expect(m.step([1, 2, 3], 1)).rejects.toThrow(ShapeError);
    await expect(m.step([1, 2], 0)).rejects.toThrow(InvalidArgumentError);
    expect(backend.memory().liveTensors).toBe(P);
    expect(await m.getState()).toBeNull();
    await m.step([0.1, 0.2, 0.3, 0.4], 2); // the failed calls did not fix the batch size
    const st = await m.getState();
    await expect(m.step([1, 2, 3], 2)).rejects.toThrow(ShapeError);
    expect(await m.getState()).toEqual(st);
    m.dispose();
    expect(backend.memory().liveTensors).toBe(0);

    const lm = createModel({ kind: 'lm', cell: 'gru', hiddenSize: 4, vocabSize: 5, embeddingDim: 3 }, { backend, seed: 3 });
    await expect(lm.step([7])).rejects.toThrow(/token 0 is 7/);
    expect(backend.memory().liveTensors).toBe(lm.parameters().length);
    const p = await lm.predict({ inputs: [1, 4], T: 2, B: 1 });
    await lm.step([1]);
    await expect(lm.step([5])).rejects.toThrow(InvalidArgumentError);
    close(await lm.step([4]), p.output.subarray(5, 10));
    lm.dispose();
    expect(backend.memory().liveTensors).toBe(0);
  });
});

describe('explicit initial states', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: running the second half from the first half's final states equals the whole sequence`, async () => {
      const backend = createCpuBackend({ precision: 'float64' });
      const rng = new Rng(21);
      const T = 8;
      const B = 2;
      const x = Float64Array.from({ length: T * B * 3 }, () => rng.uniform(-1, 1));
      const m = createModel({ kind: 'seq2seq', cell, inputSize: 3, hiddenSize: 4, numLayers: 2, outputSize: 2 }, { backend, seed: 9 });
      const full = await m.predict({ inputs: x, T, B });
      const first = await m.predict({ inputs: x.subarray(0, 4 * B * 3), T: 4, B });
      const second = await m.predict({ inputs: x.subarray(4 * B * 3), T: 4, B }, { h: first.hN, c: first.cN });
      close(second.output, full.output.subarray(4 * B * 2));
      close(second.hN, full.hN);
      const zero = await m.predict({ inputs: x.subarray(4 * B * 3), T: 4, B });
      expect(zero.output).not.toEqual(second.output);
      await expect(m.predict({ inputs: x.subarray(4 * B * 3), T: 4, B }, { h: new Float64Array(3), c: null })).rejects.toThrow(ShapeError);
    });
  }
});

describe('language model', () => {
  it('generates deterministically given a seed; temperature 0 is greedy', async () => {
    const backend = createCpuBackend();
    const m = createModel({ kind: 'lm', cell: 'lstm', hiddenSize: 8, vocabSize: 7, embeddingDim: 4 }, { backend, seed: 1 });
    const a = await m.generate([1, 2, 3], { length: 10, temperature: 0.8, seed: 5 });
    const b = await m.generate([1, 2, 3], { length: 10, temperature: 0.8, seed: 5 });
    expect(a).toEqual(b);
    expect(a).toHaveLength(10);
    for (const t of a) expect(t >= 0 && t < 7).toBe(true);
    const g = await m.generate([1, 2, 3], { length: 4, temperature: 0 });
    const p = await m.predict({ inputs: [1, 2, 3], T: 3, B: 1 });
    const last = p.output.slice(2 * 7, 3 * 7);
    expect(g[0]).toBe(last.indexOf(Math.max(...last)));
    expect(() => m.forwardPass({ inputs: [9], T: 1, B: 1 })).toThrow(/token 0 is 9/);
    expect(backend.memory().liveTensors).toBe(m.parameters().length);
  });
});

describe('capabilities', () => {
  it('refuses lengths on a backend without variableLength', () => {
    const base = createCpuBackend();
    const backend = { ...base, capabilities: { ...base.capabilities, variableLength: false } };
    const m = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 2 }, { backend });
    expect(() => m.forwardPass({ inputs: [1, 2, 3, 4], T: 2, B: 2, lengths: [2, 1] })).toThrow(CapabilityError);
  });
});
