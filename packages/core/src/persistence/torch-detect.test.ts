import { describe, expect, it } from 'vitest';
import { ModelFormatError } from './errors.js';
import type { HostTensor, TensorDict } from './tensor-dict.js';
import { detectTorchLayout, recurrentPrefixes, TorchLayoutAmbiguousError } from './torch-detect.js';

const t = (...shape: number[]): HostTensor => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

/** The names and shapes of an nn.LSTM/GRU/RNN (G gates) with input I, hidden H, under `p`. */
function rnn(p: string, G: number, I: number, H: number, options: { bidirectional?: boolean } = {}): TensorDict {
  const out: TensorDict = {};
  for (const sfx of options.bidirectional ? ['', '_reverse'] : ['']) {
    out[`${p}weight_ih_l0${sfx}`] = t(G * H, I);
    out[`${p}weight_hh_l0${sfx}`] = t(G * H, H);
    out[`${p}bias_ih_l0${sfx}`] = t(G * H);
    out[`${p}bias_hh_l0${sfx}`] = t(G * H);
  }
  return out;
}

describe('detectTorchLayout', () => {
  it('a bare nn.LSTM: prefix "", cell from 4·H rows, no head', () => {
    const layout = detectTorchLayout(rnn('', 4, 3, 5));
    expect(layout).toMatchObject({ prefix: '', cell: 'lstm', head: undefined, detected: ['prefix', 'cell'] });
  });

  it('a module with other names: the recurrent prefix and the Linear reading D·H features', () => {
    const dict = { ...rnn('encoder.gru.', 3, 2, 4, { bidirectional: true }), 'fc.weight': t(3, 8), 'fc.bias': t(3) };
    expect(detectTorchLayout(dict)).toMatchObject({ prefix: 'encoder.gru.', cell: 'gru', head: 'fc', detected: ['prefix', 'cell', 'head'] });
  });

  it('does not take an embedding, or a Linear reading other features, for the head', () => {
    const dict = { ...rnn('rnn.', 4, 6, 6), 'embedding.weight': t(30, 6), 'proj.weight': t(6, 9) };
    expect(detectTorchLayout(dict).head).toBeUndefined();
  });

  it('several recurrent modules or heads: a typed error listing the candidates', () => {
    const two = { ...rnn('encoder.', 4, 3, 4), ...rnn('decoder.', 3, 4, 4) };
    expect(recurrentPrefixes(two)).toEqual(['decoder.', 'encoder.']);
    expect(() => detectTorchLayout(two)).toThrow(TorchLayoutAmbiguousError);
    expect(() => detectTorchLayout(two)).toThrow(/the file holds 2 recurrent modules \("decoder\.", "encoder\."\): pass prefix with one of them/);
    expect(detectTorchLayout(two, { prefix: 'decoder' })).toMatchObject({ prefix: 'decoder.', cell: 'gru' });

    const heads = { ...rnn('rnn.', 4, 3, 4), 'head.weight': t(2, 4), 'aux.weight': t(1, 4) };
    try {
      detectTorchLayout(heads, {}, { file: 'm.safetensors' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFormatError);
      expect(e).toMatchObject({ option: 'head', candidates: ['aux', 'head'], code: 'E_MODEL_FORMAT', file: 'm.safetensors' });
    }
    expect(detectTorchLayout(heads, { head: 'head' })).toMatchObject({ head: 'head', detected: ['prefix', 'cell'] });
  });

  it('an nn.RNN needs the nonlinearity; given, everything else is still detected', () => {
    expect(() => detectTorchLayout(rnn('', 1, 3, 4))).toThrow(expect.objectContaining({ option: 'cell', candidates: ['rnn-tanh', 'rnn-relu'] }));
    expect(detectTorchLayout(rnn('', 1, 3, 4), { cell: 'rnn-tanh' })).toMatchObject({ prefix: '', cell: 'rnn-tanh', detected: ['prefix'] });
  });

  it('a weight_hh that is no cell of recur says so', () => {
    const dict = { 'weight_ih_l0': t(10, 3), 'weight_hh_l0': t(10, 5) };
    expect(() => detectTorchLayout(dict)).toThrow(/weight_hh_l0 has shape \[10, 5\]: its rows are not 1, 3 or 4 × its 5 columns/);
  });
});
