import { createCpuBackend } from '@recur/backend-cpu';
import { MODEL_FIXTURES, compareArrays } from '@recur/conformance';
import { createModel, type Batch, type ModelConfigInput, type StateDict } from '@recur/core';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModelProto } from '../proto/onnx-codec.js';
import { runOrt, type OrtFeed } from '../test-support/ort.js';
import { exportOnnx } from './export-onnx.js';

/** Worst array-relative error seen (max |ort − recur| / max |recur|), printed at the end. */
const worst = { rel: 0, where: '' };
afterAll(() => console.log(`worst ONNX Runtime vs recur relative error: ${worst.rel.toExponential(2)} (${worst.where})`));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, where: string): void {
  const r = compareArrays(actual, expected, { atol: 0, rtol: 1e-5 });
  if (r.relErr > worst.rel) Object.assign(worst, { rel: r.relErr, where });
  expect(r.relErr, `${where}: relative error ${r.relErr}`).toBeLessThanOrEqual(1e-5);
}

/** Transposes a [T, B, ·] array to [B, T, ·]. */
function batchMajor(a: ArrayLike<number>, T: number, B: number): Float32Array {
  const F = a.length / (T * B);
  const out = new Float32Array(a.length);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) out[(b * T + t) * F + f] = a[(t * B + b) * F + f] as number;
  return out;
}

describe('exportOnnx runs in onnxruntime-node like recur', () => {
  for (const f of MODEL_FIXTURES) {
    for (const batchFirst of [false, true]) {
      it(`${f.name}${batchFirst ? ' (batchFirst)' : ''}`, async () => {
        const backend = createCpuBackend();
        const model = createModel(f.config as unknown as ModelConfigInput, { backend });
        try {
          model.loadStateDict(f.weights as unknown as StateDict);
          const batch: Batch = { inputs: f.inputs, T: f.T, B: f.B, lengths: f.lengths };
          const p = await model.predict(batch);
          const bytes = await exportOnnx(model, { sequenceLens: f.lengths !== null, states: true, batchFirst });
          const proto = decodeModelProto(bytes);
          expect(proto.producer_name).toBe('recur');
          expect(proto.opset_import?.[0]?.version).toBe(17);
          const lm = model.config.kind === 'lm';
          const inputs = batchFirst ? batchMajor(f.inputs, f.T, f.B) : f.inputs;
          const feeds: OrtFeed = {
            [lm ? 'tokens' : 'input']: { type: lm ? 'int64' : 'float32', data: inputs, dims: lm ? (batchFirst ? [f.B, f.T] : [f.T, f.B]) : batchFirst ? [f.B, f.T, model.config.inputSize] : [f.T, f.B, model.config.inputSize] },
          };
          const LD = model.config.numLayers * (model.config.bidirectional ? 2 : 1);
          const zeros = { type: 'float32' as const, data: new Float32Array(LD * f.B * model.config.hiddenSize), dims: [LD, f.B, model.config.hiddenSize] };
          feeds['initial_h'] = zeros;
          if (p.cN) feeds['initial_c'] = zeros;
          if (f.lengths) feeds['sequence_lens'] = { type: 'int32', data: f.lengths, dims: [f.B] };
          const out = await runOrt(bytes, feeds);
          const expected = batchFirst && model.config.kind !== 'seq2one' ? batchMajor(p.output, f.T, f.B) : p.output;
          expect([...out['output']!.dims]).toEqual(batchFirst && model.config.kind !== 'seq2one' ? [f.B, f.T, model.outputSize] : p.shape);
          expectClose(out['output']!.data, expected, `${f.name} output`);
          expectClose(out['final_h']!.data, p.hN, `${f.name} final_h`);
          if (p.cN) expectClose(out['final_c']!.data, p.cN, `${f.name} final_c`);
        } finally {
          model.dispose();
          backend.destroy();
        }
      });
    }
  }
});
