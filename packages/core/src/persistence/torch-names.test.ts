import { describe, expect, it } from 'vitest';
import { expectFormatError } from './format-error.test-util.js';
import type { TensorDict } from './tensor-dict.js';
import { fromTorchStateDict, renameToTorch } from './torch-names.js';

let seed = 1;
function tensor(shape: number[]): { shape: number[]; data: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5) };
}

/** A PyTorch-style state dict for nn.<cell>(I, H, L, bidirectional, bias) under `prefix`. */
function torchDict(opts: { G: number; I: number; H: number; L: number; D: number; bias?: boolean; prefix?: string; head?: [string, number] }): TensorDict {
  const { G, I, H, L, D } = opts;
  const p = opts.prefix ?? 'rnn.';
  const out: TensorDict = {};
  for (let k = 0; k < L; k++) {
    for (const sfx of D === 2 ? ['', '_reverse'] : ['']) {
      out[`${p}weight_ih_l${k}${sfx}`] = tensor([G * H, k === 0 ? I : D * H]);
      out[`${p}weight_hh_l${k}${sfx}`] = tensor([G * H, H]);
      if (opts.bias !== false) {
        out[`${p}bias_ih_l${k}${sfx}`] = tensor([G * H]);
        out[`${p}bias_hh_l${k}${sfx}`] = tensor([G * H]);
      }
    }
  }
  if (opts.head) {
    out[`${opts.head[0]}.weight`] = tensor([opts.head[1], D * H]);
    out[`${opts.head[0]}.bias`] = tensor([opts.head[1]]);
  }
  return out;
}


describe('fromTorchStateDict: inference', () => {
  it('infers a 2-layer LSTM with a head', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 2, D: 1, head: ['head', 2] });
    const { config, stateDict, unused } = fromTorchStateDict(sd, { cell: 'lstm' });
    expect(config).toMatchObject({ kind: 'seq2one', cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: false, bias: true, outputSize: 2 });
    expect(Object.keys(stateDict).sort()).toEqual(Object.keys(sd).sort());
    expect(stateDict['rnn.weight_hh_l1']!.data).toEqual(sd['rnn.weight_hh_l1']!.data);
    expect(stateDict['rnn.weight_hh_l1']!.data).not.toBe(sd['rnn.weight_hh_l1']!.data); // a copy
    expect(unused).toEqual([]);
  });

  it('infers a bidirectional 3-layer GRU under a custom prefix and head, without biases', () => {
    const sd = torchDict({ G: 3, I: 7, H: 4, L: 3, D: 2, bias: false, prefix: 'encoder.gru.', head: ['fc', 6] });
    const { config, stateDict } = fromTorchStateDict(sd, { cell: 'gru', prefix: 'encoder.gru', head: 'fc', kind: 'seq2seq', headActivation: 'sigmoid' });
    expect(config).toMatchObject({ kind: 'seq2seq', cell: 'gru', inputSize: 7, hiddenSize: 4, numLayers: 3, bidirectional: true, bias: false, outputSize: 6, headActivation: 'sigmoid' });
    expect(stateDict['rnn.weight_ih_l2_reverse']!.shape).toEqual([12, 8]);
    expect(stateDict['head.weight']!.data).toEqual(sd['fc.weight']!.data);
    expect(Object.keys(stateDict).filter((n) => n.includes('bias_'))).toEqual([]);
  });

  it('reads a bare module (prefix "") with no head', () => {
    const sd = torchDict({ G: 1, I: 2, H: 3, L: 1, D: 1, prefix: '' });
    const { config } = fromTorchStateDict(sd, { cell: 'rnn-relu', prefix: '' });
    expect(config).toMatchObject({ cell: 'rnn-relu', inputSize: 2, hiddenSize: 3, outputSize: null });
  });

  it('fills a zero bias for a bias-free nn.Linear head', () => {
    const sd = torchDict({ G: 4, I: 2, H: 3, L: 1, D: 1, head: ['head', 2] });
    delete sd['head.bias'];
    const { stateDict } = fromTorchStateDict(sd, { cell: 'lstm' });
    expect(Array.from(stateDict['head.bias']!.data)).toEqual([0, 0]);
  });

  it('recognises a language model (embedding + rnn + head)', () => {
    const sd = torchDict({ G: 3, I: 8, H: 6, L: 1, D: 1, head: ['decoder', 11] });
    sd['embed.weight'] = tensor([11, 8]);
    const { config, stateDict } = fromTorchStateDict(sd, { cell: 'gru', head: 'decoder', embedding: 'embed' });
    expect(config).toMatchObject({ kind: 'lm', vocabSize: 11, embeddingDim: 8, inputSize: 8, outputSize: 11 });
    expect(stateDict['embedding.weight']!.shape).toEqual([11, 8]);
  });

  it('ignores other modules only when allowUnused is set', () => {
    const sd = torchDict({ G: 4, I: 2, H: 3, L: 1, D: 1 });
    sd['bn.running_mean'] = tensor([3]);
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /belong to no recognised module: bn\.running_mean.*allowUnused/);
    expect(fromTorchStateDict(sd, { cell: 'lstm', allowUnused: true }).unused).toEqual(['bn.running_mean']);
  });
});

describe('fromTorchStateDict: precise errors', () => {
  it('missing weight_hh_l1', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 2, D: 1 });
    delete sd['rnn.weight_hh_l1'];
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /missing rnn\.weight_hh_l1\./);
  });

  it('a missing bias when others have one', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 2, D: 1 });
    delete sd['rnn.bias_hh_l1'];
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /missing rnn\.bias_hh_l1 \(other layers have biases/);
  });

  it('gaps in layer numbers', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 3, D: 1 });
    for (const n of Object.keys(sd)) if (n.includes('_l1')) delete sd[n];
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /gap in layer numbers.*found layers l0, l2 but no rnn\.weight_ih_l1/);
  });

  it('mixing directions', () => {
    const sd = torchDict({ G: 3, I: 3, H: 5, L: 2, D: 2 });
    for (const n of Object.keys(sd)) if (n.endsWith('_l1_reverse')) delete sd[n];
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'gru' }), /mixing directions: layer 1 has no reverse weights \(rnn\.weight_ih_l1_reverse\)/);
  });

  it('a wrong cell (gate count) with a hint', () => {
    const sd = torchDict({ G: 3, I: 3, H: 5, L: 1, D: 1 });
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /weight_hh_l0 has shape \[15, 5\], expected \[20, 5\].*means a GRU: pass cell: "gru"/);
  });

  it('a wrong shape in a deeper layer (input must be D·H)', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 2, D: 2 });
    sd['rnn.weight_ih_l1_reverse'] = tensor([20, 5]);
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /rnn\.weight_ih_l1_reverse has shape \[20, 5\], expected \[20, 10\]/);
  });

  it('a head that does not read D·H features', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 1, D: 2, head: ['head', 2] });
    sd['head.weight'] = tensor([2, 5]);
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /head\.weight has shape \[2, 5\], expected \[2, 10\]/);
    sd['head.weight'] = tensor([2, 10]);
    sd['head.bias'] = tensor([3]);
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /head\.bias has shape \[3\], expected \[2\]/);
  });

  it('a wrong prefix, with a suggestion', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 1, D: 1, prefix: 'lstm.' });
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /no recurrent weights found under prefix "rnn\.".*pass prefix: "lstm\."/);
  });

  it('a head under another name, with a suggestion', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 1, D: 1, head: ['classifier', 3] });
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /classifier\.weight looks like an nn\.Linear head: pass head: "classifier"/);
  });

  it('an explicitly named head that is missing', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 1, D: 1 });
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm', head: 'fc' }), /missing fc\.weight/);
  });

  it('LSTM projections', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 1, D: 1 });
    sd['rnn.weight_hr_l0'] = tensor([3, 5]);
    expectFormatError(() => fromTorchStateDict(sd, { cell: 'lstm' }), /proj_size > 0\) are not supported/);
  });

  it('an unknown cell', () => {
    expectFormatError(() => fromTorchStateDict({}, { cell: 'transformer' as never }), /cell must be/);
  });
});

describe('renameToTorch', () => {
  it('is the exact inverse of fromTorchStateDict (names and bits)', () => {
    const sd = torchDict({ G: 4, I: 3, H: 5, L: 2, D: 2, prefix: 'net.lstm.', head: ['net.out', 4] });
    const { stateDict } = fromTorchStateDict(sd, { cell: 'lstm', prefix: 'net.lstm.', head: 'net.out' });
    const back = renameToTorch(stateDict, { prefix: 'net.lstm.', head: 'net.out' });
    expect(Object.keys(back).sort()).toEqual(Object.keys(sd).sort());
    for (const [n, t] of Object.entries(sd)) {
      expect(back[n]!.shape).toEqual(t.shape);
      expect(new Uint32Array(back[n]!.data.buffer)).toEqual(new Uint32Array(t.data.buffer));
    }
  });

  it('rejects names outside rnn./head./embedding. and colliding prefixes', () => {
    expectFormatError(() => renameToTorch({ 'x.w': tensor([1]) }), /not under rnn\., head\. or embedding\./);
    expectFormatError(
      () => renameToTorch({ 'head.weight': tensor([1]), 'embedding.weight': tensor([1]) }, { head: 'm', embedding: 'm' }),
      /two tensors map to the PyTorch name "m\.weight"/,
    );
  });
});
