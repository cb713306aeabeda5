import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, type Backend, type OptimizerKind } from '@recur/backend';
import { createWasmBackend } from './index.js';
import { ensureWasmBuilt } from './testing/ensure-wasm.js';
import { expectClose, randArray, rng } from './testing/compare.js';

let backend: Backend;
beforeAll(async () => {
  backend = await createWasmBackend({ wasm: ensureWasmBuilt() });
});

const N = 37; // not a multiple of 4: exercises the scalar tails

describe('wasm elementwise and reductions', () => {
  it('fill, axpy, scale, mul, clipByValue', async () => {
    const r = rng(11);
    const a = randArray(r, N, -3, 3);
    const b = randArray(r, N, -3, 3);
    const ta = backend.upload(a, [N]);
    const tb = backend.upload(b, [N]);
    const out = backend.alloc([N]);
    backend.mul(out, ta, tb);
    expectClose(await backend.read(out), a.map((v, i) => v * b[i]!), 'mul');
    backend.axpy(ta, tb, -0.5);
    const a2 = a.map((v, i) => v - 0.5 * b[i]!);
    expectClose(await backend.read(ta), a2, 'axpy');
    backend.scale(ta, 3);
    expectClose(await backend.read(ta), a2.map((v) => v * 3), 'scale');
    backend.clipByValue(ta, 1.5);
    expectClose(await backend.read(ta), a2.map((v) => Math.max(-1.5, Math.min(1.5, v * 3))), 'clip');
    backend.fill(ta, 2.5);
    expect(Array.from(await backend.read(ta))).toEqual(new Array(N).fill(2.5));
    for (const t of [ta, tb, out]) backend.dispose(t);
  });

  it('sumSquares propagates NaN; sumRows (accumulate or not)', async () => {
    const r = rng(12);
    const a = randArray(r, 6 * 7);
    const ta = backend.upload(a, [6, 7]);
    const s = backend.alloc([1]);
    backend.sumSquares(ta, s);
    expectClose(await backend.read(s), [a.reduce((acc, v) => acc + v * v, 0)], 'sumSquares');
    const cols = backend.upload([1, 1, 1, 1, 1, 1, 1], [7]);
    const expected = Array.from({ length: 7 }, (_, j) => a.filter((_, i) => i % 7 === j).reduce((x, y) => x + y, 0));
    backend.sumRows(ta, 6, 7, cols, true);
    expectClose(await backend.read(cols), expected.map((v) => v + 1), 'sumRows accumulate');
    backend.sumRows(ta, 6, 7, cols);
    expectClose(await backend.read(cols), expected, 'sumRows');
    backend.write(ta, [Number.NaN], 40);
    backend.sumSquares(ta, s);
    expect(Number.isNaN((await backend.read(s))[0])).toBe(true);
    for (const t of [ta, s, cols]) backend.dispose(t);
  });

  it('activations and their backward', async () => {
    const r = rng(13);
    const x = randArray(r, N, -6, 6);
    x[0] = 1e5;
    x[1] = -1e5;
    x[2] = 1e-6;
    const dy = randArray(r, N);
    const tx = backend.upload(x, [N]);
    const tout = backend.alloc([N]);
    const tdy = backend.upload(dy, [N]);
    const tdx = backend.alloc([N]);
    const fns = {
      identity: [(v: number) => v, (_y: number) => 1],
      tanh: [Math.tanh, (y: number) => 1 - y * y],
      sigmoid: [(v: number) => 1 / (1 + Math.exp(-v)), (y: number) => y * (1 - y)],
      relu: [(v: number) => Math.max(0, v), (y: number) => (y > 0 ? 1 : 0)],
    } as const;
    for (const [op, [f, df]] of Object.entries(fns)) {
      backend.activation({ op: op as keyof typeof fns, x: tx, out: tout });
      const y = await backend.read(tout);
      expectClose(y, Array.from(x, f), `activation ${op}`);
      backend.activationBackward({ op: op as keyof typeof fns, y: tout, dy: tdy, dx: tdx });
      expectClose(await backend.read(tdx), Array.from(y, (v, i) => df(v) * dy[i]!), `activationBackward ${op}`);
    }
    for (const t of [tx, tout, tdy, tdx]) backend.dispose(t);
  });

  it('softmax with temperature', async () => {
    const r = rng(14);
    const rows = 3, cols = 11;
    const x = randArray(r, rows * cols, -20, 20);
    const tx = backend.upload(x, [rows, cols]);
    const out = backend.alloc([rows, cols]);
    backend.softmax({ x: tx, out, rows, cols, temperature: 0.7 });
    const exp: number[] = [];
    for (let i = 0; i < rows; i++) {
      const row = Array.from(x.subarray(i * cols, (i + 1) * cols), (v) => v / 0.7);
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      exp.push(...e.map((v) => v / s));
    }
    expectClose(await backend.read(out), exp, 'softmax');
    expect(() => backend.softmax({ x: tx, out, rows, cols, temperature: 0 })).toThrow(InvalidArgumentError);
    for (const t of [tx, out]) backend.dispose(t);
  });

  it('strided copy with accumulate', async () => {
    const src = backend.upload([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
    const dst = backend.upload(new Array(12).fill(1), [3, 4]);
    backend.copy({ src, dst, rows: 3, cols: 2, srcOffset: 1, srcStride: 3, dstOffset: 2, dstStride: 4, accumulate: true });
    expect(Array.from(await backend.read(dst))).toEqual([1, 1, 3, 4, 1, 1, 6, 7, 1, 1, 9, 10]);
    backend.copy({ src, dst, cols: 3 });
    expect(Array.from(await backend.read(dst)).slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(() => backend.copy({ src, dst, rows: 4, cols: 3 })).toThrow(ShapeError);
    for (const t of [src, dst]) backend.dispose(t);
  });

  it('gather and scatterAdd', async () => {
    const table = backend.upload([0, 1, 10, 11, 20, 21], [3, 2]);
    const out = backend.alloc([4, 2]);
    const indices = Int32Array.from([2, 0, 2, 1]);
    backend.gather({ table, indices, dim: 2, out });
    expect(Array.from(await backend.read(out))).toEqual([20, 21, 0, 1, 20, 21, 10, 11]);
    const dT = backend.alloc([3, 2]);
    backend.scatterAdd({ grad: out, indices, dim: 2, dTable: dT });
    expect(Array.from(await backend.read(dT))).toEqual([0, 1, 10, 11, 40, 42]);
    expect(() => backend.gather({ table, indices: Int32Array.from([3]), dim: 2, out })).toThrow(InvalidArgumentError);
    for (const t of [table, out, dT]) backend.dispose(t);
  });
});

describe('wasm losses', () => {
  const n = 5, c = 3;
  const r = rng(21);
  const pred = randArray(r, n * c, -2, 2);
  const target = randArray(r, n * c, -2, 2);
  const weights = Float64Array.from([1, 0, 2, 1, 0.5]);
  function ref(kind: string, w: Float64Array | null, delta = 1) {
    let total = 0, denom = 0;
    const grad = new Float64Array(n * c);
    for (let i = 0; i < n; i++) denom += (w ? w[i]! : 1) * (kind === 'cross-entropy' ? 1 : c);
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i]! : 1;
      if (kind === 'cross-entropy') {
        const cls = i % c;
        const row = Array.from(pred.subarray(i * c, (i + 1) * c));
        const m = Math.max(...row);
        const lse = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
        total += wi * (lse - row[cls]!);
        for (let j = 0; j < c; j++) grad[i * c + j] = (wi * (Math.exp(row[j]! - lse) - (j === cls ? 1 : 0))) / denom;
        continue;
      }
      for (let j = 0; j < c; j++) {
        const d = pred[i * c + j]! - target[i * c + j]!;
        let l: number, g: number;
        if (kind === 'mse') [l, g] = [d * d, 2 * d];
        else if (kind === 'mae') [l, g] = [Math.abs(d), Math.sign(d)];
        else [l, g] = Math.abs(d) <= delta ? [0.5 * d * d, d] : [delta * (Math.abs(d) - 0.5 * delta), delta * Math.sign(d)];
        total += wi * l;
        grad[i * c + j] = (wi * g) / denom;
      }
    }
    return { loss: total / denom, grad };
  }
  for (const kind of ['mse', 'mae', 'huber', 'cross-entropy'] as const) {
    for (const withWeights of [false, true]) {
      it(`${kind}${withWeights ? ' with row weights' : ''}`, async () => {
        const tp = backend.upload(pred, [n, c]);
        const ce = kind === 'cross-entropy';
        const tt = ce ? backend.upload(Array.from({ length: n }, (_, i) => i % c), [n]) : backend.upload(target, [n, c]);
        const tw = withWeights ? backend.upload(weights, [n]) : null;
        const tl = backend.alloc([1]);
        const tg = backend.alloc([n, c]);
        backend.loss({ kind, pred: tp, target: tt, n, c, delta: 0.7, weights: tw, loss: tl, grad: tg });
        const e = ref(kind, withWeights ? weights : null, 0.7);
        expectClose(await backend.read(tl), [e.loss], 'loss');
        expectClose(await backend.read(tg), e.grad, 'grad');
        for (const t of [tp, tt, tw, tl, tg]) if (t) backend.dispose(t);
      });
    }
  }
  it('rejects out-of-range class indices', () => {
    const tp = backend.upload(pred, [n, c]);
    const tt = backend.upload([0, 1, 2, 3, 0], [n]);
    const tl = backend.alloc([1]);
    expect(() => backend.loss({ kind: 'cross-entropy', pred: tp, target: tt, n, c, loss: tl, grad: null })).toThrow(/class 3/);
    for (const t of [tp, tt, tl]) backend.dispose(t);
  });
});

describe('wasm optimizer updates (torch.optim semantics)', () => {
  interface Cfg {
    kind: OptimizerKind;
    opts: Record<string, number | boolean>;
  }
  const configs: Cfg[] = [
    { kind: 'sgd', opts: {} },
    { kind: 'sgd', opts: { momentum: 0.9, dampening: 0.1, weightDecay: 0.01 } },
    { kind: 'sgd', opts: { momentum: 0.9, nesterov: true } },
    { kind: 'adam', opts: {} },
    { kind: 'adam', opts: { weightDecay: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-6 } },
    { kind: 'adamw', opts: {} },
    { kind: 'rmsprop', opts: {} },
    { kind: 'rmsprop', opts: { momentum: 0.5, weightDecay: 0.05, alpha: 0.9 } },
  ];
  /** A float64 transcription of torch.optim's update rules. */
  function refStep(cfg: Cfg, p: Float64Array, g: Float64Array, st: Float64Array[], lr: number, step: number) {
    const o = cfg.opts as Record<string, number & boolean>;
    const wd = o.weightDecay ?? (cfg.kind === 'adamw' ? 0.01 : 0);
    const eps = o.eps ?? 1e-8;
    for (let i = 0; i < p.length; i++) {
      let gi = g[i]!;
      if (cfg.kind === 'sgd') {
        gi += wd * p[i]!;
        const mom = o.momentum ?? 0;
        if (mom) {
          st[0]![i] = step === 1 ? gi : mom * st[0]![i]! + (1 - (o.dampening ?? 0)) * gi;
          gi = o.nesterov ? gi + mom * st[0]![i]! : st[0]![i]!;
        }
        p[i] = p[i]! - lr * gi;
      } else if (cfg.kind === 'adam' || cfg.kind === 'adamw') {
        const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999;
        if (cfg.kind === 'adamw') p[i] = p[i]! * (1 - lr * wd);
        else gi += wd * p[i]!;
        st[0]![i] = b1 * st[0]![i]! + (1 - b1) * gi;
        st[1]![i] = b2 * st[1]![i]! + (1 - b2) * gi * gi;
        const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
        p[i] = p[i]! - (lr / bc1) * (st[0]![i]! / (Math.sqrt(st[1]![i]!) / Math.sqrt(bc2) + eps));
      } else {
        const alpha = o.alpha ?? 0.99, mom = o.momentum ?? 0;
        gi += wd * p[i]!;
        st[0]![i] = alpha * st[0]![i]! + (1 - alpha) * gi * gi;
        const avg = Math.sqrt(st[0]![i]!) + eps;
        if (mom > 0) {
          st[1]![i] = mom * st[1]![i]! + gi / avg;
          p[i] = p[i]! - lr * st[1]![i]!;
        } else p[i] = p[i]! - (lr * gi) / avg;
      }
    }
  }
  for (const cfg of configs) {
    it(`${cfg.kind} ${JSON.stringify(cfg.opts)}`, async () => {
      const r = rng(31);
      const n = 23;
      const p = randArray(r, n);
      const nState = cfg.kind === 'adam' || cfg.kind === 'adamw' ? 2 : cfg.kind === 'sgd' ? (cfg.opts.momentum ? 1 : 0) : cfg.opts.momentum ? 2 : 1;
      const st = Array.from({ length: nState }, () => new Float64Array(n));
      const tp = backend.upload(p, [n]);
      const tg = backend.alloc([n]);
      const ts = st.map(() => backend.alloc([n]));
      for (let step = 1; step <= 3; step++) {
        const g = randArray(r, n);
        backend.write(tg, g);
        backend.optimizerStep({ kind: cfg.kind, param: tp, grad: tg, state: ts, lr: 0.01, step, ...cfg.opts });
        refStep(cfg, p, g, st, 0.01, step);
      }
      expectClose(await backend.read(tp), p, 'param', 1e-5, 1e-6);
      for (let i = 0; i < nState; i++) expectClose(await backend.read(ts[i]!), st[i]!, `state ${i}`);
      expect(() => backend.optimizerStep({ kind: cfg.kind, param: tp, grad: tg, state: [...ts, tg], lr: 0.01, step: 1, ...cfg.opts })).toThrow(InvalidArgumentError);
      for (const t of [tp, tg, ...ts]) backend.dispose(t);
    });
  }
});
