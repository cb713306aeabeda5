import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '@recur/backend';
import { createWasmBackend } from './index.js';
import { kernelBuilds } from './testing/kernel-builds.js';
import { expectClose, randArray, rng } from './testing/compare.js';

function refGemm(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, transA: boolean, transB: boolean, alpha: number, beta: number, bias: Float64Array | null): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[transA ? p * m + i : i * k + p] as number) * (b[transB ? j * k + p : p * n + j] as number);
      out[i * n + j] = alpha * s + (beta !== 0 ? beta * (c[i * n + j] as number) : 0) + (bias ? (bias[j] as number) : 0);
    }
  }
  return out;
}

for (const build of kernelBuilds()) describe(`wasm gemm (${build.name} build)`, () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createWasmBackend({ wasm: build.path });
  });
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 512, 128],
    [3, 17, 9],
    [4, 8, 1],
    [5, 9, 300],
    [64, 512, 128],
    [67, 13, 513],
    [130, 1030, 7],
    [67, 3, 513],
    [9, 1, 5],
    [33, 40, 1],
    [6, 17, 3],
    [768, 2, 2],
  ];
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`, async () => {
          const r = rng(m * 1000 + n * 10 + k + (transA ? 7 : 0) + (transB ? 3 : 0));
          const a = randArray(r, m * k);
          const b = randArray(r, k * n);
          const c = randArray(r, m * n);
          const bias = randArray(r, n);
          for (const [alpha, beta, withBias] of [[1, 0, false], [0.5, 1, true], [-2, 0.25, true]] as const) {
            const ta = backend.upload(a, transA ? [k, m] : [m, k]);
            const tb = backend.upload(b, transB ? [n, k] : [k, n]);
            const tc = backend.upload(c, [m, n]);
            const tbias = withBias ? backend.upload(bias, [n]) : null;
            backend.gemm({ a: ta, b: tb, c: tc, m, n, k, transA, transB, alpha, beta, bias: tbias });
            const got = await backend.read(tc);
            expectClose(got, refGemm(m, n, k, a, b, c, transA, transB, alpha, beta, withBias ? bias : null), `C alpha=${alpha} beta=${beta}`, 2e-4, 2e-5 * Math.sqrt(k));
            for (const t of [ta, tb, tc, tbias]) if (t) backend.dispose(t);
          }
        });
      }
    }
  }

  it('beta = 0 ignores NaN in C', async () => {
    const a = backend.upload([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const b = backend.upload([1, 0, 0, 1], [2, 2]);
    const c = backend.upload(new Array(8).fill(Number.NaN), [4, 2]);
    backend.gemm({ a, b, c, m: 4, n: 2, k: 2 });
    expect(Array.from(await backend.read(c))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const t of [a, b, c]) backend.dispose(t);
  });

  it('rejects mismatched sizes with a ShapeError', () => {
    const a = backend.alloc([2, 3]);
    const b = backend.alloc([4, 2]);
    const c = backend.alloc([2, 2]);
    expect(() => backend.gemm({ a, b, c, m: 2, n: 2, k: 3 })).toThrow(/gemm\.b/);
    for (const t of [a, b, c]) backend.dispose(t);
  });
});
