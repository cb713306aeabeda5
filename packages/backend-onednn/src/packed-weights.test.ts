// Streaming inference (T ≤ 4, B ≤ 4) multiplies by copies of W_ih / W_hh packed once per parameter
// version (native/packed-matvec.cc). These tests pin it to oneDNN's RNN primitive (the training
// forward, which reads the weights as they are) on shapes with partial column groups, after every
// kind of change to the weights (a stale packed copy would give the old results), and on each
// instruction-set path the addon can pick.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CELL_KINDS, GATE_COUNT, type Backend, type CellKind, type Tensor } from '@recur/backend';
import { createRng, randomArray } from '@recur/conformance';
import { createOnednnBackend, probeOnednn } from './index.js';

interface Layer {
  cell: CellKind;
  B: number;
  I: number;
  H: number;
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor;
  bHh: Tensor;
  x: Tensor;
  h0: Tensor;
  c0: Tensor | null;
}

function layer(b: Backend, cell: CellKind, B: number, I: number, H: number, seed: number): Layer {
  const rng = createRng(seed);
  const G = GATE_COUNT[cell];
  const up = (n: number, shape: number[]) => b.upload(randomArray(rng, n, 0.5), shape);
  return {
    cell, B, I, H,
    wIh: up(G * H * I, [G * H, I]),
    wHh: up(G * H * H, [G * H, H]),
    bIh: up(G * H, [G * H]),
    bHh: up(G * H, [G * H]),
    x: up(B * I, [1, B, I]),
    h0: up(B * H, [B, H]),
    c0: cell === 'lstm' ? up(B * H, [B, H]) : null,
  };
}

/** One step, on the streaming path (training false) or on the primitive (training true): y and cN. */
async function step(b: Backend, l: Layer, training: boolean): Promise<number[]> {
  const { cell, B, I, H } = l;
  const lstm = cell === 'lstm';
  const y = b.alloc([1, B, H]);
  const hN = b.alloc([B, H]);
  const cN = lstm ? b.alloc([B, H]) : null;
  const cache = b.cellForward({ cell, T: 1, B, I, H, x: l.x, wIh: l.wIh, wHh: l.wHh, bIh: l.bIh, bHh: l.bHh, h0: l.h0, c0: l.c0, y, hN, cN, reverse: false, lengths: null, yStride: H, yOffset: 0, training });
  if (cache) b.dispose(cache);
  const out = [...(await b.read(y)), ...(cN ? await b.read(cN) : [])];
  for (const t of [y, hN, cN]) if (t) b.dispose(t);
  return out;
}

function expectClose(a: number[], p: number[]): void {
  expect(a.length).toBe(p.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - p[i]!) / (1 + Math.abs(p[i]!)));
  expect(worst).toBeLessThanOrEqual(2e-6);
}

/** B, I, H: W4's shape; a partial second column group (N = 400); a partial first group (GRU N = 210, B = 3). */
const SHAPES: readonly (readonly [number, number, number])[] = [
  [1, 8, 128],
  [1, 3, 100],
  [3, 20, 70],
];

describe.skipIf(!probeOnednn().available)('packed streaming weights', () => {
  for (const cell of CELL_KINDS) {
    it(`${cell}: matches the RNN primitive on ${SHAPES.map((s) => `B${s[0]} I${s[1]} H${s[2]}`).join(', ')}`, async () => {
      const b = await createOnednnBackend({ threads: 1 });
      for (const [B, I, H] of SHAPES) {
        const l = layer(b, cell, B, I, H, B * 1000 + H);
        const first = await step(b, l, false);
        expectClose(first, await step(b, l, true));
        expect(await step(b, l, false)).toEqual(first); // the packed copies are reused as they are
      }
      b.destroy();
    });
  }

  it('repacks after every kind of change to the weights', async () => {
    const b = await createOnednnBackend({ threads: 1 });
    const l = layer(b, 'lstm', 1, 8, 40, 7);
    const G = 4, H = 40, I = 8;
    const other = b.upload(randomArray(createRng(9), G * H * H, 0.5), [G * H, H]);
    const grad = b.upload(randomArray(createRng(10), G * H * H, 0.1), [G * H, H]);
    const gradIh = b.upload(randomArray(createRng(11), G * H * I, 0.1), [G * H, I]);
    const changes: [string, () => void][] = [
      ['write', () => b.write(l.wHh, randomArray(createRng(1), G * H * H, 0.5))],
      ['write at an offset', () => b.write(l.wHh, [0.3, -0.2, 0.9], 17)],
      ['axpy', () => b.axpy(l.wHh, grad, -0.5)],
      ['scale', () => b.scale(l.wHh, 0.7)],
      ['copy into it', () => b.copy({ src: other, dst: l.wHh, rows: G * H, cols: H, srcStride: H, dstStride: H, srcOffset: 0, dstOffset: 0 })],
      ['optimizer step (sgd) on W_hh', () => b.optimizerStep({ kind: 'sgd', param: l.wHh, grad, state: [], lr: 0.1, step: 1 })],
      ['optimizer step (sgd) on W_ih', () => b.optimizerStep({ kind: 'sgd', param: l.wIh, grad: gradIh, state: [], lr: 0.3, step: 1 })],
      ['fill', () => b.fill(l.wHh, 0.01)],
    ];
    let before = await step(b, l, false);
    for (const [what, change] of changes) {
      change();
      const after = await step(b, l, false);
      expect(after, what).not.toEqual(before);
      expectClose(after, await step(b, l, true));
      before = after;
    }
    b.destroy();
  });
});

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pkgDir, 'dist', 'index.js');

describe.skipIf(!probeOnednn().available || !existsSync(dist) || process.arch !== 'x64')('each instruction-set path of the packed product', () => {
  // A child process per path (the addon picks it once per process): y of one step for every cell
  // and shape, on the CPU's best path and forced down to AVX2+FMA and to plain C++.
  const script = `
    import { createOnednnBackend } from ${JSON.stringify(pathToFileURL(dist).href)};
    const b = await createOnednnBackend({ threads: 1 });
    const out = [];
    for (const [cell, G] of [['rnn-tanh', 1], ['lstm', 4], ['gru', 3]]) {
      for (const [B, I, H] of ${JSON.stringify(SHAPES)}) {
        const v = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + s) * 0.5);
        const up = (n, shape, s) => b.upload(v(n, s), shape);
        const y = b.alloc([1, B, H]), hN = b.alloc([B, H]), cN = cell === 'lstm' ? b.alloc([B, H]) : null;
        b.cellForward({ cell, T: 1, B, I, H, x: up(B * I, [1, B, I], 1), wIh: up(G * H * I, [G * H, I], 2), wHh: up(G * H * H, [G * H, H], 3),
          bIh: up(G * H, [G * H], 4), bHh: up(G * H, [G * H], 5), h0: up(B * H, [B, H], 6), c0: cell === 'lstm' ? up(B * H, [B, H], 7) : null,
          y, hN, cN, reverse: false, lengths: null, yStride: H, yOffset: 0, training: false });
        out.push(...(await b.read(y)));
      }
    }
    process.stdout.write(JSON.stringify(out));`;
  const run = (isa: string | undefined): number[] => {
    const env = { ...process.env };
    delete env['RECUR_ONEDNN_MATVEC_ISA'];
    if (isa) env['RECUR_ONEDNN_MATVEC_ISA'] = isa;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`child (${isa ?? 'best'}) failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as number[];
  };

  it('AVX2+FMA and plain C++ give the results of the best path', () => {
    const best = run(undefined);
    expect(best.length).toBeGreaterThan(1000);
    expectClose(run('avx2'), best);
    expectClose(run('generic'), best);
  });
});
