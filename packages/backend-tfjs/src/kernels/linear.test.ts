/** GEMM, copy and the vector kernels on the tfjs cpu engine against the float64 CPU reference. */
import { describe, expect, it } from 'vitest';
import { BackendMismatchError, DisposedTensorError, InvalidArgumentError, ShapeError, type Backend } from '@recur/backend';
import type { TfjsBackend } from '../index.js';
import { expectPairClose, type Pair, randomArray, rng, upload2, withBackendPair } from '../compare.test-util.js';

let tfb: TfjsBackend;
let ref: Backend;
const r = rng(42);

withBackendPair((t, c) => {
  tfb = t;
  ref = c;
});

const rand = (shape: number[]): Pair => upload2(tfb, ref, randomArray(r, shape.reduce((a, b) => a * b, 1)), shape);

describe('gemm', () => {
  it.each([
    [false, false, 1, 0],
    [true, false, 0.5, 1],
    [false, true, 2, -0.5],
    [true, true, 1, 1],
  ])('transA=%s transB=%s alpha=%s beta=%s, with bias', async (transA, transB, alpha, beta) => {
    const m = 5;
    const n = 7;
    const k = 3;
    const a = rand(transA ? [k, m] : [m, k]);
    const b = rand(transB ? [n, k] : [k, n]);
    const c = rand([m, n]);
    const bias = rand([n]);
    for (const side of ['tf', 'ref'] as const) {
      (side === 'tf' ? tfb : ref).gemm({ a: a[side], b: b[side], c: c[side], m, n, k, transA, transB, alpha, beta, bias: bias[side] });
    }
    await expectPairClose(tfb, ref, c, 'c');
  });

  it('beta = 0 ignores NaN in the old C', async () => {
    const a = tfb.upload([1, 2], [1, 2]);
    const b = tfb.upload([3, 4], [2, 1]);
    const c = tfb.upload([Number.NaN], [1, 1]);
    tfb.gemm({ a, b, c, m: 1, n: 1, k: 2 });
    expect(Array.from(await tfb.read(c))).toEqual([11]);
  });

  it('rejects wrong sizes with a ShapeError', () => {
    const a = tfb.alloc([2, 3]);
    expect(() => tfb.gemm({ a, b: tfb.alloc([3, 2]), c: tfb.alloc([2, 3]), m: 2, n: 2, k: 3 })).toThrow(ShapeError);
  });
});

describe('copy', () => {
  it.each([
    [{ rows: 1, cols: 4, srcOffset: 2, dstOffset: 5 }],
    [{ rows: 3, cols: 2, srcStride: 4, dstStride: 3, srcOffset: 1, dstOffset: 0 }],
    [{ rows: 3, cols: 2, srcStride: 4, dstStride: 3, srcOffset: 1, dstOffset: 1, accumulate: true }],
    [{ rows: 2, cols: 3, accumulate: true, dstOffset: 4 }],
  ])('%o', async (opts) => {
    const src = rand([16]);
    const dst = rand([12]);
    tfb.copy({ src: src.tf, dst: dst.tf, ...opts });
    ref.copy({ src: src.ref, dst: dst.ref, ...opts });
    await expectPairClose(tfb, ref, dst, 'dst');
  });

  it('copies within one tensor as if the source were read first', async () => {
    const t = rand([10]);
    const opts = { rows: 2, cols: 3, srcOffset: 0, dstOffset: 2, srcStride: 3, dstStride: 4 };
    tfb.copy({ src: t.tf, dst: t.tf, ...opts });
    ref.copy({ src: t.ref, dst: t.ref, ...opts });
    await expectPairClose(tfb, ref, t, 'self-copy');
  });

  it('refuses to read or write out of bounds', () => {
    const src = tfb.alloc([4]);
    const dst = tfb.alloc([4]);
    expect(() => tfb.copy({ src, dst, cols: 3, srcOffset: 2 })).toThrow(ShapeError);
    expect(() => tfb.copy({ src, dst, cols: 2, rows: 2, dstStride: 3 })).toThrow(ShapeError);
    expect(() => tfb.copy({ src, dst, cols: 2, srcOffset: -1 })).toThrow(InvalidArgumentError);
  });
});

describe('vector kernels', () => {
  it('fill, axpy, scale, mul, clipByValue, sumSquares, sumRows match the reference', async () => {
    const x = rand([4, 6]);
    const y = rand([4, 6]);
    const z = rand([4, 6]);
    const s = rand([3]);
    const rows = rand([6]);
    for (const [be, side] of [
      [tfb, 'tf'],
      [ref, 'ref'],
    ] as const) {
      be.axpy(y[side], x[side], -0.7);
      be.scale(x[side], 3);
      be.mul(z[side], x[side], y[side]);
      be.clipByValue(z[side], 0.5);
      be.sumSquares(y[side], s[side]);
      be.sumRows(x[side], 4, 6, rows[side], true);
    }
    await expectPairClose(tfb, ref, y, 'axpy');
    await expectPairClose(tfb, ref, x, 'scale');
    await expectPairClose(tfb, ref, z, 'mul+clip');
    await expectPairClose(tfb, ref, s, 'sumSquares');
    await expectPairClose(tfb, ref, rows, 'sumRows');
    tfb.fill(s.tf, 2.5);
    expect(Array.from(await tfb.read(s.tf))).toEqual([2.5, 2.5, 2.5]);
  });

  it('sumSquares propagates NaN; clipByValue keeps NaN', async () => {
    const x = tfb.upload([1, Number.NaN, 3], [3]);
    const out = tfb.alloc([1]);
    tfb.sumSquares(x, out);
    expect(Number.isNaN((await tfb.read(out))[0])).toBe(true);
    tfb.clipByValue(x, 2);
    const v = await tfb.read(x);
    expect(v[0]).toBe(1);
    expect(Number.isNaN(v[1])).toBe(true);
    expect(v[2]).toBe(2);
  });

  it('rejects disposed, foreign and mis-sized tensors with typed errors', async () => {
    const a = tfb.alloc([3]);
    tfb.dispose(a);
    expect(() => tfb.scale(a, 2)).toThrow(DisposedTensorError);
    const foreign = ref.alloc([3]);
    expect(() => tfb.scale(foreign, 2)).toThrow(BackendMismatchError);
    expect(() => tfb.axpy(tfb.alloc([3]), tfb.alloc([4]), 1)).toThrow(ShapeError);
    expect(() => tfb.clipByValue(tfb.alloc([3]), -1)).toThrow(InvalidArgumentError);
    await expect(tfb.read(a)).rejects.toThrow(DisposedTensorError);
  });
});
