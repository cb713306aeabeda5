/**
 * Streaming through an exported model: one step at a time in onnxruntime-node with `final_h` /
 * `final_c` fed back as `initial_h` / `initial_c` equals one run over the whole sequence (and
 * recur's own `model.step`).
 */
import { createCpuBackend } from '@recur/backend-cpu';
import { MODEL_FIXTURES, compareArrays } from '@recur/conformance';
import { createModel, type ModelConfigInput, type StateDict } from '@recur/core';
import { describe, expect, it } from 'vitest';
import { runOrt, type OrtFeed } from '../test-support/ort.js';
import { exportOnnx } from './export-onnx.js';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, where: string): void {
  const r = compareArrays(actual, expected, { atol: 0, rtol });
  expect(r.relErr, `${where}: relative error ${r.relErr}`).toBeLessThanOrEqual(rtol);
}

describe('streaming an exported model with states fed back', () => {
  for (const f of MODEL_FIXTURES.filter((m) => m.config['bidirectional'] !== true)) {
    it(f.name, async () => {
      const backend = createCpuBackend();
      const model = createModel(f.config as unknown as ModelConfigInput, { backend });
      try {
        model.loadStateDict(f.weights as unknown as StateDict);
        const cfg = model.config;
        const lm = cfg.kind === 'lm';
        const bytes = await exportOnnx(model, { states: true });
        const { T, B } = f;
        const I = lm ? 1 : cfg.inputSize;
        const LD = cfg.numLayers;
        const H = cfg.hiddenSize;
        const feedX = (data: ArrayLike<number>, steps: number): OrtFeed[string] =>
          lm ? { type: 'int64', data, dims: [steps, B] } : { type: 'float32', data, dims: [steps, B, I] };
        const zeros = new Float32Array(LD * B * H);
        const lstm = cfg.cell === 'lstm';
        const full = await runOrt(bytes, {
          [lm ? 'tokens' : 'input']: feedX(f.inputs, T),
          initial_h: { type: 'float32', data: zeros, dims: [LD, B, H] },
          ...(lstm ? { initial_c: { type: 'float32' as const, data: zeros, dims: [LD, B, H] } } : {}),
        });
        let h: Float32Array = zeros;
        let c: Float32Array = zeros;
        const O = model.outputSize;
        model.resetState();
        for (let t = 0; t < T; t++) {
          const x = f.inputs.slice(t * B * I, (t + 1) * B * I);
          const step = await runOrt(bytes, {
            [lm ? 'tokens' : 'input']: feedX(x, 1),
            initial_h: { type: 'float32', data: h, dims: [LD, B, H] },
            ...(lstm ? { initial_c: { type: 'float32' as const, data: c, dims: [LD, B, H] } } : {}),
          });
          h = step['final_h']!.data;
          if (lstm) c = step['final_c']!.data;
          const recurStep = await model.step(x, B);
          expectClose(step['output']!.data, recurStep, 1e-5, `${f.name} step ${t} vs recur model.step`);
          if (cfg.kind !== 'seq2one') expectClose(step['output']!.data, full['output']!.data.subarray(t * B * O, (t + 1) * B * O), 1e-6, `${f.name} step ${t}`);
          else if (t === T - 1) expectClose(step['output']!.data, full['output']!.data, 1e-6, `${f.name} last step`);
        }
        expectClose(h, full['final_h']!.data, 1e-6, `${f.name} final_h`);
        if (lstm) expectClose(c, full['final_c']!.data, 1e-6, `${f.name} final_c`);
      } finally {
        model.dispose();
        backend.destroy();
      }
    });
  }
});
