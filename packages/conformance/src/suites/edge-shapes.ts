/**
 * Edge shapes against the oracle: B = 1, T = 1, I = 1, H = 1, and hidden sizes that are not a
 * multiple of 4 or of common workgroup widths (5, 33, 65).
 */
import { describe } from 'vitest';
import { CELL_KINDS } from '@recur/backend';
import { randomCellCase, randomUpstream, runCell } from '../cell-runner.js';
import type { Harness } from '../harness.js';
import { createRng } from '../random.js';
import { checkCellRun } from './compare-cell.js';

const SHAPES = [
  { T: 5, B: 1, I: 4, H: 6 },
  { T: 1, B: 3, I: 4, H: 6 },
  { T: 4, B: 2, I: 1, H: 5 },
  { T: 3, B: 2, I: 2, H: 1 },
  { T: 3, B: 2, I: 3, H: 33 },
  { T: 2, B: 5, I: 17, H: 65 },
] as const;

/** Register the edge-shape tests. */
export function edgeShapeTests(h: Harness): void {
  describe('edge shapes', () => {
    for (const [ci, cell] of CELL_KINDS.entries()) {
      for (const [si, sh] of SHAPES.entries()) {
        const label = `${cell} T=${sh.T} B=${sh.B} I=${sh.I} H=${sh.H}`;
        h.test(`${label} forward`, [{ hidden: sh.H }], async () => {
          const c = randomCellCase(createRng(5000 + ci * 10 + si), { cell, ...sh });
          checkCellRun(h, await runCell(h.backend, c), await runCell(h.oracle, c), `${label}`, { withGrads: false });
        });
        h.test(`${label} forward + backward`, ['training', { hidden: sh.H }], async () => {
          const rng = createRng(5100 + ci * 10 + si);
          const c = randomCellCase(rng, { cell, ...sh, reverse: si % 2 === 1 });
          const u = randomUpstream(rng, c);
          checkCellRun(h, await runCell(h.backend, c, u, { accumulate: true }), await runCell(h.oracle, c, u, { accumulate: true }), `${label}`, { withGrads: true });
        });
      }
    }
  });
}
