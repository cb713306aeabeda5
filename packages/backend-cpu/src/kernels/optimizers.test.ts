/**
 * Optimizer kernels against values computed by hand with PyTorch's update rules
 * (torch.optim.SGD / Adam / AdamW / RMSprop), two steps each, float64.
 *
 * Shared setup: p₀ = [1, −2], g₁ = [0.5, −1], g₂ = [0.25, 0.5].
 * Example, SGD (lr 0.1, momentum 0.9, dampening 0.1, weight_decay 0.01), element 0:
 *   step 1: d = 0.5 + 0.01·1 = 0.51, buf = 0.51, p = 1 − 0.051 = 0.949
 *   step 2: d = 0.25 + 0.01·0.949 = 0.25949, buf = 0.9·0.51 + 0.9·0.25949 = 0.692541,
 *           p = 0.949 − 0.0692541 = 0.8797459
 */
import { InvalidArgumentError, optimizerStateCount, type OptimizerKind, type OptimizerStepParams } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../index.js';

type Options = Omit<OptimizerStepParams, 'kind' | 'param' | 'grad' | 'state' | 'step'>;

async function twoSteps(kind: OptimizerKind, options: Options): Promise<number[]> {
  const be = createCpuBackend({ precision: 'float64' });
  const param = be.upload([1, -2], [2]);
  const state = Array.from({ length: optimizerStateCount(kind, { momentum: options.momentum }) }, () => be.alloc([2]));
  const grads = [
    [0.5, -1],
    [0.25, 0.5],
  ];
  for (let s = 0; s < 2; s++) {
    be.optimizerStep({ kind, param, grad: be.upload(grads[s]!, [2]), state, step: s + 1, ...options });
  }
  return Array.from(await be.read(param));
}

const CASES: { name: string; kind: OptimizerKind; options: Options; want: [number, number] }[] = [
  { name: 'sgd plain', kind: 'sgd', options: { lr: 0.1 }, want: [0.925, -1.95] },
  { name: 'sgd + weight decay', kind: 'sgd', options: { lr: 0.1, weightDecay: 0.01 }, want: [0.923051, -1.946102] },
  { name: 'sgd momentum + dampening', kind: 'sgd', options: { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }, want: [0.8797459, -1.8494918] },
  { name: 'sgd nesterov', kind: 'sgd', options: { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }, want: [0.81257411, -1.81514822] },
  { name: 'adam + L2', kind: 'adam', options: { lr: 0.01, weightDecay: 0.1 }, want: [0.980465827519045, -1.985312258721214] },
  { name: 'adamw decoupled', kind: 'adamw', options: { lr: 0.01, weightDecay: 0.1 }, want: [0.9786892040475462, -1.9833486297369902] },
  { name: 'rmsprop', kind: 'rmsprop', options: { lr: 0.01 }, want: [0.855098702557817, -1.944901331474435] },
  { name: 'rmsprop momentum + L2', kind: 'rmsprop', options: { lr: 0.01, momentum: 0.5, weightDecay: 0.1 }, want: [0.8005111186923423, -1.8751302814897892] },
];

describe('optimizerStep matches PyTorch update rules', () => {
  it.each(CASES)('$name', async ({ kind, options, want }) => {
    const got = await twoSteps(kind, options);
    expect(got[0]).toBeCloseTo(want[0], 12);
    expect(got[1]).toBeCloseTo(want[1], 12);
  });

  it('plain SGD needs no state, Adam two buffers', () => {
    const be = createCpuBackend();
    const param = be.upload([1], [1]);
    const grad = be.upload([1], [1]);
    expect(() => be.optimizerStep({ kind: 'adam', param, grad, state: [be.alloc([1])], lr: 0.1, step: 1 })).toThrow(InvalidArgumentError);
    expect(() => be.optimizerStep({ kind: 'sgd', param, grad, state: [], lr: 0.1, step: 0 })).toThrow(/step/);
    expect(() => be.optimizerStep({ kind: 'adam', param, grad, state: [be.alloc([1]), be.alloc([2])], lr: 0.1, step: 1 })).toThrow(/state\[1\]/);
  });
});
