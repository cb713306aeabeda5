import { describe, expect, it } from 'vitest';
import { expectFormatError } from './format-error.test-util.js';
import { fromKerasWeights, type KerasRecurrentWeights } from './keras.js';

/** A tensor whose value encodes its position: v[r, c] = r * 1000 + c (so mappings can be checked exactly). */
function indexed(shape: number[], base = 0): { shape: number[]; data: Float32Array } {
  const cols = shape.length === 2 ? shape[1]! : shape[0]!;
  const rows = shape.length === 2 ? shape[0]! : 1;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = base + r * 1000 + c;
  return { shape, data };
}

function layer(I: number, H: number, G: number, bias: number[] | null, base = 0): KerasRecurrentWeights {
  return {
    kernel: indexed([I, G * H], base),
    recurrentKernel: indexed([H, G * H], base + 100000),
    ...(bias ? { bias: indexed(bias, base + 200000) } : {}),
  };
}


describe('fromKerasWeights', () => {
  it('LSTM: transposes, keeps gate order i,f,c,o, puts the single bias in bias_ih and zeros bias_hh', () => {
    const I = 2;
    const H = 3;
    const { config, stateDict } = fromKerasWeights({ cell: 'lstm', layers: [layer(I, H, 4, [12])] });
    expect(config).toMatchObject({ cell: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: false, bias: true, outputSize: null });
    const w = stateDict['rnn.weight_ih_l0']!;
    expect(w.shape).toEqual([12, 2]);
    // weight_ih[row, c] = kernel[c, row]  →  value c * 1000 + row
    for (let row = 0; row < 12; row++) for (let c = 0; c < I; c++) expect(w.data[row * I + c]).toBe(c * 1000 + row);
    expect(stateDict['rnn.weight_hh_l0']!.data[5 * H + 1]).toBe(100000 + 1 * 1000 + 5);
    expect(Array.from(stateDict['rnn.bias_ih_l0']!.data)).toEqual(Array.from({ length: 12 }, (_, j) => 200000 + j));
    expect(Array.from(stateDict['rnn.bias_hh_l0']!.data)).toEqual(new Array(12).fill(0));
  });

  it('GRU reset_after: reorders z,r,h → r,z,n and splits the [2, 3H] bias into input and recurrent rows', () => {
    const H = 2;
    const { stateDict } = fromKerasWeights({ cell: 'gru', layers: [layer(1, H, 3, [2, 6])] });
    // Our block 0 (r) is Keras block 1, our block 1 (z) is Keras block 0, block 2 (n) stays.
    const kerasCol = [2, 3, 0, 1, 4, 5];
    expect(Array.from(stateDict['rnn.weight_ih_l0']!.data)).toEqual(kerasCol);
    expect(Array.from(stateDict['rnn.bias_ih_l0']!.data)).toEqual(kerasCol.map((c) => 200000 + c));
    expect(Array.from(stateDict['rnn.bias_hh_l0']!.data)).toEqual(kerasCol.map((c) => 200000 + 1000 + c));
  });

  it('Bidirectional, stacked, with a Dense head (kernel transposed) and an embedding', () => {
    const H = 2;
    const bi = (k: number) => ({ forward: layer(k === 0 ? 3 : 4, H, 4, [8], k * 10), backward: layer(k === 0 ? 3 : 4, H, 4, [8], 500000 + k * 10) });
    const { config, stateDict } = fromKerasWeights(
      { cell: 'lstm', layers: [bi(0), bi(1)], dense: { kernel: indexed([4, 5]), bias: indexed([5]) }, embedding: indexed([5, 3]) },
      { kind: 'lm' },
    );
    expect(config).toMatchObject({ kind: 'lm', numLayers: 2, bidirectional: true, inputSize: 3, vocabSize: 5, outputSize: 5 });
    expect(stateDict['rnn.weight_ih_l1_reverse']!.shape).toEqual([8, 4]);
    expect(stateDict['rnn.weight_ih_l1_reverse']!.data[0]).toBe(500010);
    expect(stateDict['rnn.weight_ih_l1']!.data[0]).toBe(10);
    expect(stateDict['head.weight']!.shape).toEqual([5, 4]);
    expect(stateDict['head.weight']!.data[1 * 4 + 3]).toBe(3 * 1000 + 1);
    expect(stateDict['embedding.weight']!.data[1 * 3 + 2]).toBe(1002);
  });

  it('SimpleRNN without bias', () => {
    const { config, stateDict } = fromKerasWeights({ cell: 'rnn-relu', layers: [layer(2, 3, 1, null)] });
    expect(config).toMatchObject({ cell: 'rnn-relu', bias: false });
    expect(Object.keys(stateDict).sort()).toEqual(['rnn.weight_hh_l0', 'rnn.weight_ih_l0']);
  });

  it('rejects a reset_after=False GRU, mixed directions, and wrong shapes with precise messages', () => {
    expectFormatError(() => fromKerasWeights({ cell: 'gru', layers: [layer(2, 3, 3, [9])] }), /reset_after=False.*Retrain with reset_after=True/);
    expectFormatError(
      () => fromKerasWeights({ cell: 'lstm', layers: [layer(2, 3, 4, [12]), { forward: layer(3, 3, 4, [12]), backward: layer(3, 3, 4, [12]) }] }),
      /mixing directions: layer 1 is Bidirectional while layer 0 is not/,
    );
    expectFormatError(() => fromKerasWeights({ cell: 'lstm', layers: [layer(2, 3, 4, [12]), layer(2, 3, 4, [12])] }), /layers\[1\]\.kernel has shape \[2, 12\], expected \[3, 12\]/);
    expectFormatError(() => fromKerasWeights({ cell: 'gru', layers: [layer(2, 3, 4, [12])] }), /layers\[0\]\.kernel has shape \[2, 12\], expected \[2, 9\]/);
    expectFormatError(() => fromKerasWeights({ cell: 'lstm', layers: [layer(2, 3, 4, [12])], dense: { kernel: indexed([6, 1]) } }), /dense\.kernel has shape \[6, 1\], expected \[3, O\]/);
    expectFormatError(() => fromKerasWeights({ cell: 'lstm', layers: [layer(2, 3, 4, [12]), layer(3, 3, 4, null)] }), /some layers have a bias and others do not/);
    expectFormatError(() => fromKerasWeights({ cell: 'lstm', layers: [] }), /at least one recurrent layer/);
    expectFormatError(
      () => fromKerasWeights({ cell: 'lstm', layers: [layer(2, 3, 4, [12])], dense: { kernel: indexed([3, 4]) }, embedding: indexed([9, 2]) }),
      /a language model's Dense head must output vocabSize=9 logits, but dense\.kernel has 4 columns/,
    );
  });
});
