/** Bad input gives one-line typed errors: never a crash, a hang or a stack trace from deep inside. */
import { RecurError, ShapeError } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { ModelFormatError, createModel, encodeSafetensors } from '@recur/core';
import { describe, expect, it } from 'vitest';
import { OnnxUnsupportedError } from '../errors.js';
import { exportOnnxModelProto } from '../export/export-onnx.js';
import { decodeModelProto, encodeModelProto, type ModelProto } from '../proto/onnx-codec.js';
import { fromOnnx, importOnnx } from './import-onnx.js';

async function lstmProto(): Promise<ModelProto> {
  const backend = createCpuBackend();
  const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, outputSize: 2 }, { backend, seed: 3 });
  try {
    return await exportOnnxModelProto(model, { states: true, sequenceLens: true });
  } finally {
    model.dispose();
  }
}

function caught(fn: () => unknown): RecurError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RecurError);
    const err = e as RecurError;
    expect(err.message, 'one line').not.toContain('\n');
    return err;
  }
  throw new Error('expected an error');
}

describe('importOnnx on bad input', () => {
  it('empty, truncated, foreign and random bytes: ModelFormatError', async () => {
    const good = encodeModelProto(await lstmProto());
    const inputs: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['truncated', good.subarray(0, Math.floor(good.length / 2))],
      ['truncated by one byte', good.subarray(0, good.length - 1)],
      ['json', new TextEncoder().encode('{"format":"recur-model"}')],
      ['safetensors', encodeSafetensors({ a: { shape: [2], data: new Float32Array([1, 2]) } })],
      ['random', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
    ];
    for (const [what, bytes] of inputs) {
      const err = caught(() => fromOnnx(bytes, { file: `${what}.onnx` }));
      expect(err, what).toBeInstanceOf(ModelFormatError);
      expect(err.code).toBe('E_MODEL_FORMAT');
      expect(err.message).toContain(`${what}.onnx`);
    }
    await expect(importOnnx(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(ModelFormatError);
    await expect(importOnnx('model.onnx' as unknown as Uint8Array)).rejects.toThrow(/Uint8Array/);
  });

  it('unsupported operators and attributes: OnnxUnsupportedError naming each', async () => {
    const proto = await lstmProto();
    const nodes = proto.graph!.node!;
    const lstm = nodes.find((n) => n.op_type === 'LSTM')!;
    lstm.attribute!.push({ name: 'input_forget', type: 2, i: 1 }, { name: 'clip', type: 1, f: 3 });
    const head = nodes.find((n) => n.op_type === 'Gemm')!;
    head.op_type = 'Einsum';
    const err = caught(() => fromOnnx(encodeModelProto(proto))) as OnnxUnsupportedError;
    expect(err).toBeInstanceOf(OnnxUnsupportedError);
    expect(err.code).toBe('E_ONNX_UNSUPPORTED');
    expect(err.features.map((f) => `${f.op}:${f.attribute ?? ''}`).sort()).toEqual(['Einsum:', 'LSTM:clip', 'LSTM:input_forget']);
    expect(err.message).toMatch(/input_forget.*independent i and f gates/);
  });

  it('a graph without recurrent operators is refused', async () => {
    const proto = await lstmProto();
    proto.graph!.node = [{ op_type: 'Identity', input: ['input'], output: ['output'] }];
    proto.graph!.output = [{ name: 'output' }];
    expect(caught(() => fromOnnx(encodeModelProto(proto))).message).toMatch(/no LSTM, GRU or RNN operator/);
  });

  it('mismatched weight shapes: ShapeError naming the node and both shapes', async () => {
    const proto = await lstmProto();
    const R = proto.graph!.initializer!.find((t) => t.name === 'rnn_l1.R')!;
    R.dims = [1, 8, 8]; // same element count (64) as [1, 16, 4], wrong shape
    const err = caught(() => fromOnnx(encodeModelProto(proto)));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toContain("LSTM node 'rnn_l1' R: expected shape [1, 16, 4], got [1, 8, 8]");
  });

  it('a tensor whose data does not fill its shape: ModelFormatError', async () => {
    const proto = await lstmProto();
    const W = proto.graph!.initializer!.find((t) => t.name === 'rnn_l0.W')!;
    W.raw_data = W.raw_data!.subarray(0, W.raw_data!.length - 4);
    const err = caught(() => fromOnnx(encodeModelProto(proto)));
    expect(err).toBeInstanceOf(ModelFormatError);
    expect(err.message).toMatch(/rnn_l0\.W.*holds 47 values, expected 48/);
  });

  it('a head whose width does not match the features is refused', async () => {
    const proto = await lstmProto();
    const w = proto.graph!.initializer!.find((t) => t.name === 'head.weight')!;
    w.dims = [1, 8]; // 8 inputs on 4 features
    const err = caught(() => fromOnnx(encodeModelProto(proto)));
    expect(err).toBeInstanceOf(OnnxUnsupportedError);
    expect(err.message).toContain('a dense layer with 8 inputs on features of size 4');
  });

  it('a dangling input name: ModelFormatError, not a crash', async () => {
    const proto = await lstmProto();
    proto.graph!.node!.find((n) => n.op_type === 'Gemm')!.input![1] = 'nowhere';
    expect(caught(() => fromOnnx(encodeModelProto(proto)))).toBeInstanceOf(ModelFormatError);
  });

  it('decodes what it encodes', async () => {
    const proto = await lstmProto();
    const again = decodeModelProto(encodeModelProto(proto));
    expect(again.graph!.node!.map((n) => n.op_type)).toEqual(proto.graph!.node!.map((n) => n.op_type));
    expect(again.producer_name).toBe('recur');
  });
});
