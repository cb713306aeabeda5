/**
 * cellForward against the naive per-element reference, in both precisions, across directions,
 * padding, strided outputs, null states and null biases; plus saturation and accumulate rules.
 */
import { CELL_KINDS, type CellKind } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './index.js';
import { gatesOf, naiveSequence, rand } from './naive-cells.test-util.js';

interface Case {
  name: string;
  T: number;
  B: number;
  I: number;
  H: number;
  reverse?: boolean;
  lengths?: number[];
  strided?: boolean;
  zeroState?: boolean;
  noBias?: boolean;
}

const CASES: Case[] = [
  { name: 'single step, B=1', T: 1, B: 1, I: 1, H: 1 },
  { name: 'odd sizes', T: 7, B: 5, I: 3, H: 13 },
  { name: 'reverse', T: 6, B: 4, I: 5, H: 9, reverse: true },
  { name: 'padded', T: 6, B: 4, I: 2, H: 7, lengths: [6, 1, 3, 0] },
  { name: 'reverse, padded, strided (bidirectional half)', T: 5, B: 3, I: 4, H: 6, reverse: true, lengths: [2, 5, 4], strided: true },
  { name: 'null h0/c0 and no biases', T: 4, B: 2, I: 3, H: 17, zeroState: true, noBias: true },
  { name: 'H larger than a GEMM block', T: 3, B: 6, I: 9, H: 70 },
];

describe.each(['float64', 'float32'] as const)('cellForward (%s) vs naive reference', (precision) => {
  const tol = precision === 'float64' ? 1e-12 : 2e-5;
  describe.each(CELL_KINDS)('%s', (kind: CellKind) => {
    it.each(CASES)('$name', async (c) => {
      const be = createCpuBackend({ precision });
      const { T, B, I, H } = c;
      const G = gatesOf(kind);
      const GH = G * H;
      const seed = 101 + CELL_KINDS.indexOf(kind) * 13 + T;
      const x = rand(T * B * I, seed);
      const wIh = rand(GH * I, seed + 1, 0.5);
      const wHh = rand(GH * H, seed + 2, 0.5);
      const bIh = c.noBias ? null : rand(GH, seed + 3, 0.3);
      const bHh = c.noBias ? null : rand(GH, seed + 4, 0.3);
      const h0 = c.zeroState ? null : rand(B * H, seed + 5);
      const c0 = c.zeroState || kind !== 'lstm' ? null : rand(B * H, seed + 6);
      const ref = naiveSequence({ kind, T, B, I, H, x, wIh, wHh, bIh, bHh, h0, c0, reverse: c.reverse, lengths: c.lengths });

      const yStride = c.strided ? 2 * H + 1 : H;
      const yOffset = c.strided ? H + 1 : 0;
      // y starts as sentinel values: this direction must write all of its columns and only those.
      const y = be.upload(new Array<number>(T * B * yStride).fill(7), [T, B, yStride]);
      const hN = be.alloc([B, H]);
      const cN = be.alloc([B, H]);
      const cache = be.cellForward({
        cell: kind,
        T,
        B,
        I,
        H,
        reverse: c.reverse,
        lengths: c.lengths ? Int32Array.from(c.lengths) : null,
        yStride,
        yOffset,
        x: be.upload(x, [T, B, I]),
        wIh: be.upload(wIh, [GH, I]),
        wHh: be.upload(wHh, [GH, H]),
        bIh: bIh ? be.upload(bIh, [GH]) : null,
        bHh: bHh ? be.upload(bHh, [GH]) : null,
        h0: h0 ? be.upload(h0, [B, H]) : null,
        c0: c0 ? be.upload(c0, [B, H]) : null,
        y,
        hN,
        cN,
      });
      expect(cache).toBeNull();
      const yGot = await be.read(y);
      for (let r = 0; r < T * B; r++) {
        for (let j = 0; j < yStride; j++) {
          const got = yGot[r * yStride + j]!;
          const inside = j >= yOffset && j < yOffset + H;
          const want = inside ? ref.y[r * H + j - yOffset]! : 7;
          expect(Math.abs(got - want), `y[${r}, ${j}]`).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
        }
      }
      const hGot = await be.read(hN);
      ref.hN.forEach((v, i) => expect(Math.abs(hGot[i]! - v), `hN[${i}]`).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
      if (kind === 'lstm') {
        const cGot = await be.read(cN);
        ref.cN.forEach((v, i) => expect(Math.abs(cGot[i]! - v), `cN[${i}]`).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
      }
      be.destroy();
    });
  });
});

describe('cellForward numerics', () => {
  it.each(CELL_KINDS.filter((k) => k !== 'rnn-relu'))('%s stays finite and saturates on huge inputs', async (kind) => {
    const be = createCpuBackend();
    const T = 3;
    const B = 2;
    const I = 2;
    const H = 3;
    const GH = gatesOf(kind) * H;
    const x = be.upload(rand(T * B * I, 9, 1e4), [T, B, I]);
    const w = (n: number, s: number) => be.upload(rand(n, s, 1e3), [n]);
    const y = be.alloc([T, B, H]);
    const hN = be.alloc([B, H]);
    const cN = be.alloc([B, H]);
    const wIh = be.upload(rand(GH * I, 1, 1e3), [GH, I]);
    const wHh = be.upload(rand(GH * H, 2, 1e3), [GH, H]);
    be.cellForward({ cell: kind, T, B, I, H, x, wIh, wHh, bIh: w(GH, 3), bHh: w(GH, 4), h0: null, y, hN, cN });
    const out = await be.read(y);
    for (const v of out) {
      expect(Number.isFinite(v)).toBe(true);
      // every state is a convex mix / product of values in [−1, 1] (LSTM h = o·tanh(c)).
      expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
    be.destroy();
  });

  it('training returns an ordinary cache tensor the caller disposes', () => {
    const be = createCpuBackend();
    const [T, B, I, H] = [2, 2, 2, 2];
    const args = {
      cell: 'lstm' as const,
      T,
      B,
      I,
      H,
      x: be.alloc([T, B, I]),
      wIh: be.alloc([8, I]),
      wHh: be.alloc([8, H]),
      bIh: null,
      bHh: null,
      h0: null,
      y: be.alloc([T, B, H]),
      hN: be.alloc([B, H]),
      cN: be.alloc([B, H]),
    };
    const before = be.memory().liveTensors;
    const cache = be.cellForward({ ...args, training: true });
    expect(cache).not.toBeNull();
    expect(be.memory().liveTensors).toBe(before + 1);
    be.dispose(cache!);
    expect(be.memory().liveTensors).toBe(before);
    be.destroy();
  });
});
