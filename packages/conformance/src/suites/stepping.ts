/**
 * Stepping one timestep at a time (T = 1 calls, state carried hN → h0, cN → c0) must give the
 * outputs of the whole-sequence call, and stepping backward (dh0 of step t → dhN of step t−1,
 * weight gradients accumulating) must give its gradients.
 */
import { describe } from 'vitest';
import { CELL_KINDS, GATE_COUNT, hasCellState, type Backend, type Tensor } from '@recur/backend';
import { randomCellCase, randomUpstream, runCell, type CellCase, type CellRun, type CellUpstream } from '../cell-runner.js';
import type { Harness } from '../harness.js';
import { createRng } from '../random.js';
import { withScope } from '../tensor-scope.js';
import { checkCellRun } from './compare-cell.js';

/** Run `c` as T single-step calls on `be`; with `u`, also step backward through time. */
export async function runStepwise(be: Backend, c: CellCase, u?: CellUpstream): Promise<CellRun> {
  return withScope(be, async (s) => {
    const { cell, T, B, I, H } = c;
    const G = GATE_COUNT[cell];
    const lstm = hasCellState(cell);
    const weights = {
      wIh: s.upload(c.wIh, [G * H, I]),
      wHh: s.upload(c.wHh, [G * H, H]),
      bIh: c.bIh ? s.upload(c.bIh, [G * H]) : null,
      bHh: c.bHh ? s.upload(c.bHh, [G * H]) : null,
    };
    const one = { cell, T: 1, B, I, H, reverse: c.reverse ?? false };
    const order = Array.from({ length: T }, (_, t) => (c.reverse ? T - 1 - t : t));
    const y = new Float64Array(T * B * H);
    let h: Tensor | null = c.h0 ? s.upload(c.h0, [B, H]) : null;
    let cs: Tensor | null = lstm && c.c0 ? s.upload(c.c0, [B, H]) : null;
    const steps: { t: number; x: Tensor; h0: Tensor | null; c0: Tensor | null; cache: Tensor | null }[] = [];
    for (const t of order) {
      const x = s.upload(c.x.subarray(t * B * I, (t + 1) * B * I), [1, B, I]);
      const yt = s.alloc([1, B, H]);
      const hN = s.alloc([B, H]);
      const cN = lstm ? s.alloc([B, H]) : null;
      const cache = s.track(be.cellForward({ ...one, ...weights, x, h0: h, c0: cs, y: yt, hN, cN, training: u !== undefined }));
      y.set(await s.read(yt), t * B * H);
      steps.push({ t, x, h0: h, c0: cs, cache });
      h = hN;
      cs = cN;
    }
    const hN = await s.read(h!);
    const cN = lstm ? await s.read(cs!) : null;
    const e = new Float64Array(0);
    if (!u) return { y, hN, cN, grads: { dx: e, dWih: e, dWhh: e, dbIh: null, dbHh: null, dh0: e, dc0: null } };

    const dWih = s.alloc([G * H, I]);
    const dWhh = s.alloc([G * H, H]);
    const dbIh = c.bIh ? s.alloc([G * H]) : null;
    const dbHh = c.bHh ? s.alloc([G * H]) : null;
    const dx = new Float64Array(T * B * I);
    let dh: Tensor | null = u.dhN ? s.upload(u.dhN, [B, H]) : null;
    let dc: Tensor | null = lstm && u.dcN ? s.upload(u.dcN, [B, H]) : null;
    for (const st of [...steps].reverse()) {
      if (!st.cache) throw new Error('cellForward with training: true returned no cache tensor');
      const dxt = s.alloc([1, B, I]);
      const dh0 = s.alloc([B, H]);
      const dc0 = lstm ? s.alloc([B, H]) : null;
      const dy = u.dy ? s.upload(u.dy.subarray(st.t * B * H, (st.t + 1) * B * H), [1, B, H]) : null;
      be.cellBackward({
        ...one, ...weights, x: st.x, h0: st.h0, c0: st.c0, cache: st.cache,
        dy, dhN: dh, dcN: dc, dx: dxt, dWih, dWhh, dbIh, dbHh, dh0, dc0,
      });
      dx.set(await s.read(dxt), st.t * B * I);
      dh = dh0;
      dc = dc0;
    }
    return {
      y,
      hN,
      cN,
      grads: {
        dx,
        dWih: await s.read(dWih),
        dWhh: await s.read(dWhh),
        dbIh: dbIh ? await s.read(dbIh) : null,
        dbHh: dbHh ? await s.read(dbHh) : null,
        dh0: await s.read(dh!),
        dc0: dc ? await s.read(dc) : null,
      },
    };
  });
}

/** Register the stepping tests. */
export function steppingTests(h: Harness): void {
  describe('one step at a time equals the whole sequence', () => {
    for (const [ci, cell] of CELL_KINDS.entries()) {
      for (const reverse of [false, true]) {
        const dir = reverse ? 'reverse' : 'forward';
        h.test(`${cell} ${dir}: T single steps give the sequence's outputs`, [{ hidden: 5 }], async () => {
          const c = randomCellCase(createRng(3000 + ci * 2 + (reverse ? 1 : 0)), { cell, T: 7, B: 3, I: 4, H: 5, reverse });
          const whole = await runCell(h.backend, c);
          const stepped = await runStepwise(h.backend, c);
          checkCellRun(h, stepped, whole, `${cell} ${dir} stepped`, { withGrads: false });
        });
        h.test(`${cell} ${dir}: stepping backward gives the sequence's gradients`, ['training', { hidden: 5 }], async () => {
          const rng = createRng(3100 + ci * 2 + (reverse ? 1 : 0));
          const c = randomCellCase(rng, { cell, T: 7, B: 3, I: 4, H: 5, reverse });
          const u = randomUpstream(rng, c);
          const whole = await runCell(h.backend, c, u);
          const stepped = await runStepwise(h.backend, c, u);
          checkCellRun(h, stepped, whole, `${cell} ${dir} stepped`, { withGrads: true });
        });
      }
    }
  });
}
