import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { createModel } from '../model/model.js';
import { Rng } from '../random/prng.js';

describe('Recurrent with dropout between layers', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: gradients match centred finite differences under a fixed dropout mask`, async () => {
      const backend = createCpuBackend({ precision: 'float64' });
      const rng = new Rng(4);
      const T = 4;
      const B = 2;
      const inputs = Float64Array.from({ length: T * B * 2 }, () => rng.uniform(-1, 1));
      const batch = { inputs, T, B, lengths: [4, 3] };
      const model = createModel({ kind: 'seq2seq', cell, inputSize: 2, hiddenSize: 3, numLayers: 3, dropout: 0.4, bidirectional: true, outputSize: 2 }, { backend, seed: 2 });
      const R = Float64Array.from({ length: T * B * 2 }, () => rng.uniform(-1, 1));
      const rT = backend.upload(R, [T * B, 2]);
      const state = model.rng.getState();
      // L = Σ output ⊙ R over real rows, with the mask drawn from the same PRNG state every time.
      const lossAt = async (): Promise<number> => {
        model.rng.setState(state);
        const pass = model.forwardPass(batch, { training: true });
        const out = await backend.read(pass.output);
        model.disposePass(pass);
        let s = 0;
        for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t < (batch.lengths[b] as number)) for (let c = 0; c < 2; c++) s += (out[(t * B + b) * 2 + c] as number) * (R[(t * B + b) * 2 + c] as number);
        return s;
      };
      model.rng.setState(state);
      model.zeroGrad();
      const pass = model.forwardPass(batch, { training: true });
      const mask = new Float64Array(T * B * 2);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t < (batch.lengths[b] as number)) mask.fill(1, (t * B + b) * 2, (t * B + b) * 2 + 2);
      const d = backend.upload(mask.map((m, i) => m * (R[i] as number)), [T * B, 2]);
      model.backwardPass(pass, d);
      model.disposePass(pass);
      const grads = await model.gradients();
      const eps = 1e-6;
      let checked = 0;
      for (const p of model.parameters()) {
        if (!p.name.includes('_l1') && !p.name.includes('_l2')) continue; // layers fed through dropout
        const values = await backend.read(p.value);
        for (const i of [0, Math.floor(p.size / 2), p.size - 1]) {
          const v = values[i] as number;
          backend.write(p.value, [v + eps], i);
          const up = await lossAt();
          backend.write(p.value, [v - eps], i);
          const down = await lossAt();
          backend.write(p.value, [v], i);
          const numeric = (up - down) / (2 * eps);
          const analytic = grads[p.name]!.data[i] as number;
          expect(Math.abs(numeric - analytic), `${p.name}[${i}]`).toBeLessThan(1e-6 * (1 + Math.abs(numeric)));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
      backend.dispose(rT);
      backend.dispose(d);
    });
  }
});
