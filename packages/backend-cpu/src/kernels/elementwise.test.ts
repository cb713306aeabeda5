/**
 * Data movement, elementwise, reduction, pointwise and embedding kernels against hand values.
 */
import { InvalidArgumentError, ShapeError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../index.js';

const be = createCpuBackend({ precision: 'float64' });
const up = (a: number[], shape = [a.length]) => be.upload(a, shape);
const read = async (t: Parameters<typeof be.read>[0]) => Array.from(await be.read(t));

describe('copy', () => {
  it('copies a strided block, then accumulates', async () => {
    const src = up([1, 2, 3, 4, 5, 6], [3, 2]);
    const dst = be.alloc([3, 3]);
    be.copy({ src, dst, rows: 3, cols: 2, dstOffset: 1, dstStride: 3 });
    expect(await read(dst)).toEqual([0, 1, 2, 0, 3, 4, 0, 5, 6]);
    be.copy({ src, dst, rows: 2, cols: 1, srcOffset: 1, srcStride: 2, dstStride: 3, accumulate: true });
    expect(await read(dst)).toEqual([2, 1, 2, 4, 3, 4, 0, 5, 6]);
  });
  it('refuses to run past either buffer', () => {
    const src = up([1, 2, 3, 4]);
    expect(() => be.copy({ src, dst: be.alloc([4]), cols: 2, rows: 2, srcStride: 3 })).toThrow(/copy\.src/);
    expect(() => be.copy({ src, dst: be.alloc([3]), cols: 4 })).toThrow(ShapeError);
  });
});

describe('elementwise', () => {
  it('fill, axpy, scale, mul', async () => {
    const y = be.alloc([3]);
    be.fill(y, 2);
    be.axpy(y, up([1, 2, 3]), -2);
    expect(await read(y)).toEqual([0, -2, -4]);
    be.scale(y, 0.5);
    expect(await read(y)).toEqual([0, -1, -2]);
    const out = be.alloc([3]);
    be.mul(out, up([1, 2, 3]), up([4, 5, 6]));
    expect(await read(out)).toEqual([4, 10, 18]);
    expect(() => be.axpy(y, up([1, 2]), 1)).toThrow(/axpy\.x/);
  });
  it('clipByValue clamps and keeps NaN visible', async () => {
    const x = up([-5, -0.5, 0.5, 5, NaN]);
    be.clipByValue(x, 1);
    const v = await read(x);
    expect(v.slice(0, 4)).toEqual([-1, -0.5, 0.5, 1]);
    expect(Number.isNaN(v[4])).toBe(true);
    expect(() => be.clipByValue(x, -1)).toThrow(InvalidArgumentError);
  });
  it('sumSquares overwrites and propagates NaN/Inf', async () => {
    const out = up([99]);
    be.sumSquares(up([1, 2, 3]), out);
    expect(await read(out)).toEqual([14]);
    be.sumSquares(up([1, Infinity]), out);
    expect(await read(out)).toEqual([Infinity]);
  });
  it('sumRows overwrites or accumulates', async () => {
    const out = up([10, 20]);
    be.sumRows(up([1, 2, 3, 4, 5, 6], [3, 2]), 3, 2, out);
    expect(await read(out)).toEqual([9, 12]);
    be.sumRows(up([1, 2, 3, 4, 5, 6], [3, 2]), 3, 2, out, true);
    expect(await read(out)).toEqual([18, 24]);
  });
});

describe('activations', () => {
  const x = [-2, -0.5, 0, 0.5, 800, -800];
  it('forward', async () => {
    const out = be.alloc([x.length]);
    be.activation({ op: 'sigmoid', x: up(x), out });
    const s = await read(out);
    s.slice(0, 4).forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-x[i]!)), 15));
    expect(s[4]).toBe(1);
    expect(s[5]).toBeGreaterThanOrEqual(0);
    expect(s.every(Number.isFinite)).toBe(true);
    be.activation({ op: 'tanh', x: up(x), out });
    expect(await read(out)).toEqual(x.map(Math.tanh));
    be.activation({ op: 'relu', x: up(x), out });
    expect(await read(out)).toEqual([0, 0, 0, 0.5, 800, 0]);
    be.activation({ op: 'identity', x: up(x), out });
    expect(await read(out)).toEqual(x);
  });
  it('backward from the forward output', async () => {
    const y = up([0.5, -0.5, 0.25]);
    const dy = up([2, 2, 4]);
    const dx = be.alloc([3]);
    be.activationBackward({ op: 'tanh', y, dy, dx });
    expect(await read(dx)).toEqual([1.5, 1.5, 3.75]);
    be.activationBackward({ op: 'sigmoid', y, dy, dx });
    expect(await read(dx)).toEqual([0.5, -1.5, 0.75]);
    be.activationBackward({ op: 'relu', y, dy, dx });
    expect(await read(dx)).toEqual([2, 0, 4]);
    be.activationBackward({ op: 'identity', y, dy, dx });
    expect(await read(dx)).toEqual([2, 2, 4]);
  });
  it('softmax with temperature, stable for huge logits', async () => {
    const out = be.alloc([2, 2]);
    be.softmax({ x: up([0, Math.log(3), 2000, 2000], [2, 2]), out, rows: 2, cols: 2 });
    const v = await read(out);
    [0.25, 0.75, 0.5, 0.5].forEach((w, i) => expect(v[i]).toBeCloseTo(w, 14));
    be.softmax({ x: up([0, 2 * Math.log(3), 0, 0], [2, 2]), out, rows: 2, cols: 2, temperature: 2 });
    expect((await read(out))[1]).toBeCloseTo(0.75, 14);
    expect(() => be.softmax({ x: up([0, 0]), out: be.alloc([2]), rows: 1, cols: 2, temperature: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('gather / scatterAdd', () => {
  it('gathers rows and scatters gradients back, repeated indices adding up', async () => {
    const table = up([1, 2, 3, 4, 5, 6], [3, 2]);
    const out = be.alloc([3, 2]);
    const indices = Int32Array.from([2, 0, 2]);
    be.gather({ table, indices, dim: 2, out });
    expect(await read(out)).toEqual([5, 6, 1, 2, 5, 6]);
    const dTable = be.alloc([3, 2]);
    be.scatterAdd({ grad: up([1, 1, 2, 2, 3, 3], [3, 2]), indices, dim: 2, dTable });
    expect(await read(dTable)).toEqual([2, 2, 0, 0, 4, 4]);
    expect(() => be.gather({ table, indices: Int32Array.from([3]), dim: 2, out: be.alloc([1, 2]) })).toThrow(/outside \[0, 3\)/);
  });
});
