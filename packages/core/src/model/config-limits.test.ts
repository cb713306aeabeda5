import { InvalidArgumentError } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { countParameters, MODEL_LIMITS, parameterShapes, validateModelConfig, type ModelConfigInput } from './config.js';
import { createModel } from './model.js';

const backend = createCpuBackend();

describe('parameterShapes / countParameters (arithmetic, nothing allocated)', () => {
  const configs: ModelConfigInput[] = [
    { kind: 'seq2one', cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, outputSize: 2 },
    { kind: 'seq2seq', cell: 'gru', inputSize: 4, hiddenSize: 3, numLayers: 3, bidirectional: true, outputSize: null },
    { kind: 'seq2one', cell: 'rnn-relu', inputSize: 2, hiddenSize: 7, bias: false, outputSize: 1 },
    { kind: 'lm', cell: 'lstm', hiddenSize: 6, vocabSize: 11, embeddingDim: 4 },
  ];
  it.each(configs)('match a real model: %o', (input) => {
    const m = createModel(input, { backend, seed: 1 });
    expect(parameterShapes(m.config)).toEqual(m.stateShapes());
    expect(Object.keys(parameterShapes(m.config))).toEqual(Object.keys(m.stateShapes()));
    expect(countParameters(m.config)).toBe(m.numParameters);
    m.dispose();
  });
});

describe('MODEL_LIMITS', () => {
  it('refuses sizes beyond each limit, naming it', () => {
    const base = { kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 4, outputSize: 1 } as const;
    expect(() => validateModelConfig({ ...base, hiddenSize: 1e9 })).toThrow(/config\.hiddenSize: is 1000000000, above the limit MODEL_LIMITS\.maxHiddenSize = 32768/);
    expect(() => validateModelConfig({ ...base, numLayers: 1_000_000 })).toThrow(/MODEL_LIMITS\.maxNumLayers/);
    expect(() => validateModelConfig({ ...base, inputSize: 2 ** 31 })).toThrow(/MODEL_LIMITS\.maxInputSize/);
    // Each size within its limit, the product not: refused by the parameter count.
    expect(() => validateModelConfig({ ...base, hiddenSize: MODEL_LIMITS.maxHiddenSize, numLayers: 100 })).toThrow(InvalidArgumentError);
    expect(() => validateModelConfig({ ...base, hiddenSize: MODEL_LIMITS.maxHiddenSize, numLayers: 100 })).toThrow(/MODEL_LIMITS\.maxParameters/);
  });
});
