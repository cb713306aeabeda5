/**
 * GEMM against a naive triple loop: every transpose combination, odd and block-crossing sizes,
 * alpha/beta/bias, aliasing, and argument errors.
 */
import { ShapeError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { GemmWorkspace, gemmRaw, packAllB, packedBSize } from './gemm.js';
import { createCpuBackend } from './index.js';
import { rand } from './naive-cells.test-util.js';

function naiveGemm(m: number, n: number, k: number, a: number[], b: number[], c: number[], transA: boolean, transB: boolean, alpha: number, beta: number, bias: number[] | null): number[] {
  const out = new Array<number>(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i]! : a[i * k + p]!;
        const bv = transB ? b[j * k + p]! : b[p * n + j]!;
        s += av * bv;
      }
      out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]!) + (bias ? bias[j]! : 0);
    }
  }
  return out;
}

const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 2],
  [17, 3, 9],
  [4, 4, 4],
  [65, 17, 33],
  [5, 130, 300], // k crosses a KC slice
  [131, 7, 5], // m crosses an MC block
];
const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe.each(['float64', 'float32'] as const)('gemm (%s)', (precision) => {
  const tol = precision === 'float64' ? 1e-12 : 1e-5;
  for (const [transA, transB] of FLAGS) {
    it.each(SIZES)(`transA=${transA} transB=${transB}: m=%i n=%i k=%i`, async (m, n, k) => {
      const be = createCpuBackend({ precision });
      const seed = m * 7 + n * 3 + k + (transA ? 1000 : 0) + (transB ? 2000 : 0);
      const a = rand(m * k, seed);
      const b = rand(k * n, seed + 1);
      const c0 = rand(m * n, seed + 2);
      const bias = rand(n, seed + 3);
      const cases: { alpha: number; beta: number; bias: number[] | null }[] = [
        { alpha: 1, beta: 0, bias: null },
        { alpha: -0.5, beta: 1, bias: bias },
        { alpha: 2, beta: 0.25, bias: null },
        { alpha: 1, beta: 0, bias: bias },
      ];
      const A = be.upload(a, transA ? [k, m] : [m, k]);
      const B = be.upload(b, transB ? [n, k] : [k, n]);
      for (const cs of cases) {
        const C = be.upload(c0, [m, n]);
        be.gemm({ a: A, b: B, c: C, m, n, k, transA, transB, alpha: cs.alpha, beta: cs.beta, bias: cs.bias ? be.upload(cs.bias, [n]) : null });
        const want = naiveGemm(m, n, k, a, b, c0, transA, transB, cs.alpha, cs.beta, cs.bias);
        const got = await be.read(C);
        for (let i = 0; i < want.length; i++) {
          if (!(Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) {
            expect.fail(`C[${i}] = ${got[i]}, want ${want[i]} (alpha ${cs.alpha}, beta ${cs.beta}, bias ${cs.bias !== null})`);
          }
        }
      }
      be.destroy();
    });
  }

  it('beta = 0 ignores NaN already in C', async () => {
    const be = createCpuBackend({ precision });
    const C = be.upload([NaN, NaN, NaN, NaN], [2, 2]);
    be.gemm({ a: be.upload([1, 2, 3, 4], [2, 2]), b: be.upload([1, 0, 0, 1], [2, 2]), c: C, m: 2, n: 2, k: 2 });
    expect(Array.from(await be.read(C))).toEqual([1, 2, 3, 4]);
  });

  it('computes correctly when C is also an input', async () => {
    const be = createCpuBackend({ precision });
    const X = be.upload([1, 2, 3, 4], [2, 2]);
    be.gemm({ a: X, b: X, c: X, m: 2, n: 2, k: 2 });
    expect(Array.from(await be.read(X))).toEqual([7, 10, 15, 22]);
  });
});

describe('gemm errors', () => {
  it('names the tensor whose size is wrong', () => {
    const be = createCpuBackend();
    const a = be.alloc([2, 3]);
    const b = be.alloc([3, 4]);
    expect(() => be.gemm({ a, b, c: be.alloc([2, 5]), m: 2, n: 4, k: 3 })).toThrow(ShapeError);
    expect(() => be.gemm({ a, b, c: be.alloc([2, 5]), m: 2, n: 4, k: 3 })).toThrow(/gemm\.c/);
    expect(() => be.gemm({ a, b, c: be.alloc([2, 4]), m: 2, n: 4, k: 3, bias: be.alloc([3]) })).toThrow(/gemm\.bias/);
    expect(() => be.gemm({ a, b: be.alloc([4, 4]), c: be.alloc([2, 4]), m: 2, n: 4, k: 3 })).toThrow(/gemm\.b/);
  });
});

describe('pre-packed B (used for the recurrent weights)', () => {
  it.each([
    [3, 1100, 300], // crosses both an NC block and a KC slice
    [6, 9, 5],
  ])('gives the same result as packing on the fly: m=%i n=%i k=%i', (m, n, k) => {
    const ws = new GemmWorkspace();
    const a = Float64Array.from(rand(m * k, 1));
    const b = Float64Array.from(rand(n * k, 2));
    const bias = Float64Array.from(rand(n, 3));
    const A = { data: a, offset: 0, ld: k, trans: false };
    const Bop = { data: b, offset: 0, ld: k, trans: true };
    const c1 = new Float64Array(m * n);
    const c2 = new Float64Array(m * n);
    gemmRaw(m, n, k, 1, A, Bop, 0, { data: c1, offset: 0, ld: n }, bias, 0, ws);
    const packed = packAllB(Bop, k, n, new Float64Array(packedBSize(k, n)));
    gemmRaw(m, n, k, 1, A, Bop, 0, { data: c2, offset: 0, ld: n }, bias, 0, ws, packed);
    expect(Array.from(c2)).toEqual(Array.from(c1));
    const want = naiveGemm(m, n, k, Array.from(a), Array.from(b), [], false, true, 1, 0, Array.from(bias));
    c1.forEach((v, i) => {
      if (!(Math.abs(v - want[i]!) <= 1e-12 * (1 + Math.abs(want[i]!)))) expect.fail(`C[${i}] = ${v}, want ${want[i]}`);
    });
  });
});
