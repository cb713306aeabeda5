import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from './errors.js';
import type { CopyParams, LossParams, OptimizerStepParams, Tensor } from './spec.js';
import {
  checkActivation,
  checkClipLimit,
  checkCopy,
  checkCopyExtent,
  checkFillValue,
  checkGather,
  checkGatherIndices,
  checkIndices,
  checkLoss,
  checkOptimizerState,
  checkOptimizerStep,
  checkScatterAdd,
  checkScatterAddIndices,
  checkSoftmax,
  checkSumRows,
  checkTableRows,
  finiteNumber,
  nonNegativeInt,
} from './validate.js';

/** A tensor handle with only what the checks read. */
function tensor(size: number): Tensor {
  return { id: 1, backendId: 'test', shape: [size], size, disposed: false } as unknown as Tensor;
}

function copyParams(over: Partial<CopyParams>): CopyParams {
  return { src: tensor(12), dst: tensor(12), cols: 3, ...over } as CopyParams;
}

describe('scalar helpers', () => {
  it('nonNegativeInt accepts 0 and rejects negatives and fractions', () => {
    expect(() => nonNegativeInt('x', 0)).not.toThrow();
    expect(() => nonNegativeInt('x', -1)).toThrow(InvalidArgumentError);
    expect(() => nonNegativeInt('x', 1.5)).toThrow(/x.*must be a non-negative integer, got 1.5\./);
  });

  it('finiteNumber rejects NaN and infinities', () => {
    expect(() => finiteNumber('a', 2.5)).not.toThrow();
    expect(() => finiteNumber('a', Number.NaN)).toThrow(/must be a finite number, got NaN\./);
    expect(() => finiteNumber('a', Infinity)).toThrow(InvalidArgumentError);
  });

  it('checkFillValue, checkClipLimit and checkSumRows', () => {
    expect(() => checkFillValue(Number.NaN)).not.toThrow();
    expect(() => checkFillValue('1' as unknown as number)).toThrow(/fill\.value.*must be a number, got string\./);
    expect(() => checkClipLimit(Infinity)).not.toThrow();
    expect(() => checkClipLimit(Number.NaN)).toThrow(/clipByValue\.limit/);
    expect(() => checkClipLimit(-1)).toThrow(InvalidArgumentError);
    expect(() => checkSumRows(0, 4)).not.toThrow();
    expect(() => checkSumRows(2, -4)).toThrow(/sumRows\.cols/);
  });
});

describe('checkCopy / checkCopyExtent', () => {
  it('applies the defaults (1 row, offsets 0, strides = cols)', () => {
    const r = checkCopy(copyParams({}));
    expect(r).toMatchObject({ rows: 1, cols: 3, srcOffset: 0, dstOffset: 0, srcStride: 3, dstStride: 3, empty: false, srcEnd: 3, dstEnd: 3 });
  });

  it('computes the extent of a strided copy', () => {
    const r = checkCopy(copyParams({ rows: 2, srcOffset: 1, srcStride: 5, dstOffset: 4, dstStride: 4 }));
    expect(r.srcEnd).toBe(1 + 5 + 3);
    expect(r.dstEnd).toBe(4 + 4 + 3);
  });

  it('rejects a negative or fractional scalar, naming it', () => {
    expect(() => checkCopy(copyParams({ rows: -1 }))).toThrow(/copy\.rows/);
    expect(() => checkCopy(copyParams({ dstStride: 0.5 }))).toThrow(/copy\.dstStride/);
  });

  it('throws ShapeError when a row falls outside src or dst, and reports empty copies', () => {
    const p = copyParams({ rows: 4, srcStride: 4, src: tensor(14) });
    expect(() => checkCopyExtent(p, checkCopy(p))).toThrow(ShapeError);
    expect(() => checkCopyExtent(p, checkCopy(p))).toThrow(/copy\.src.*at least 15 elements \(offset 0, 4 rows of 3, stride 4\)/);
    const q = copyParams({ rows: 5, src: tensor(15), dst: tensor(14) });
    expect(() => checkCopyExtent(q, checkCopy(q))).toThrow(/copy\.dst.*at least 15 elements/);
    const e = copyParams({ rows: 0, srcOffset: 100 });
    expect(checkCopyExtent(e, checkCopy(e))).toBe(false);
    const ok = copyParams({ rows: 4 });
    expect(checkCopyExtent(ok, checkCopy(ok))).toBe(true);
  });
});

describe('checkActivation / checkSoftmax', () => {
  it('accepts the four activations and names the argument otherwise', () => {
    for (const op of ['identity', 'tanh', 'sigmoid', 'relu']) expect(checkActivation(op, 'activation.op')).toBe(op);
    expect(() => checkActivation('gelu', 'activationBackward.op')).toThrow(/activationBackward\.op.*unknown activation "gelu"; use identity, tanh, sigmoid or relu\./);
  });

  it('resolves the temperature and rejects a non-positive one', () => {
    expect(checkSoftmax({ x: tensor(6), out: tensor(6), rows: 2, cols: 3 })).toEqual({ rows: 2, cols: 3, temperature: 1 });
    expect(() => checkSoftmax({ x: tensor(6), out: tensor(6), rows: 2, cols: 3, temperature: 0 })).toThrow(/softmax\.temperature.*finite number > 0/);
    expect(() => checkSoftmax({ x: tensor(6), out: tensor(6), rows: -2, cols: 3 })).toThrow(/softmax\.rows/);
  });
});

describe('gather / scatterAdd checks', () => {
  it('checkTableRows needs a multiple of dim', () => {
    expect(checkTableRows('gather.table', tensor(12), 4)).toBe(3);
    expect(() => checkTableRows('gather.table', tensor(10), 4)).toThrow(ShapeError);
  });

  it('checkIndices rejects a non-Int32Array and an out-of-range index', () => {
    expect(() => checkIndices('gather', [0] as unknown as Int32Array, 3)).toThrow(/gather\.indices.*must be an Int32Array/);
    expect(() => checkIndices('scatterAdd', new Int32Array([0, 3]), 3)).toThrow(/indices\[1\] = 3 is outside \[0, 3\)/);
  });

  it('checkGather / checkScatterAdd check dim, then the indices against the table', () => {
    const g = { table: tensor(12), indices: new Int32Array([2, 0, 2]), dim: 4, out: tensor(12) };
    expect(() => checkGather(g)).not.toThrow();
    expect(checkGatherIndices(g)).toBe(3);
    expect(() => checkGather({ ...g, dim: 0 })).toThrow(/gather\.dim.*positive integer/);
    const s = { dTable: tensor(12), indices: new Int32Array([5]), dim: 4, grad: tensor(4) };
    expect(() => checkScatterAdd({ ...s, dim: 1.5 })).toThrow(/scatterAdd\.dim/);
    expect(() => checkScatterAddIndices(s)).toThrow(/scatterAdd\.indices/);
  });
});

describe('checkLoss', () => {
  const base = { pred: tensor(6), target: tensor(6), loss: tensor(1), n: 2, c: 3 };

  it('resolves delta and flags cross-entropy', () => {
    expect(checkLoss({ ...base, kind: 'huber' } as LossParams)).toEqual({ kind: 'huber', n: 2, c: 3, delta: 1, ce: false });
    expect(checkLoss({ ...base, kind: 'cross-entropy' } as LossParams).ce).toBe(true);
  });

  it('rejects an unknown kind, a bad n or c, and a bad Huber delta', () => {
    expect(() => checkLoss({ ...base, kind: 'hinge' } as unknown as LossParams)).toThrow(/unknown loss "hinge"/);
    expect(() => checkLoss({ ...base, kind: 'mse', n: 0 } as LossParams)).toThrow(/loss\.n/);
    expect(() => checkLoss({ ...base, kind: 'mse', c: 1.5 } as LossParams)).toThrow(/loss\.c/);
    expect(() => checkLoss({ ...base, kind: 'huber', delta: 0 } as LossParams)).toThrow(/Huber's delta/);
    expect(() => checkLoss({ ...base, kind: 'mse', delta: 0 } as LossParams)).not.toThrow();
  });
});

describe('checkOptimizerStep / checkOptimizerState', () => {
  const base = { param: tensor(4), grad: tensor(4), state: [], lr: 0.1, step: 1 };

  it("applies PyTorch's defaults", () => {
    const r = checkOptimizerStep({ ...base, kind: 'adamw' } as OptimizerStepParams);
    expect(r).toEqual({ kind: 'adamw', lr: 0.1, step: 1, weightDecay: 0.01, momentum: 0, dampening: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8, nesterov: false });
    expect(checkOptimizerStep({ ...base, kind: 'adam' } as OptimizerStepParams).weightDecay).toBe(0);
  });

  it('rejects bad kinds, steps, hyper-parameters and Nesterov without momentum', () => {
    expect(() => checkOptimizerStep({ ...base, kind: 'lion' } as unknown as OptimizerStepParams)).toThrow(/unknown optimizer "lion"/);
    expect(() => checkOptimizerStep({ ...base, kind: 'sgd', step: 0 } as OptimizerStepParams)).toThrow(/optimizerStep\.step/);
    expect(() => checkOptimizerStep({ ...base, kind: 'adam', beta1: 1.5 } as OptimizerStepParams)).toThrow(/optimizerStep\.beta1.*\[0, 1\]/);
    expect(() => checkOptimizerStep({ ...base, kind: 'sgd', lr: Number.NaN } as OptimizerStepParams)).toThrow(/optimizerStep\.lr/);
    expect(() => checkOptimizerStep({ ...base, kind: 'sgd', nesterov: true } as OptimizerStepParams)).toThrow(/Nesterov/);
    expect(checkOptimizerStep({ ...base, kind: 'sgd', nesterov: true, momentum: 0.9 } as OptimizerStepParams).nesterov).toBe(true);
  });

  it('checks the number of state tensors', () => {
    const p = { ...base, kind: 'sgd', momentum: 0.9 } as OptimizerStepParams;
    expect(() => checkOptimizerState(p, checkOptimizerStep(p))).toThrow(/sgd with momentum 0\.9 keeps 1 state tensor\(s\).*got 0/);
    const q = { ...base, kind: 'adam', state: [tensor(4), tensor(4)] } as OptimizerStepParams;
    expect(checkOptimizerState(q, checkOptimizerStep(q))).toBe(2);
  });
});
