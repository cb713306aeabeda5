import { InvalidArgumentError } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { createModel } from '@recur/core';
import { describe, expect, it } from 'vitest';
import { decodeModelProto } from '../proto/onnx-codec.js';
import { runOrt } from '../test-support/ort.js';
import { ONNX_PRODUCER_VERSION, exportOnnx, exportOnnxModelProto } from './export-onnx.js';
import pkg from '../../package.json';

describe('exportOnnx options', () => {
  const backend = createCpuBackend();
  const model = createModel({ kind: 'seq2one', cell: 'rnn-relu', inputSize: 2, hiddenSize: 3, outputSize: 1, headActivation: 'sigmoid', bias: false }, { backend, seed: 5 });

  it('records opset, IR version, producer and the recur config', async () => {
    for (const [opset, ir] of [[14, 7], [17, 8], [18, 9], [21, 10]] as const) {
      const proto = decodeModelProto(await exportOnnx(model, { opset }));
      expect(proto.opset_import).toEqual([{ domain: '', version: opset }]);
      expect(proto.ir_version).toBe(ir);
      expect(proto.producer_name).toBe('recur');
      expect(proto.producer_version).toBe(pkg.version);
      expect(JSON.parse(proto.metadata_props!.find((p) => p.key === 'recur.config')!.value!)).toEqual(model.config);
    }
    expect(ONNX_PRODUCER_VERSION).toBe(pkg.version);
  });

  it('uses only standard operators, no bias input without bias, dynamic B and T', async () => {
    const proto = await exportOnnxModelProto(model);
    expect(new Set(proto.graph!.node!.map((n) => n.op_type))).toEqual(new Set(['RNN', 'Squeeze', 'Gemm', 'Sigmoid', 'Identity']));
    const rnn = proto.graph!.node!.find((n) => n.op_type === 'RNN')!;
    expect(rnn.input).toEqual(['input', 'rnn_l0.W', 'rnn_l0.R']);
    expect(proto.graph!.input![0]!.type!.tensor_type!.shape!.dim).toEqual([{ dim_param: 'T' }, { dim_param: 'B' }, { dim_value: 2 }]);
    // Runs for any batch and length.
    for (const [T, B] of [[1, 1], [7, 3]] as const) {
      const x = Float32Array.from({ length: T * B * 2 }, (_, i) => Math.sin(i));
      const out = await runOrt(await exportOnnx(model), { input: { type: 'float32', data: x, dims: [T, B, 2] } });
      const p = await model.predict({ inputs: x, T, B });
      expect([...out['output']!.dims]).toEqual([B, 1]);
      for (let i = 0; i < B; i++) expect(out['output']!.data[i]).toBeCloseTo(p.output[i] as number, 6);
    }
  });

  it('rejects an unsupported opset with a typed error', async () => {
    await expect(exportOnnx(model, { opset: 13 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(exportOnnx(model, { opset: 13 })).rejects.toThrow(/opset: must be one of 14, 15/);
  });
});
