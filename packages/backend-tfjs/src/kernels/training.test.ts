/** Losses, optimizer steps and embedding gather/scatter against the float64 CPU reference. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, optimizerStateCount, type Backend, type LossKind, type OptimizerStepParams } from '@recur/backend';
import type { TfjsBackend } from '../index.js';
import { expectPairClose, type Pair, randomArray, rng, upload2, withBackendPair } from '../compare.test-util.js';

let tfb: TfjsBackend;
let ref: Backend;
const r = rng(11);

withBackendPair((t, c) => {
  tfb = t;
  ref = c;
});

describe.each(['mse', 'mae', 'huber', 'cross-entropy'] as LossKind[])('loss %s', (kind) => {
  const n = 4;
  const c = 3;
  const ce = kind === 'cross-entropy';
  const target = (): Float64Array => (ce ? Float64Array.from([2, 0, 1, 2]) : randomArray(r, n * c, -2, 2));
  for (const weighted of [false, true]) {
    it(weighted ? 'with row weights (one row of weight 0 holding NaN)' : 'unweighted', async () => {
      const predData = randomArray(r, n * c, -2, 2);
      if (weighted) predData[c] = Number.NaN; // row 1 is padding
      const pred = upload2(tfb, ref, predData, [n, c]);
      const tgt = upload2(tfb, ref, target(), ce ? [n] : [n, c]);
      const w = weighted ? upload2(tfb, ref, [1, 0, 0.5, 2], [n]) : null;
      const loss = upload2(tfb, ref, [0], [1]);
      const grad = upload2(tfb, ref, new Float64Array(n * c), [n, c]);
      for (const [be, s] of [
        [tfb, 'tf'],
        [ref, 'ref'],
      ] as const) {
        be.loss({ kind, pred: pred[s], target: tgt[s], n, c, delta: 0.5, weights: w ? w[s] : null, loss: loss[s], grad: grad[s] });
      }
      await expectPairClose(tfb, ref, loss, 'loss');
      await expectPairClose(tfb, ref, grad, 'grad');
    });
  }
  it('all-zero weights give 0, not NaN', async () => {
    const pred = tfb.upload(randomArray(r, n * c), [n, c]);
    const tgt = tfb.upload(target(), ce ? [n] : [n, c]);
    const loss = tfb.alloc([1]);
    tfb.loss({ kind, pred, target: tgt, n, c, weights: tfb.alloc([n]), loss, grad: null });
    expect(Array.from(await tfb.read(loss))).toEqual([0]);
  });
});

it('cross-entropy rejects a class index out of range', () => {
  const loss = tfb.alloc([1]);
  expect(() =>
    tfb.loss({ kind: 'cross-entropy', pred: tfb.alloc([2, 3]), target: tfb.upload([1, 3], [2]), n: 2, c: 3, loss, grad: null }),
  ).toThrow(InvalidArgumentError);
});

const OPTIMIZERS: [string, Partial<OptimizerStepParams> & { kind: OptimizerStepParams['kind'] }][] = [
  ['sgd', { kind: 'sgd', lr: 0.1 }],
  ['sgd momentum + dampening + wd', { kind: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }],
  ['sgd nesterov', { kind: 'sgd', lr: 0.05, momentum: 0.8, nesterov: true }],
  ['adam', { kind: 'adam', lr: 0.01 }],
  ['adam + L2', { kind: 'adam', lr: 0.01, weightDecay: 0.1, beta1: 0.8, beta2: 0.99 }],
  ['adamw', { kind: 'adamw', lr: 0.01 }],
  ['rmsprop', { kind: 'rmsprop', lr: 0.01 }],
  ['rmsprop momentum + wd', { kind: 'rmsprop', lr: 0.01, momentum: 0.9, weightDecay: 0.05, alpha: 0.9 }],
];

describe.each(OPTIMIZERS)('optimizer %s', (_label, opts) => {
  it('three steps match PyTorch semantics (the CPU reference)', async () => {
    const size = 10;
    const param = upload2(tfb, ref, randomArray(r, size), [2, 5]);
    const count = optimizerStateCount(opts.kind, { momentum: opts.momentum ?? 0 });
    const state: Pair[] = Array.from({ length: count }, () => upload2(tfb, ref, new Float64Array(size), [2, 5]));
    for (let step = 1; step <= 3; step++) {
      const grad = upload2(tfb, ref, randomArray(r, size), [2, 5]);
      for (const [be, s] of [
        [tfb, 'tf'],
        [ref, 'ref'],
      ] as const) {
        be.optimizerStep({ lr: 0.01, ...opts, step, param: param[s], grad: grad[s], state: state.map((p) => p[s]) });
      }
    }
    await expectPairClose(tfb, ref, param, 'param');
    for (const [i, s] of state.entries()) await expectPairClose(tfb, ref, s, `state[${i}]`);
  });
});

it('optimizerStep rejects a wrong number of state tensors', () => {
  const p = tfb.alloc([3]);
  expect(() => tfb.optimizerStep({ kind: 'adam', lr: 0.1, step: 1, param: p, grad: tfb.alloc([3]), state: [tfb.alloc([3])] })).toThrow(
    /keeps 2 state tensor/,
  );
});

describe('embedding', () => {
  it('gather and scatterAdd (repeated indices add up) match', async () => {
    const dim = 3;
    const table = upload2(tfb, ref, randomArray(r, 5 * dim), [5, dim]);
    const indices = Int32Array.from([4, 0, 4, 2]);
    const out = upload2(tfb, ref, new Float64Array(4 * dim), [4, dim]);
    const grad = upload2(tfb, ref, randomArray(r, 4 * dim), [4, dim]);
    const dTable = upload2(tfb, ref, randomArray(r, 5 * dim), [5, dim]);
    for (const [be, s] of [
      [tfb, 'tf'],
      [ref, 'ref'],
    ] as const) {
      be.gather({ table: table[s], indices, dim, out: out[s] });
      be.scatterAdd({ grad: grad[s], indices, dim, dTable: dTable[s] });
    }
    await expectPairClose(tfb, ref, out, 'gather');
    await expectPairClose(tfb, ref, dTable, 'scatterAdd');
  });

  it('rejects an index out of range', () => {
    expect(() => tfb.gather({ table: tfb.alloc([2, 2]), indices: Int32Array.from([2]), dim: 2, out: tfb.alloc([1, 2]) })).toThrow(
      InvalidArgumentError,
    );
  });
});
