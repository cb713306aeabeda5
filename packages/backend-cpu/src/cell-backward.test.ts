/**
 * cellBackward against centred finite differences of the naive float64 reference, for all four
 * cell kinds, forward and reverse, full-length and padded, with strided y (bidirectional layout).
 *
 * The scalar checked is L = Σ y⊙Ry + Σ h_N⊙Rh (+ Σ c_N⊙Rc), so dy = Ry, dhN = Rh, dcN = Rc.
 */
import { CELL_KINDS, type Backend, type CellKind, type Tensor } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './index.js';
import { gatesOf, naiveSequence, rand, type NaiveParams } from './naive-cells.test-util.js';

interface Case {
  name: string;
  reverse: boolean;
  lengths: number[] | null;
  /** Bidirectional layout: y rows of stride 2H, this direction at offset H. */
  strided: boolean;
}

const CASES: Case[] = [
  { name: 'forward, full length', reverse: false, lengths: null, strided: false },
  { name: 'reverse, padded, strided y', reverse: true, lengths: [4, 2, 1], strided: true },
  { name: 'forward, padded', reverse: false, lengths: [1, 4, 3], strided: false },
];

const T = 4;
const B = 3;
const I = 3;
const H = 5;

function lossOf(p: NaiveParams, ry: number[], rh: number[], rc: number[]): number {
  const r = naiveSequence(p);
  let l = 0;
  r.y.forEach((v, i) => (l += v * ry[i]!));
  r.hN.forEach((v, i) => (l += v * rh[i]!));
  if (p.kind === 'lstm') r.cN.forEach((v, i) => (l += v * rc[i]!));
  return l;
}

function numericGrad(p: NaiveParams, key: 'x' | 'wIh' | 'wHh' | 'bIh' | 'bHh' | 'h0' | 'c0', ry: number[], rh: number[], rc: number[]): number[] {
  const arr = p[key] as number[];
  const eps = 1e-6;
  return arr.map((v, i) => {
    arr[i] = v + eps;
    const lp = lossOf(p, ry, rh, rc);
    arr[i] = v - eps;
    const lm = lossOf(p, ry, rh, rc);
    arr[i] = v;
    return (lp - lm) / (2 * eps);
  });
}

async function expectClose(be: Backend, t: Tensor, want: number[], what: string): Promise<void> {
  const got = Array.from(await be.read(t));
  expect(got.length, what).toBe(want.length);
  // Centred differences with step 1e-6 are good to ~1e-9 absolute here.
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-7 + 1e-5 * Math.abs(want[i]!);
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) expect.fail(`${what}[${i}]: backward ${got[i]}, finite differences ${want[i]}`);
  }
}

describe.each(CELL_KINDS)('cellBackward %s vs finite differences (float64)', (kind: CellKind) => {
  it.each(CASES)('$name', async (c) => {
    const be = createCpuBackend({ precision: 'float64' });
    const G = gatesOf(kind);
    const GH = G * H;
    const seed = 17 * (CELL_KINDS.indexOf(kind) + 1) + (c.reverse ? 3 : 0) + (c.lengths ? 5 : 0);
    const p: NaiveParams = {
      kind,
      T,
      B,
      I,
      H,
      x: rand(T * B * I, seed, 1),
      wIh: rand(GH * I, seed + 1, 0.6),
      wHh: rand(GH * H, seed + 2, 0.6),
      bIh: rand(GH, seed + 3, 0.3),
      bHh: rand(GH, seed + 4, 0.3),
      h0: rand(B * H, seed + 5, 0.5),
      c0: kind === 'lstm' ? rand(B * H, seed + 6, 0.5) : null,
      reverse: c.reverse,
      lengths: c.lengths,
    };
    // relu's kink: keep pre-activations away from 0 by construction is impractical; the FD step
    // is 1e-6 and the random draws make a crossing within it vanishingly unlikely.
    const ry = rand(T * B * H, seed + 7);
    const rh = rand(B * H, seed + 8);
    const rc = rand(B * H, seed + 9);

    const yStride = c.strided ? 2 * H : H;
    const yOffset = c.strided ? H : 0;
    const dyFull = new Array<number>(T * B * yStride).fill(0);
    for (let r = 0; r < T * B; r++) for (let j = 0; j < H; j++) dyFull[r * yStride + yOffset + j] = ry[r * H + j]!;
    // Noise in the other direction's columns must be ignored.
    if (c.strided) for (let r = 0; r < T * B; r++) for (let j = 0; j < H; j++) dyFull[r * yStride + j] = 1000;

    const up = (a: number[], shape: number[]) => be.upload(a, shape);
    const lengths = c.lengths ? Int32Array.from(c.lengths) : null;
    const weights = { wIh: up(p.wIh, [GH, I]), wHh: up(p.wHh, [GH, H]), bIh: up(p.bIh!, [GH]), bHh: up(p.bHh!, [GH]) };
    const x = up(p.x, [T, B, I]);
    const h0 = up(p.h0!, [B, H]);
    const c0 = p.c0 ? up(p.c0, [B, H]) : null;
    const shape = { cell: kind, T, B, I, H, reverse: c.reverse, lengths, yStride, yOffset };
    const y = be.alloc([T, B, yStride]);
    const cache = be.cellForward({ ...shape, ...weights, x, h0, c0, y, hN: be.alloc([B, H]), cN: be.alloc([B, H]), training: true });
    expect(cache).not.toBeNull();

    const grads = {
      dx: be.alloc([T, B, I]),
      dWih: be.alloc([GH, I]),
      dWhh: be.alloc([GH, H]),
      dbIh: be.alloc([GH]),
      dbHh: be.alloc([GH]),
      dh0: be.alloc([B, H]),
      dc0: be.alloc([B, H]),
    };
    be.cellBackward({
      ...shape,
      ...weights,
      x,
      h0,
      c0,
      cache: cache!,
      dy: up(dyFull, [T, B, yStride]),
      dhN: up(rh, [B, H]),
      dcN: kind === 'lstm' ? up(rc, [B, H]) : null,
      ...grads,
    });

    await expectClose(be, grads.dx, numericGrad(p, 'x', ry, rh, rc), 'dx');
    await expectClose(be, grads.dWih, numericGrad(p, 'wIh', ry, rh, rc), 'dW_ih');
    await expectClose(be, grads.dWhh, numericGrad(p, 'wHh', ry, rh, rc), 'dW_hh');
    await expectClose(be, grads.dbIh, numericGrad(p, 'bIh', ry, rh, rc), 'db_ih');
    await expectClose(be, grads.dbHh, numericGrad(p, 'bHh', ry, rh, rc), 'db_hh');
    await expectClose(be, grads.dh0, numericGrad(p, 'h0', ry, rh, rc), 'dh0');
    if (kind === 'lstm') await expectClose(be, grads.dc0, numericGrad(p, 'c0', ry, rh, rc), 'dc0');
    be.destroy();
  });
});

describe('float32 cellBackward agrees with the float64 oracle', () => {
  it.each(CELL_KINDS)('%s (H not a multiple of 4, padded, reverse)', async (kind) => {
    const [T2, B2, I2, H2] = [6, 5, 3, 19];
    const GH = gatesOf(kind) * H2;
    const lengths = Int32Array.from([6, 3, 1, 5, 6]);
    const run = async (precision: 'float32' | 'float64') => {
      const be = createCpuBackend({ precision });
      const up = (n: number, seed: number, shape: number[], scale = 0.5) => be.upload(rand(n, seed, scale), shape);
      const shape = { cell: kind, T: T2, B: B2, I: I2, H: H2, reverse: true, lengths };
      const common = {
        ...shape,
        x: up(T2 * B2 * I2, 1, [T2, B2, I2], 1),
        wIh: up(GH * I2, 2, [GH, I2]),
        wHh: up(GH * H2, 3, [GH, H2], 0.3),
        bIh: up(GH, 4, [GH]),
        bHh: up(GH, 5, [GH]),
        h0: up(B2 * H2, 6, [B2, H2]),
        c0: up(B2 * H2, 7, [B2, H2]),
      };
      const cache = be.cellForward({ ...common, y: be.alloc([T2, B2, H2]), hN: be.alloc([B2, H2]), cN: be.alloc([B2, H2]), training: true })!;
      const g = { dx: be.alloc([T2, B2, I2]), dWih: be.alloc([GH, I2]), dWhh: be.alloc([GH, H2]), dbIh: be.alloc([GH]), dbHh: be.alloc([GH]), dh0: be.alloc([B2, H2]), dc0: be.alloc([B2, H2]) };
      be.cellBackward({ ...common, cache, dy: up(T2 * B2 * H2, 8, [T2, B2, H2], 1), dhN: up(B2 * H2, 9, [B2, H2], 1), dcN: up(B2 * H2, 10, [B2, H2], 1), ...g });
      const out: Record<string, number[]> = {};
      for (const [k, t] of Object.entries(g)) out[k] = Array.from(await be.read(t));
      return out;
    };
    const f32 = await run('float32');
    const f64 = await run('float64');
    for (const k of Object.keys(f64)) {
      const a = f32[k]!;
      const b = f64[k]!;
      for (let i = 0; i < b.length; i++) {
        if (!(Math.abs(a[i]! - b[i]!) <= 2e-5 + 2e-4 * Math.abs(b[i]!))) expect.fail(`${k}[${i}]: float32 ${a[i]}, float64 ${b[i]}`);
      }
    }
  });
});

describe('cellBackward accumulates into its outputs', () => {
  it.each(CELL_KINDS)('%s: outputs pre-filled with 1 end as 1 + gradient; null outputs are skipped', async (kind) => {
    const be = createCpuBackend({ precision: 'float64' });
    const [T2, B2, I2, H2] = [3, 2, 2, 3];
    const GH = gatesOf(kind) * H2;
    const up = (n: number, seed: number, shape: number[]) => be.upload(rand(n, seed, 0.5), shape);
    const common = {
      cell: kind,
      T: T2,
      B: B2,
      I: I2,
      H: H2,
      x: up(T2 * B2 * I2, 1, [T2, B2, I2]),
      wIh: up(GH * I2, 2, [GH, I2]),
      wHh: up(GH * H2, 3, [GH, H2]),
      bIh: up(GH, 4, [GH]),
      bHh: up(GH, 5, [GH]),
      h0: null,
      c0: null,
    };
    const cache = be.cellForward({ ...common, y: be.alloc([T2, B2, H2]), hN: be.alloc([B2, H2]), cN: be.alloc([B2, H2]), training: true })!;
    const dy = up(T2 * B2 * H2, 6, [T2, B2, H2]);
    const fresh = () => ({ dWih: be.alloc([GH, I2]), dWhh: be.alloc([GH, H2]), dbIh: be.alloc([GH]), dbHh: be.alloc([GH]), dx: be.alloc([T2, B2, I2]) });
    const zero = fresh();
    be.cellBackward({ ...common, cache, dy, ...zero });
    const ones = fresh();
    for (const t of Object.values(ones)) be.fill(t, 1);
    be.cellBackward({ ...common, cache, dy, ...ones });
    for (const k of Object.keys(zero) as (keyof typeof zero)[]) {
      const g = await be.read(zero[k]);
      const g1 = await be.read(ones[k]);
      expect(g.some((v) => v !== 0), `${k} is non-zero`).toBe(true);
      g.forEach((v, i) => expect(g1[i], `${k}[${i}]`).toBeCloseTo(1 + v, 14));
    }
    // dy = null and dx = null: only dhN drives the gradient, and nothing is written to dx.
    const only = fresh();
    be.cellBackward({ ...common, cache, dy: null, dhN: up(B2 * H2, 7, [B2, H2]), ...only, dx: null });
    expect(Array.from(await be.read(only.dx)).every((v) => v === 0)).toBe(true);
    expect(Array.from(await be.read(only.dWhh)).some((v) => v !== 0)).toBe(true);
    be.destroy();
  });
});
