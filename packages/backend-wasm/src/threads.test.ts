// The threaded build gives bit-identical outputs and gradients with 1, 2 and 4 threads: work is
// split by output (rows of the big GEMMs; batch rows or hidden units in the step loop), never by a
// reduction. parallelMinStepFlops: 0 puts these small shapes on threads; each shape gives every
// thread at least 8 batch rows (row split) or 8 hidden units (unit split).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CELL_KINDS, GATE_COUNT, type CellKind, type Tensor } from '@recur/backend';
import { createWasmBackend, type WasmBackend } from './index.js';
import { kernelBuilds } from './testing/kernel-builds.js';
import { randArray, rng } from './testing/compare.js';

interface Shape {
  T: number;
  B: number;
  I: number;
  H: number;
  reverse?: boolean;
  lengths?: number[];
}

const shapes: Record<string, Shape> = {
  'packed path (B ≥ 4), H % 8 != 0': { T: 5, B: 6, I: 3, H: 37 },
  'batch of two (matrix-vector path)': { T: 4, B: 2, I: 5, H: 40 },
  'lengths + reverse': { T: 6, B: 5, I: 4, H: 33, reverse: true, lengths: [6, 2, 0, 5, 3] },
  'k-blocking (H > 256), I = 1': { T: 3, B: 4, I: 1, H: 264 },
  // B ≥ 8·threads: the step loop splits batch rows; 33 rows leave a one-row tail in the last share
  'row split, H < 8·threads, ragged last share': { T: 5, B: 33, I: 3, H: 12 },
  'row split + lengths + reverse': { T: 6, B: 40, I: 4, H: 37, reverse: true, lengths: [...Array(40).keys()].map((b) => (b * 5) % 7) },
  'row split on 2 threads, unit split on 4': { T: 4, B: 20, I: 2, H: 40 },
};

/** Every output of one forward (training) + backward, as raw float32 arrays. */
async function runAll(backend: WasmBackend, cell: CellKind, s: Shape, seed: number): Promise<Record<string, Float32Array>> {
  const { T, B, I, H } = s;
  const GH = GATE_COUNT[cell] * H;
  const r = rng(seed);
  const lstm = cell === 'lstm';
  const t: Tensor[] = [];
  const up = (n: number, shape: number[], lo = -1, hi = 1) => {
    const x = backend.upload(randArray(r, n, lo, hi), shape);
    t.push(x);
    return x;
  };
  const zeros = (shape: number[]) => {
    const x = backend.alloc(shape);
    t.push(x);
    return x;
  };
  const sc = 2 / Math.sqrt(H);
  const x = up(T * B * I, [T, B, I]);
  const w = { wIh: up(GH * I, [GH, I], -sc, sc), wHh: up(GH * H, [GH, H], -sc, sc), bIh: up(GH, [GH]), bHh: up(GH, [GH]) };
  const h0 = up(B * H, [B, H]);
  const c0 = lstm ? up(B * H, [B, H]) : null;
  const y = zeros([T, B, H]);
  const hN = zeros([B, H]);
  const cN = lstm ? zeros([B, H]) : null;
  const shape = { cell, T, B, I, H, reverse: s.reverse, lengths: s.lengths ? Int32Array.from(s.lengths) : null };
  const cache = backend.cellForward({ ...shape, ...w, x, h0, c0, y, hN, cN, training: true })!;
  t.push(cache);
  const g = {
    dx: zeros([T, B, I]),
    dWih: zeros([GH, I]),
    dWhh: zeros([GH, H]),
    dbIh: zeros([GH]),
    dbHh: zeros([GH]),
    dh0: zeros([B, H]),
    dc0: lstm ? zeros([B, H]) : null,
  };
  backend.cellBackward({ ...shape, ...w, x, h0, c0, cache, dy: up(T * B * H, [T, B, H]), dhN: up(B * H, [B, H]), dcN: lstm ? up(B * H, [B, H]) : null, ...g });
  const read = async (x: Tensor) => Float32Array.from(await backend.read(x));
  const out: Record<string, Float32Array> = { y: await read(y), hN: await read(hN), cache: await read(cache) };
  if (cN) out.cN = await read(cN);
  for (const [k, v] of Object.entries(g)) if (v) out[k] = await read(v);
  for (const x of t) backend.dispose(x);
  return out;
}

for (const build of kernelBuilds()) {
  describe(`threaded wasm kernels are bit-identical across thread counts (${build.name} build)`, () => {
    const backends: WasmBackend[] = [];
    beforeAll(async () => {
      for (const threads of [1, 2, 4]) {
        backends.push(await createWasmBackend({ wasm: build.path, wasmThreads: build.threadsPath, threads, parallelMinStepFlops: 0 }));
      }
    });
    afterAll(() => {
      for (const b of backends) b.destroy();
    });

    it('runs the requested thread counts', () => {
      expect(backends.map((b) => b.threads)).toEqual([1, 2, 4]);
      expect(backends.map((b) => b.threadsUnavailable)).toEqual([null, null, null]);
    });

    let seed = 100;
    for (const cell of CELL_KINDS) {
      for (const [name, s] of Object.entries(shapes)) {
        const sd = seed++;
        it(`${cell}: ${name}`, async () => {
          const runsBefore = backends.map((b) => b.parallelRuns);
          const [one, ...more] = await Promise.all(backends.map((b) => runAll(b, cell, s, sd)));
          // forward and backward ran on the pool wherever there is one
          expect(backends.map((b, i) => b.parallelRuns - runsBefore[i]!)).toEqual([0, 2, 2]);
          for (const [i, other] of more.entries()) {
            for (const [k, v] of Object.entries(one!)) {
              const o = other[k]!;
              expect(o.length, k).toBe(v.length);
              // bitwise: compare the raw bits, so -0/+0 and NaN payloads would count too
              const a = new Uint32Array(v.buffer, v.byteOffset, v.length);
              const b = new Uint32Array(o.buffer, o.byteOffset, o.length);
              const firstDiff = a.findIndex((bits, j) => bits !== b[j]);
              expect(firstDiff, `${k} with ${[2, 4][i]} threads differs from 1 thread at element ${firstDiff}`).toBe(-1);
            }
            expect(Object.keys(other).sort()).toEqual(Object.keys(one!).sort());
          }
          for (const v of Object.values(one!)) expect(v.every(Number.isFinite)).toBe(true);
        });
      }
    }

    it('leaves no live tensors behind', () => {
      for (const b of backends) expect(b.memory()).toEqual({ liveTensors: 0, liveBytes: 0 });
    });
  });
}
