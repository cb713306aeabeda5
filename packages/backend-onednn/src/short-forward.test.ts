// Inference over T ≤ 4 steps runs the addon's own short path (native/short-forward.cc); training always
// runs oneDNN's RNN primitive. Both must give the same outputs for every cell, with reverse,
// bidirectional row strides and variable lengths (the conformance suite checks both against the
// float64 reference too; this pins them to each other on the awkward layouts).
import { describe, expect, it } from 'vitest';
import { CELL_KINDS, GATE_COUNT } from '@recur/backend';
import { createRng, randomArray } from '@recur/conformance';
import { createOnednnBackend, probeOnednn } from './index.js';

describe.skipIf(!probeOnednn().available)('short inference path vs the RNN primitive', () => {
  for (const cell of CELL_KINDS) {
    for (const T of [1, 3, 4]) {
      it(`${cell}, T=${T}: reverse, yStride 2H / yOffset H, lengths [T, 0, 1, T−1]`, async () => {
        const b = await createOnednnBackend({ threads: 1 });
        const rng = createRng(T * 31 + cell.length);
        const B = 4, I = 3, H = 5, G = GATE_COUNT[cell];
        const lstm = cell === 'lstm';
        const up = (n: number, shape: number[]) => b.upload(randomArray(rng, n, 0.8), shape);
        const x = up(T * B * I, [T, B, I]);
        const wIh = up(G * H * I, [G * H, I]);
        const wHh = up(G * H * H, [G * H, H]);
        const bIh = up(G * H, [G * H]);
        const bHh = up(G * H, [G * H]);
        const h0 = up(B * H, [B, H]);
        const c0 = lstm ? up(B * H, [B, H]) : null;
        const lengths = Int32Array.from([T, 0, 1, Math.max(0, T - 1)]);
        const outputs = [];
        for (const training of [false, true]) {
          const y = up(T * B * 2 * H, [T, B, 2 * H]);
          const hN = b.alloc([B, H]);
          const cN = lstm ? b.alloc([B, H]) : null;
          const cache = b.cellForward({ cell, T, B, I, H, x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN, reverse: true, yStride: 2 * H, yOffset: H, lengths, training });
          if (cache) b.dispose(cache);
          const yv = (await b.read(y)) as Float32Array;
          // Only this direction's columns are compared (the other half keeps its random contents).
          const half = Array.from({ length: T * B }, (_, r) => Array.from(yv.subarray(r * 2 * H + H, r * 2 * H + 2 * H))).flat();
          outputs.push([half, Array.from(await b.read(hN)), cN ? Array.from(await b.read(cN)) : []]);
        }
        const [short, primitive] = outputs as [number[][], number[][]];
        for (let k = 0; k < 3; k++) {
          const a = short[k]!, p = primitive[k]!;
          expect(a.length).toBe(p.length);
          for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - p[i]!)).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(p[i]!)));
        }
        b.destroy();
      });
    }
  }
});
