import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { benchFile } from '../paths.js';
import { randomData } from '../workloads.js';
import { readOnnxLstmWeights } from './onnx-weights.js';

describe('ONNX LSTM weights in recur layout', () => {
  it('reads W, R, B and reorders the gates so recur reproduces onnxruntime', async () => {
    const file = benchFile('fixtures', 'lstm-seq-i8-h128.onnx');
    const w = readOnnxLstmWeights(file);
    expect([w.I, w.H, w.wIh.length, w.wHh.length, w.bIh.length, w.bHh.length]).toEqual([8, 128, 512 * 8, 512 * 128, 512, 512]);
    const T = 4, B = 3;
    const x = randomData(T * B * w.I, 7);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(file);
    const expected = (await session.run({ x: new ort.Tensor('float32', x, [T, B, w.I]) })).y!.data as Float32Array;
    const be = createCpuBackend();
    const y = be.alloc([T, B, w.H]);
    be.cellForward({
      cell: 'lstm', T, B, I: w.I, H: w.H, x: be.upload(x, [T, B, w.I]),
      wIh: be.upload(w.wIh, [512, 8]), wHh: be.upload(w.wHh, [512, 128]), bIh: be.upload(w.bIh, [512]), bHh: be.upload(w.bHh, [512]),
      h0: null, c0: null, y, hN: be.alloc([B, w.H]), cN: be.alloc([B, w.H]),
    });
    const got = await be.read(y);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
    expect(worst).toBeLessThan(1e-5);
    await session.release();
  });
});
