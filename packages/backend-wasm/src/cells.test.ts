import { beforeAll, describe, expect, it } from 'vitest';
import { CELL_KINDS, GATE_COUNT, InvalidArgumentError, ShapeError, type Backend, type CellKind, type Tensor } from '@recur/backend';
import { createWasmBackend } from './index.js';
import { kernelBuilds } from './testing/kernel-builds.js';
import { expectClose, randArray, rng } from './testing/compare.js';
import { referenceCell } from './testing/reference.js';

let backend: Backend;

interface Case {
  T: number;
  B: number;
  I: number;
  H: number;
  reverse?: boolean;
  lengths?: number[];
  yStride?: number;
  yOffset?: number;
  noBias?: boolean;
  noH0?: boolean;
}

const cases: Record<string, Case> = {
  'odd sizes (H % 4 != 0)': { T: 4, B: 5, I: 3, H: 6 },
  'batch of one (matrix-vector path)': { T: 3, B: 1, I: 8, H: 12 },
  'aligned, packed path': { T: 5, B: 8, I: 16, H: 32 },
  'single step': { T: 1, B: 6, I: 2, H: 5 },
  reverse: { T: 4, B: 4, I: 3, H: 7, reverse: true },
  'lengths (padding)': { T: 5, B: 4, I: 3, H: 6, lengths: [5, 2, 3, 0] },
  'lengths + reverse': { T: 5, B: 4, I: 3, H: 6, lengths: [1, 5, 3, 4], reverse: true },
  'bidirectional half (yStride, yOffset)': { T: 3, B: 4, I: 3, H: 5, yStride: 10, yOffset: 5 },
  'no bias, no h0': { T: 3, B: 4, I: 3, H: 8, noBias: true, noH0: true },
  'large H (k-blocking)': { T: 2, B: 4, I: 5, H: 260 },
  'batch of two, longer sequence': { T: 6, B: 2, I: 5, H: 9, lengths: [6, 4] },
  'wide input (I > 4), batch of three': { T: 3, B: 3, I: 17, H: 8, reverse: true },
};

async function runCase(cell: CellKind, cs: Case, seed: number): Promise<void> {
  const { T, B, I, H } = cs;
  const G = GATE_COUNT[cell];
  const GH = G * H;
  const yStride = cs.yStride ?? H;
  const yOffset = cs.yOffset ?? 0;
  const r = rng(seed);
  const scale = 1 / Math.sqrt(H);
  const x = randArray(r, T * B * I);
  const wIh = randArray(r, GH * I, -scale * 2, scale * 2);
  const wHh = randArray(r, GH * H, -scale * 2, scale * 2);
  const bIh = cs.noBias ? null : randArray(r, GH, -0.5, 0.5);
  const bHh = cs.noBias ? null : randArray(r, GH, -0.5, 0.5);
  const h0 = cs.noH0 ? null : randArray(r, B * H);
  const c0 = cs.noH0 || cell !== 'lstm' ? null : randArray(r, B * H);
  const dyFull = randArray(r, T * B * yStride);
  const dhN = randArray(r, B * H);
  const dcN = randArray(r, B * H);
  const lengths = cs.lengths ? Int32Array.from(cs.lengths) : null;
  const ref = referenceCell(
    { cell, T, B, I, H, reverse: cs.reverse, lengths, x, wIh, wHh, bIh, bHh, h0, c0 },
    {
      dy: Float64Array.from({ length: T * B * H }, (_, i) => dyFull[Math.floor(i / H) * yStride + yOffset + (i % H)]!),
      dhN,
      dcN: cell === 'lstm' ? dcN : null,
    },
  );
  const up = (a: Float64Array | null, shape: number[]) => (a ? backend.upload(a, shape) : null);
  const tx = backend.upload(x, [T, B, I]);
  const tWih = backend.upload(wIh, [GH, I]);
  const tWhh = backend.upload(wHh, [GH, H]);
  const tbIh = up(bIh, [GH]);
  const tbHh = up(bHh, [GH]);
  const th0 = up(h0, [B, H]);
  const tc0 = up(c0, [B, H]);
  // y columns outside this direction's block must be left alone
  const yInit = randArray(r, T * B * yStride);
  const ty = backend.upload(yInit, [T, B, yStride]);
  const thN = backend.alloc([B, H]);
  const tcN = cell === 'lstm' ? backend.alloc([B, H]) : null;
  const shape = { cell, T, B, I, H, reverse: cs.reverse, lengths, yStride, yOffset };
  const weights = { wIh: tWih, wHh: tWhh, bIh: tbIh, bHh: tbHh };
  const cache = backend.cellForward({ ...shape, ...weights, x: tx, h0: th0, c0: tc0, y: ty, hN: thN, cN: tcN, training: true });
  expect(cache).not.toBeNull();

  const y = await backend.read(ty);
  const yThis = new Float64Array(T * B * H);
  for (let row = 0; row < T * B; row++) {
    for (let j = 0; j < yStride; j++) {
      const v = y[row * yStride + j]!;
      if (j >= yOffset && j < yOffset + H) yThis[row * H + j - yOffset] = v;
      else expect(v, `y column ${j} outside the block`).toBe(Math.fround(yInit[row * yStride + j]!));
    }
  }
  expectClose(yThis, ref.y, 'y');
  expectClose(await backend.read(thN), ref.hN, 'hN');
  if (tcN) expectClose(await backend.read(tcN), ref.cN, 'cN');

  // inference (no cache) gives the same outputs
  const ty2 = backend.alloc([T, B, yStride]);
  const thN2 = backend.alloc([B, H]);
  const tcN2 = cell === 'lstm' ? backend.alloc([B, H]) : null;
  expect(backend.cellForward({ ...shape, ...weights, x: tx, h0: th0, c0: tc0, y: ty2, hN: thN2, cN: tcN2 })).toBeNull();
  expect(Array.from(await backend.read(thN2))).toEqual(Array.from(await backend.read(thN)));

  // backward, accumulating into pre-filled gradients
  const pre = (n: number, shapeArr: number[]) => {
    const init = randArray(r, n);
    return { init, t: backend.upload(init, shapeArr) };
  };
  const dx = pre(T * B * I, [T, B, I]);
  const dWih = pre(GH * I, [GH, I]);
  const dWhh = pre(GH * H, [GH, H]);
  const dbIh = cs.noBias ? null : pre(GH, [GH]);
  const dbHh = cs.noBias ? null : pre(GH, [GH]);
  const dh0 = pre(B * H, [B, H]);
  const dc0 = pre(B * H, [B, H]);
  const tdy = backend.upload(dyFull, [T, B, yStride]);
  const tdhN = backend.upload(dhN, [B, H]);
  const tdcN = backend.upload(dcN, [B, H]);
  backend.cellBackward({
    ...shape,
    ...weights,
    x: tx,
    h0: th0,
    c0: tc0,
    cache: cache!,
    dy: tdy,
    dhN: tdhN,
    dcN: cell === 'lstm' ? tdcN : null,
    dx: dx.t,
    dWih: dWih.t,
    dWhh: dWhh.t,
    dbIh: dbIh?.t ?? null,
    dbHh: dbHh?.t ?? null,
    dh0: dh0.t,
    dc0: cell === 'lstm' ? dc0.t : null,
  });
  const plus = (a: Float64Array, b: Float64Array) => a.map((v, i) => v + b[i]!);
  expectClose(await backend.read(dx.t), plus(dx.init, ref.dx), 'dx');
  expectClose(await backend.read(dWih.t), plus(dWih.init, ref.dWih), 'dWih');
  expectClose(await backend.read(dWhh.t), plus(dWhh.init, ref.dWhh), 'dWhh');
  if (dbIh) expectClose(await backend.read(dbIh.t), plus(dbIh.init, ref.dbIh), 'dbIh');
  if (dbHh) expectClose(await backend.read(dbHh.t), plus(dbHh.init, ref.dbHh), 'dbHh');
  expectClose(await backend.read(dh0.t), plus(dh0.init, ref.dh0), 'dh0');
  if (cell === 'lstm') expectClose(await backend.read(dc0.t), plus(dc0.init, ref.dc0), 'dc0');
  else expect(Array.from(await backend.read(dc0.t))).toEqual(Array.from(dc0.init, Math.fround));

  const all: (Tensor | null | undefined)[] = [tx, tWih, tWhh, tbIh, tbHh, th0, tc0, ty, thN, tcN, ty2, thN2, tcN2, cache, tdy, tdhN, tdcN];
  for (const g of [dx, dWih, dWhh, dbIh, dbHh, dh0, dc0]) all.push(g?.t);
  for (const t of all) if (t) backend.dispose(t);
}

for (const build of kernelBuilds()) describe(`wasm cellForward / cellBackward vs a float64 reference (${build.name} build)`, () => {
  beforeAll(async () => {
    backend = await createWasmBackend({ wasm: build.path });
  });
  let seed = 1;
  for (const cell of CELL_KINDS) {
    for (const [name, cs] of Object.entries(cases)) {
      const s = seed++;
      it(`${cell}: ${name}`, async () => {
        await runCase(cell, cs, s);
      });
    }
  }

  it('leaves no live tensors behind', () => {
    expect(backend.memory()).toEqual({ liveTensors: 0, liveBytes: 0 });
  });

  it('saturated gates stay finite', async () => {
    const T = 3, B = 2, I = 2, H = 4;
    for (const cell of CELL_KINDS) {
      const GH = GATE_COUNT[cell] * H;
      const x = backend.upload(new Array(T * B * I).fill(1e4), [T, B, I]);
      const wIh = backend.upload(new Array(GH * I).fill(50), [GH, I]);
      const wHh = backend.upload(new Array(GH * H).fill(-50), [GH, H]);
      const y = backend.alloc([T, B, H]);
      const hN = backend.alloc([B, H]);
      const cN = backend.alloc([B, H]);
      backend.cellForward({ cell, T, B, I, H, x, wIh, wHh, bIh: null, bHh: null, h0: null, c0: null, y, hN, cN });
      const out = await backend.read(y);
      if (cell !== 'rnn-relu') for (const v of out) expect(Number.isFinite(v) && Math.abs(v) <= 1).toBe(true);
      for (const t of [x, wIh, wHh, y, hN, cN]) backend.dispose(t);
    }
  });

  it('rejects a cache from a different call', () => {
    const T = 2, B = 2, I = 2, H = 3;
    const mk = (shape: number[]) => backend.alloc(shape);
    const x = mk([T, B, I]), wIh = mk([3 * H, I]), wHh = mk([3 * H, H]), y = mk([T, B, H]), hN = mk([B, H]);
    const cache = backend.cellForward({ cell: 'gru', T, B, I, H, x, wIh, wHh, bIh: null, bHh: null, h0: null, y, hN, training: true })!;
    const dW = mk([4 * H, I]), dWh = mk([4 * H, H]), w4 = mk([4 * H, I]), wh4 = mk([4 * H, H]), cN = mk([B, H]);
    // the shared check (@recur/backend checkCellCache), as on every backend: cell, shape, direction, lengths
    expect(() =>
      backend.cellBackward({ cell: 'lstm', T, B, I, H, x, wIh: w4, wHh: wh4, bIh: null, bHh: null, h0: null, cache, dy: y, dx: null, dWih: dW, dWhh: dWh, dbIh: null, dbHh: null }),
    ).toThrow(ShapeError);
    const dWg = mk([3 * H, I]), dWhg = mk([3 * H, H]);
    const gru = { cell: 'gru' as const, T, B, I, H, x, wIh, wHh, bIh: null, bHh: null, h0: null, cache, dy: y, dx: null, dWih: dWg, dWhh: dWhg, dbIh: null, dbHh: null };
    expect(() => backend.cellBackward({ ...gru, reverse: true })).toThrow(/a gru cache for T=2, B=2, I=2, H=3, reverse/);
    expect(() => backend.cellBackward({ ...gru, lengths: Int32Array.from([2, 1]) })).toThrow(InvalidArgumentError);
    expect(() => backend.cellBackward(gru)).not.toThrow();
    for (const t of [x, wIh, wHh, y, hN, cache, dW, dWh, w4, wh4, cN, dWg, dWhg]) backend.dispose(t);
  });
});
