/**
 * Every non-recurrent kernel against the float64 oracle on seeded random inputs:
 * gemm, copy, fill, axpy, scale, mul, clipByValue, sumSquares, sumRows, activation(+backward),
 * softmax, loss, optimizerStep, gather, scatterAdd.
 */
import { describe } from 'vitest';
import { optimizerStateCount, type ActivationKind, type LossKind, type OptimizerStepParams } from '@recur/backend';
import type { Harness } from '../harness.js';
import { createRng, randomArray, randomRange } from '../random.js';
import { compareWithOracle } from './oracle.js';

const ACTIVATIONS: readonly ActivationKind[] = ['identity', 'tanh', 'sigmoid', 'relu'];
const LOSSES: readonly LossKind[] = ['mse', 'mae', 'huber', 'cross-entropy'];

/** Register the kernel-vs-oracle tests. */
export function kernelTests(h: Harness): void {
  describe('kernels vs float64 oracle', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        h.test(`gemm transA=${transA} transB=${transB}: odd sizes, alpha, beta, bias`, [], async () => {
          const rng = createRng(100 + (transA ? 2 : 0) + (transB ? 1 : 0));
          // (m, n, k): odd sizes, degenerate 1s and sizes past common tile widths.
          const sizes: [number, number, number][] = [[7, 5, 3], [1, 9, 13], [33, 17, 65], [1, 1, 1], [64, 3, 1]];
          for (const [m, n, k] of sizes) {
            const a = randomArray(rng, m * k);
            const b = randomArray(rng, k * n);
            const c0 = randomArray(rng, m * n);
            const bias = randomArray(rng, n);
            const variants = [
              { alpha: undefined, beta: undefined, withBias: false },
              { alpha: 1.7, beta: 0, withBias: true },
              { alpha: -0.5, beta: 1, withBias: false },
              { alpha: 0.75, beta: 0.3, withBias: true },
            ];
            for (const v of variants) {
              await compareWithOracle(h, `gemm m=${m} n=${n} k=${k} alpha=${v.alpha} beta=${v.beta} bias=${v.withBias}`, async (s, be) => {
                const A = s.upload(a, transA ? [k, m] : [m, k]);
                const B = s.upload(b, transB ? [n, k] : [k, n]);
                const C = s.upload(c0, [m, n]);
                be.gemm({ a: A, b: B, c: C, m, n, k, transA, transB, alpha: v.alpha, beta: v.beta, bias: v.withBias ? s.upload(bias, [n]) : null });
                return { c: await s.read(C) };
              });
            }
          }
        });
      }
    }

    h.test('copy: strided rows, offsets, defaults, accumulate', [], async () => {
      const rng = createRng(200);
      const src = randomArray(rng, 60);
      const dst0 = randomArray(rng, 80);
      const cases = [
        { cols: 60 },
        { rows: 4, cols: 5, srcOffset: 3, srcStride: 12, dstOffset: 7, dstStride: 9 },
        { rows: 3, cols: 7, srcOffset: 1, srcStride: 7, dstOffset: 0, dstStride: 20, accumulate: true },
        { rows: 5, cols: 1, srcOffset: 10, srcStride: 11, dstOffset: 3, dstStride: 13, accumulate: false },
        { rows: 6, cols: 8, srcOffset: 2, srcStride: 9, dstOffset: 5, dstStride: 11, accumulate: true },
      ];
      for (const [i, p] of cases.entries()) {
        await compareWithOracle(h, `copy case ${i}`, async (s, be) => {
          const S = s.upload(src, [60]);
          const D = s.upload(dst0, [80]);
          be.copy({ src: S, dst: D, ...p });
          return { dst: await s.read(D) };
        });
      }
    });

    h.test('fill, axpy, scale, mul, clipByValue', [], async () => {
      const rng = createRng(300);
      for (const n of [1, 7, 64, 1001]) {
        const x = randomArray(rng, n, 3);
        const y = randomArray(rng, n, 3);
        await compareWithOracle(h, `elementwise n=${n}`, async (s, be) => {
          const X = s.upload(x, [n]);
          const Y = s.upload(y, [n]);
          const F = s.upload(y, [n]);
          const M = s.alloc([n]);
          const Cl = s.upload(x, [n]);
          be.fill(F, -2.25);
          be.axpy(Y, X, -0.375);
          be.mul(M, X, Y);
          be.clipByValue(Cl, 1.25);
          const Sc = s.upload(x, [n]);
          be.scale(Sc, 0.6);
          return { fill: await s.read(F), axpy: await s.read(Y), mul: await s.read(M), clip: await s.read(Cl), scale: await s.read(Sc) };
        });
      }
    });

    h.test('sumSquares and sumRows (overwrite and accumulate)', [], async () => {
      const rng = createRng(400);
      for (const [rows, cols] of [[1, 1], [5, 3], [17, 33], [128, 7]] as const) {
        const x = randomArray(rng, rows * cols, 2);
        const init = randomArray(rng, cols);
        await compareWithOracle(h, `reductions ${rows}x${cols}`, async (s, be) => {
          const X = s.upload(x, [rows, cols]);
          const SS = s.upload([123], [1]);
          be.sumSquares(X, SS);
          const R1 = s.upload(init, [cols]);
          be.sumRows(X, rows, cols, R1);
          const R2 = s.upload(init, [cols]);
          be.sumRows(X, rows, cols, R2, true);
          return { sumSquares: await s.read(SS), sumRows: await s.read(R1), sumRowsAcc: await s.read(R2) };
        });
      }
    });

    h.test('sumSquares propagates NaN and Inf', [], async () => {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const be = h.backend;
        const X = be.upload([1, 2, bad, 3], [4]);
        const out = be.alloc([1]);
        try {
          be.sumSquares(X, out);
          const v = (await be.read(out))[0] as number;
          h.assert(!Number.isFinite(v), `sumSquares of [1, 2, ${bad}, 3] gave ${v}, expected a non-finite result`);
        } finally {
          be.dispose(X);
          be.dispose(out);
        }
      }
    });

    for (const op of ACTIVATIONS) {
      h.test(`activation ${op}`, [], async () => {
        const x = randomArray(createRng(500), 97, 4);
        await compareWithOracle(h, `activation ${op}`, async (s, be) => {
          const X = s.upload(x, [97]);
          const Y = s.alloc([97]);
          be.activation({ op, x: X, out: Y });
          return { y: await s.read(Y) };
        });
      });
      h.test(`activationBackward ${op}`, ['training'], async () => {
        const rng = createRng(510);
        const x = randomArray(rng, 97, 4);
        const dy = randomArray(rng, 97, 2);
        const junk = randomArray(rng, 97, 9);
        await compareWithOracle(h, `activationBackward ${op}`, async (s, be) => {
          const X = s.upload(x, [97]);
          const Y = s.alloc([97]);
          be.activation({ op, x: X, out: Y });
          const DX = s.upload(junk, [97]); // overwritten, not accumulated
          be.activationBackward({ op, y: Y, dy: s.upload(dy, [97]), dx: DX });
          return { dx: await s.read(DX) };
        });
      });
    }

    h.test('softmax with temperature', [], async () => {
      const rng = createRng(600);
      for (const [rows, cols, temperature] of [[1, 1, 1], [3, 7, 1], [4, 10, 0.5], [2, 33, 3], [5, 4, undefined]] as const) {
        const x = randomArray(rng, rows * cols, 4);
        const { actual } = await compareWithOracle(h, `softmax ${rows}x${cols} T=${temperature}`, async (s, be) => {
          const X = s.upload(x, [rows, cols]);
          const Y = s.alloc([rows, cols]);
          be.softmax({ x: X, out: Y, rows, cols, temperature });
          return { out: await s.read(Y) };
        });
        const out = actual.out as Float64Array;
        const sums = new Float64Array(rows);
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sums[r]! += out[r * cols + c]!;
        h.check(sums, new Float64Array(rows).fill(1), `softmax ${rows}x${cols} rows sum to 1`);
      }
    });

    for (const kind of LOSSES) {
      for (const weighted of [false, true]) {
        h.test(`loss ${kind}${weighted ? ' with row weights' : ''}: value and gradient`, ['training'], async () => {
          const rng = createRng(700 + LOSSES.indexOf(kind) * 2 + (weighted ? 1 : 0));
          const [n, c] = [6, 5];
          const pred = randomArray(rng, n * c, 2.5);
          const target =
            kind === 'cross-entropy' ? Float64Array.from({ length: n }, () => rng.int(c)) : randomArray(rng, n * c, 2.5);
          const weights = weighted ? Float64Array.from([1, 0, 2.5, 0.5, 1, 3]) : null;
          for (const delta of kind === 'huber' ? [undefined, 0.6, 2] : [undefined]) {
            await compareWithOracle(h, `loss ${kind} delta=${delta} weighted=${weighted}`, async (s, be) => {
              const P = s.upload(pred, [n, c]);
              const Tg = s.upload(target, kind === 'cross-entropy' ? [n] : [n, c]);
              const L = s.upload([42], [1]);
              const G = s.upload(new Float64Array(n * c).fill(7), [n, c]);
              be.loss({ kind, pred: P, target: Tg, n, c, delta, weights: weights ? s.upload(weights, [n]) : null, loss: L, grad: G });
              const L2 = s.alloc([1]);
              be.loss({ kind, pred: P, target: Tg, n, c, delta, weights: weights ? s.upload(weights, [n]) : null, loss: L2, grad: null });
              return { loss: await s.read(L), grad: await s.read(G), lossNoGrad: await s.read(L2) };
            });
          }
        });
      }
    }

    const optimizers: { label: string; p: Omit<OptimizerStepParams, 'param' | 'grad' | 'state' | 'step'> }[] = [
      { label: 'sgd', p: { kind: 'sgd', lr: 0.1 } },
      { label: 'sgd momentum', p: { kind: 'sgd', lr: 0.1, momentum: 0.9 } },
      { label: 'sgd momentum dampening', p: { kind: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0.25 } },
      { label: 'sgd nesterov', p: { kind: 'sgd', lr: 0.05, momentum: 0.8, nesterov: true } },
      { label: 'sgd weight decay', p: { kind: 'sgd', lr: 0.1, momentum: 0.5, weightDecay: 0.01 } },
      { label: 'adam', p: { kind: 'adam', lr: 0.01 } },
      { label: 'adam weight decay, betas, eps', p: { kind: 'adam', lr: 0.02, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 } },
      { label: 'adamw (default decay)', p: { kind: 'adamw', lr: 0.01 } },
      { label: 'adamw decay 0.1', p: { kind: 'adamw', lr: 0.02, weightDecay: 0.1, beta1: 0.85 } },
      { label: 'rmsprop', p: { kind: 'rmsprop', lr: 0.01 } },
      { label: 'rmsprop momentum, alpha, weight decay', p: { kind: 'rmsprop', lr: 0.01, alpha: 0.9, momentum: 0.7, weightDecay: 0.02 } },
    ];
    for (const [i, o] of optimizers.entries()) {
      h.test(`optimizerStep ${o.label}: 5 steps`, ['training'], async () => {
        const rng = createRng(800 + i);
        const n = 37;
        const p0 = randomArray(rng, n, 1.5);
        const grads = Array.from({ length: 5 }, () => randomArray(rng, n, 1));
        await compareWithOracle(h, `optimizerStep ${o.label}`, async (s, be) => {
          const P = s.upload(p0, [n]);
          const G = s.alloc([n]);
          const state = Array.from({ length: optimizerStateCount(o.p.kind, { momentum: o.p.momentum }) }, () => s.alloc([n]));
          const out: Record<string, Float64Array> = {};
          for (let step = 1; step <= grads.length; step++) {
            be.write(G, grads[step - 1]!);
            be.optimizerStep({ ...o.p, param: P, grad: G, state, step });
            out[`param after step ${step}`] = await s.read(P);
          }
          return out;
        });
      });
    }

    h.test('gather and scatterAdd (repeated indices accumulate)', ['training'], async () => {
      const rng = createRng(900);
      const [rows, dim] = [9, 6];
      const table = randomArray(rng, rows * dim);
      const indices = Int32Array.from([3, 0, 8, 3, 3, 5, 0, 1]);
      const grad = randomArray(rng, indices.length * dim);
      const dTable0 = randomArray(rng, rows * dim);
      await compareWithOracle(h, 'gather/scatterAdd', async (s, be) => {
        const Tb = s.upload(table, [rows, dim]);
        const O = s.alloc([indices.length, dim]);
        be.gather({ table: Tb, indices, dim, out: O });
        const D = s.upload(dTable0, [rows, dim]);
        be.scatterAdd({ grad: s.upload(grad, [indices.length, dim]), indices, dim, dTable: D });
        return { gathered: await s.read(O), dTable: await s.read(D) };
      });
    });

    h.test('upload, write at an offset and read round-trip', [], async () => {
      const be = h.backend;
      const data = randomRange(createRng(950), 10, -4, 4);
      const t = be.upload(data, [2, 5]);
      const z = be.alloc([3, 3]);
      try {
        h.assert(t.size === 10 && t.shape.length === 2 && t.shape[0] === 2 && t.shape[1] === 5, `upload([2, 5]) gave size ${t.size}, shape [${t.shape.join(', ')}]`);
        h.check(await be.read(t), data, 'upload/read');
        h.check(await be.read(z), new Float64Array(9), 'alloc is zero-filled');
        be.write(t, [9.5, -1.25], 3);
        const expected = Float64Array.from(data);
        expected[3] = 9.5;
        expected[4] = -1.25;
        h.check(await be.read(t), expected, 'write at offset 3');
      } finally {
        be.dispose(t);
        be.dispose(z);
      }
    });
  });
}
