/**
 * cellForward / cellBackward of every cell kind against the float64 oracle: plain, reverse,
 * variable lengths, strided output (yStride/yOffset), null initial states, no bias.
 */
import { describe } from 'vitest';
import { CELL_KINDS, type CellKind } from '@recur/backend';
import { randomCellCase, randomUpstream, runCell, type CellCase } from '../cell-runner.js';
import type { Harness, Need } from '../harness.js';
import { createRng, type Rng } from '../random.js';
import { checkCellRun } from './compare-cell.js';

interface Variant {
  readonly label: string;
  readonly needs: readonly Need[];
  readonly make: (rng: Rng, cell: CellKind) => CellCase;
}

const T = 6;
const B = 3;
const I = 4;
const H = 5;

/** The layouts every cell kernel must support. */
export const CELL_VARIANTS: readonly Variant[] = [
  { label: 'plain', needs: [], make: (rng, cell) => randomCellCase(rng, { cell, T, B, I, H }) },
  { label: 'reverse', needs: [], make: (rng, cell) => randomCellCase(rng, { cell, T, B, I, H, reverse: true }) },
  {
    label: 'variable lengths',
    needs: ['variableLength'],
    make: (rng, cell) => randomCellCase(rng, { cell, T, B, I, H, lengths: Int32Array.from([6, 2, 4]) }),
  },
  {
    label: 'variable lengths, reverse',
    needs: ['variableLength'],
    make: (rng, cell) => randomCellCase(rng, { cell, T, B, I, H, reverse: true, lengths: Int32Array.from([1, 6, 3]) }),
  },
  {
    label: 'yStride=2H+1, yOffset=H',
    needs: [],
    make: (rng, cell) => randomCellCase(rng, { cell, T, B, I, H, yStride: 2 * H + 1, yOffset: H }),
  },
  { label: 'null h0/c0', needs: [], make: (rng, cell) => randomCellCase(rng, { cell, T, B, I, H, zeroState: true }) },
  { label: 'no bias', needs: [], make: (rng, cell) => randomCellCase(rng, { cell, T, B, I, H, bias: false }) },
];

/** Register the cell-vs-oracle tests. */
export function cellTests(h: Harness): void {
  describe('cell kernels vs float64 oracle', () => {
    for (const [ci, cell] of CELL_KINDS.entries()) {
      for (const [vi, v] of CELL_VARIANTS.entries()) {
        h.test(`${cell} cellForward, ${v.label}`, [{ hidden: H }, ...v.needs], async () => {
          const c = v.make(createRng(1000 + 37 * ci + vi), cell);
          const actual = await runCell(h.backend, c);
          const expected = await runCell(h.oracle, c);
          checkCellRun(h, actual, expected, `${cell} ${v.label} forward`, { withGrads: false });
        });
        h.test(`${cell} cellBackward, ${v.label}`, ['training', { hidden: H }, ...v.needs], async () => {
          const rng = createRng(2000 + 37 * ci + vi);
          const c = v.make(rng, cell);
          const u = randomUpstream(rng, c);
          const actual = await runCell(h.backend, c, u, { accumulate: true });
          const expected = await runCell(h.oracle, c, u, { accumulate: true });
          checkCellRun(h, actual, expected, `${cell} ${v.label}`, { withGrads: true });
        });
      }
      h.test(`${cell} cellBackward with dy: null (only the final state reaches the loss)`, ['training', { hidden: H }], async () => {
        const rng = createRng(2500 + ci);
        const c = randomCellCase(rng, { cell, T, B, I, H });
        const u = { ...randomUpstream(rng, c), dy: null };
        checkCellRun(h, await runCell(h.backend, c, u, { accumulate: true }), await runCell(h.oracle, c, u, { accumulate: true }), `${cell} dy=null`, { withGrads: true });
      });
    }
  });
}
