/**
 * cellForward / cellBackward on the tfjs cpu engine against the float64 CPU reference, for every
 * cell kind, both directions, padding (lengths), strided outputs (bidirectional layout) and
 * accumulation into pre-filled gradients. Also: no tfjs tensor leaks per step or per sequence.
 */
import { describe, expect, it } from 'vitest';
import { CELL_KINDS, GATE_COUNT, InvalidArgumentError, ShapeError, type Backend, type CellKind, type Tensor } from '@recur/backend';
import type { TfjsBackend } from '../index.js';
import { expectPairClose, type Pair, randomArray, rng, upload2, withBackendPair } from '../compare.test-util.js';

let tfb: TfjsBackend;
let ref: Backend;

withBackendPair((t, c) => {
  tfb = t;
  ref = c;
});

interface Case {
  readonly cell: CellKind;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly reverse?: boolean;
  readonly lengths?: number[];
  readonly bidirectionalLayout?: boolean;
  readonly bias?: boolean;
  readonly h0?: boolean;
}

/** Run forward + backward on both backends and compare every output. */
async function compareCase(c: Case, seed: number): Promise<void> {
  const r = rng(seed);
  const liveBefore = tfb.memory().liveTensors;
  const { cell, T, B, I, H } = c;
  const G = GATE_COUNT[cell];
  const lstm = cell === 'lstm';
  const yStride = c.bidirectionalLayout ? 2 * H : H;
  const yOffset = c.bidirectionalLayout && c.reverse ? H : 0;
  const lengths = c.lengths ? Int32Array.from(c.lengths) : null;
  const all: Pair[] = [];
  const mk = (data: ArrayLike<number>, shape: number[]): Pair => {
    const p = upload2(tfb, ref, data, shape);
    all.push(p);
    return p;
  };
  const rand = (shape: number[], scale = 1): Pair => mk(randomArray(r, shape.reduce((a, b) => a * b, 1), -scale, scale), shape);
  const x = rand([T, B, I]);
  const wIh = rand([G * H, I], 0.6);
  const wHh = rand([G * H, H], 0.6);
  const bIh = c.bias === false ? null : rand([G * H], 0.3);
  const bHh = c.bias === false ? null : rand([G * H], 0.3);
  const h0 = c.h0 === false ? null : rand([B, H], 0.5);
  const c0 = lstm && c.h0 !== false ? rand([B, H], 0.5) : null;
  const y = rand([T, B, yStride]); // pre-filled: the other half must survive
  const hN = rand([B, H]);
  const cN = lstm ? rand([B, H]) : null;
  const shape = { cell, T, B, I, H, reverse: c.reverse === true, lengths, yStride, yOffset };
  const caches: { tf: Tensor | null; ref: Tensor | null } = { tf: null, ref: null };
  for (const side of ['tf', 'ref'] as const) {
    const be = side === 'tf' ? tfb : ref;
    caches[side] = be.cellForward({
      ...shape,
      x: x[side],
      wIh: wIh[side],
      wHh: wHh[side],
      bIh: bIh ? bIh[side] : null,
      bHh: bHh ? bHh[side] : null,
      h0: h0 ? h0[side] : null,
      c0: c0 ? c0[side] : null,
      y: y[side],
      hN: hN[side],
      cN: cN ? cN[side] : null,
      training: true,
    });
  }
  await expectPairClose(tfb, ref, y, 'y');
  await expectPairClose(tfb, ref, hN, 'hN');
  if (cN) await expectPairClose(tfb, ref, cN, 'cN');

  const dy = rand([T, B, yStride]);
  const dhN = rand([B, H]);
  const dcN = lstm ? rand([B, H]) : null;
  // Pre-filled gradient outputs: the kernel must add to them.
  const dx = rand([T, B, I]);
  const dWih = rand([G * H, I]);
  const dWhh = rand([G * H, H]);
  const dbIh = bIh ? rand([G * H]) : null;
  const dbHh = bHh ? rand([G * H]) : null;
  const dh0 = rand([B, H]);
  const dc0 = lstm ? rand([B, H]) : null;
  for (const side of ['tf', 'ref'] as const) {
    const be = side === 'tf' ? tfb : ref;
    be.cellBackward({
      ...shape,
      x: x[side],
      wIh: wIh[side],
      wHh: wHh[side],
      bIh: bIh ? bIh[side] : null,
      bHh: bHh ? bHh[side] : null,
      h0: h0 ? h0[side] : null,
      c0: c0 ? c0[side] : null,
      cache: caches[side] as Tensor,
      dy: dy[side],
      dhN: dhN[side],
      dcN: dcN ? dcN[side] : null,
      dx: dx[side],
      dWih: dWih[side],
      dWhh: dWhh[side],
      dbIh: dbIh ? dbIh[side] : null,
      dbHh: dbHh ? dbHh[side] : null,
      dh0: dh0[side],
      dc0: dc0 ? dc0[side] : null,
    });
  }
  await expectPairClose(tfb, ref, dx, 'dx');
  await expectPairClose(tfb, ref, dWih, 'dWih');
  await expectPairClose(tfb, ref, dWhh, 'dWhh');
  if (dbIh) await expectPairClose(tfb, ref, dbIh, 'dbIh');
  if (dbHh) await expectPairClose(tfb, ref, dbHh, 'dbHh');
  await expectPairClose(tfb, ref, dh0, 'dh0');
  if (dc0) await expectPairClose(tfb, ref, dc0, 'dc0');

  for (const p of all) {
    tfb.dispose(p.tf);
    ref.dispose(p.ref);
  }
  tfb.dispose(caches.tf as Tensor);
  ref.dispose(caches.ref as Tensor);
  expect(tfb.memory().liveTensors).toBe(liveBefore);
}

describe.each(CELL_KINDS.map((cell) => [cell]))('%s forward + backward vs the CPU reference', (cell) => {
  let seed = 100;
  it('forward direction, full length', () => compareCase({ cell, T: 5, B: 3, I: 4, H: 5 }, seed++));
  it('reverse direction, bidirectional output layout', () =>
    compareCase({ cell, T: 4, B: 2, I: 3, H: 6, reverse: true, bidirectionalLayout: true }, seed++));
  it('forward half of a bidirectional layout, no h0', () => compareCase({ cell, T: 3, B: 2, I: 3, H: 4, bidirectionalLayout: true, h0: false }, seed++));
  it('padded batch (lengths), forward', () => compareCase({ cell, T: 6, B: 3, I: 2, H: 3, lengths: [6, 2, 4] }, seed++));
  it('padded batch (lengths), reverse', () => compareCase({ cell, T: 6, B: 3, I: 2, H: 3, reverse: true, lengths: [3, 6, 1] }, seed++));
  it('no bias, T = 1, B = 1', () => compareCase({ cell, T: 1, B: 1, I: 5, H: 7, bias: false }, seed++));
  it('a sequence of length 0 carries h0 through, both directions', async () => {
    await compareCase({ cell, T: 3, B: 3, I: 2, H: 3, lengths: [3, 0, 1] }, seed++);
    await compareCase({ cell, T: 3, B: 3, I: 2, H: 3, lengths: [0, 2, 3], reverse: true }, seed++);
  });
  it('streaming in place: hN is h0 and cN is c0 (state carried in one tensor)', async () => {
    const r = rng(seed++);
    const G = GATE_COUNT[cell];
    const [T, B, I, H] = [1, 2, 3, 4];
    const up = (shape: number[]) => upload2(tfb, ref, randomArray(r, shape.reduce((a, b) => a * b, 1)), shape);
    const w = { wIh: up([G * H, I]), wHh: up([G * H, H]), bIh: up([G * H]), bHh: up([G * H]) };
    const h = up([B, H]);
    const c = up([B, H]);
    const y = up([T, B, H]);
    for (let step = 0; step < 3; step++) {
      const x = up([T, B, I]);
      for (const [be, s] of [
        [tfb, 'tf'],
        [ref, 'ref'],
      ] as const) {
        be.cellForward({
          cell, T, B, I, H,
          x: x[s], wIh: w.wIh[s], wHh: w.wHh[s], bIh: w.bIh[s], bHh: w.bHh[s],
          h0: h[s], c0: cell === 'lstm' ? c[s] : null, y: y[s], hN: h[s], cN: cell === 'lstm' ? c[s] : null,
        });
      }
      tfb.dispose(x.tf);
      ref.dispose(x.ref);
    }
    await expectPairClose(tfb, ref, h, 'h after 3 steps');
    if (cell === 'lstm') await expectPairClose(tfb, ref, c, 'c after 3 steps');
    await expectPairClose(tfb, ref, y, 'y');
    for (const p of [w.wIh, w.wHh, w.bIh, w.bHh, h, c, y]) {
      tfb.dispose(p.tf);
      ref.dispose(p.ref);
    }
  });
});

describe('memory', () => {
  it('leaves no tfjs tensor behind per step or per sequence (inference and training)', async () => {
    const r = rng(7);
    const T = 12;
    const B = 2;
    const I = 3;
    const H = 4;
    const up = (n: number, shape: number[]) => tfb.upload(randomArray(r, n), shape);
    const x = up(T * B * I, [T, B, I]);
    const wIh = up(4 * H * I, [4 * H, I]);
    const wHh = up(4 * H * H, [4 * H, H]);
    const y = tfb.alloc([T, B, H]);
    const hN = tfb.alloc([B, H]);
    const cN = tfb.alloc([B, H]);
    const grads = [tfb.alloc([4 * H, I]), tfb.alloc([4 * H, H]), tfb.alloc([T, B, I])] as const;
    const params = { cell: 'lstm' as const, T, B, I, H, x, wIh, wHh, bIh: null, bHh: null, h0: null, c0: null, y, hN, cN };
    // The first call transposes the weights once and keeps W_ihᵀ, W_hhᵀ with their handles.
    tfb.cellForward(params);
    const base = tfb.tf.memory().numTensors;
    const handles = tfb.memory().liveTensors;
    for (let rep = 0; rep < 3; rep++) {
      tfb.cellForward(params);
      expect(tfb.tf.memory().numTensors).toBe(base);
      const cache = tfb.cellForward({ ...params, training: true, lengths: Int32Array.from([T, 5]) });
      expect(cache).not.toBeNull();
      tfb.cellBackward({ ...params, lengths: Int32Array.from([T, 5]), cache: cache as Tensor, dy: y, dhN: hN, dx: grads[2], dWih: grads[0], dWhh: grads[1], dbIh: null, dbHh: null });
      tfb.dispose(cache as Tensor);
      expect(tfb.tf.memory().numTensors).toBe(base);
      expect(tfb.memory().liveTensors).toBe(handles);
    }
    // The cache is reported while alive, exactly (one handle, its bytes counted).
    const before = tfb.memory();
    const cache = tfb.cellForward({ ...params, training: true }) as Tensor;
    expect(tfb.memory().liveTensors).toBe(before.liveTensors + 1);
    expect(tfb.memory().liveBytes).toBe(before.liveBytes + cache.size * 4);
    tfb.dispose(cache);
    // Disposing the handles frees every tfjs tensor, the cached transposes included.
    for (const t of [x, wIh, wHh, y, hN, cN, ...grads]) tfb.dispose(t);
    expect(tfb.memory().liveTensors).toBe(handles - 9);
    expect(tfb.tf.memory().numTensors).toBe(base - 9 - 2);
  });
});

describe('cached weight transposes', () => {
  it('follow writes to the weights (write and kernels)', async () => {
    const up = (data: number[], shape: number[]) => upload2(tfb, ref, data, shape);
    const shape = { cell: 'rnn-tanh' as const, T: 1, B: 1, I: 2, H: 2 };
    const x = up([0.5, -0.25], [1, 1, 2]);
    const wIh = up([0.1, 0.2, 0.3, 0.4], [2, 2]);
    const wHh = up([0.5, -0.5, 0.25, 0.125], [2, 2]);
    const y = up([0, 0], [1, 1, 2]);
    const hN = up([0, 0], [1, 2]);
    const run = async (what: string) => {
      for (const [be, s] of [
        [tfb, 'tf'],
        [ref, 'ref'],
      ] as const) {
        be.cellForward({ ...shape, x: x[s], wIh: wIh[s], wHh: wHh[s], bIh: null, bHh: null, h0: hN[s], y: y[s], hN: hN[s] });
      }
      await expectPairClose(tfb, ref, hN, what);
    };
    await run('first');
    tfb.write(wIh.tf, [-0.7], 1);
    ref.write(wIh.ref, [-0.7], 1);
    await run('after write');
    tfb.scale(wHh.tf, 3);
    ref.scale(wHh.ref, 3);
    await run('after scale');
    for (const p of [x, wIh, wHh, y, hN]) {
      tfb.dispose(p.tf);
      ref.dispose(p.ref);
    }
  });
});

describe('errors', () => {
  it('rejects a cache from a different layout, and a non-cache tensor, with typed errors', () => {
    const T = 2;
    const B = 1;
    const I = 2;
    const H = 2;
    const t = (shape: number[]) => tfb.alloc(shape);
    const base = { T, B, I, H, x: t([T, B, I]), h0: null, y: t([T, B, H]), hN: t([B, H]), bIh: null, bHh: null };
    const rnnW = { wIh: t([H, I]), wHh: t([H, H]) };
    const cache = tfb.cellForward({ ...base, ...rnnW, cell: 'rnn-tanh', training: true }) as Tensor;
    const grads = { dy: null, dx: null, dWih: t([H, I]), dWhh: t([H, H]), dbIh: null, dbHh: null };
    expect(() => tfb.cellBackward({ ...base, ...rnnW, ...grads, cell: 'rnn-relu', cache })).toThrow(InvalidArgumentError);
    expect(() => tfb.cellBackward({ ...base, ...rnnW, ...grads, cell: 'rnn-tanh', reverse: true, cache })).toThrow(/reverse/);
    expect(() => tfb.cellBackward({ ...base, ...rnnW, ...grads, cell: 'rnn-tanh', cache: base.y })).toThrow(/not a cache/);
    expect(() => tfb.cellForward({ ...base, ...rnnW, cell: 'rnn-tanh', x: t([T, B, I + 1]) })).toThrow(ShapeError);
    tfb.dispose(cache);
    expect(() => tfb.cellBackward({ ...base, ...rnnW, ...grads, cell: 'rnn-tanh', cache })).toThrow(/disposed/);
  });
});
