/**
 * The backend's analytic cell gradients against centred finite differences of the scalar
 * `L = Σ y·gy + Σ hN·ghN (+ Σ cN·gcN)`, evaluated in float64 (the backend itself when it is
 * float64, otherwise the oracle). Five-point stencil
 * `f'(x) ≈ (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h`, h = 1e-4, error O(h⁴).
 */
import { describe } from 'vitest';
import { CELL_KINDS, type Tolerance } from '@recur/backend';
import { randomCellCase, randomUpstream, runCell, upstreamLoss, type CellCase, type CellGradients } from '../cell-runner.js';
import type { Harness } from '../harness.js';
import { createRng } from '../random.js';

/**
 * What a float64 five-point finite difference can resolve (rounding ≈ ε·|L|/h ≈ 1e-11 here).
 * The check uses the backend's tolerance, but never one finer than this: below it the
 * difference would measure the stencil, not the backend.
 */
export const FINITE_DIFFERENCE_RESOLUTION: Tolerance = { rtol: 1e-7, atol: 1e-9 };

const STEP = 1e-4;

type Differentiable = 'x' | 'h0' | 'c0' | 'wIh' | 'wHh' | 'bIh' | 'bHh';
const TARGETS: readonly [Differentiable, keyof CellGradients][] = [
  ['x', 'dx'],
  ['h0', 'dh0'],
  ['c0', 'dc0'],
  ['wIh', 'dWih'],
  ['wHh', 'dWhh'],
  ['bIh', 'dbIh'],
  ['bHh', 'dbHh'],
];

/** Register the finite-difference tests. */
export function finiteDifferenceTests(h: Harness): void {
  describe('gradients vs centred finite differences', () => {
    for (const [ci, cell] of CELL_KINDS.entries()) {
      for (const reverse of [false, true]) {
        h.test(`${cell}${reverse ? ' reverse' : ''}: every gradient matches finite differences`, ['training', { hidden: 4 }], async () => {
          const rng = createRng(4000 + ci * 2 + (reverse ? 1 : 0));
          const c = randomCellCase(rng, { cell, T: 3, B: 2, I: 3, H: 4, reverse });
          const u = randomUpstream(rng, c);
          const analytic = (await runCell(h.backend, c, u)).grads;
          const evaluator = h.backend.capabilities.float64 ? h.backend : h.oracle;
          const L = async (cc: CellCase) => upstreamLoss(await runCell(evaluator, cc), u);
          const tol: Tolerance = {
            rtol: Math.max(h.tol.rtol, FINITE_DIFFERENCE_RESOLUTION.rtol),
            atol: Math.max(h.tol.atol, FINITE_DIFFERENCE_RESOLUTION.atol),
          };
          const fd = async (name: Differentiable, i: number, step: number): Promise<number> => {
            const base = c[name]!;
            const at = async (delta: number) => {
              const v = Float64Array.from(base);
              v[i] = v[i]! + delta;
              return L({ ...c, [name]: v });
            };
            return (-(await at(2 * step)) + 8 * (await at(step)) - 8 * (await at(-step)) + (await at(-2 * step))) / (12 * step);
          };
          let compared = 0;
          for (const [name, gname] of TARGETS) {
            const base = c[name];
            const g = analytic[gname];
            if (!base || !g) continue;
            // Up to 8 elements per array, spread over it.
            const count = Math.min(8, base.length);
            const idx = Array.from({ length: count }, (_, k) => Math.floor(((k + 0.5) * base.length) / count));
            const actual: number[] = [];
            const expected: number[] = [];
            for (const i of idx) {
              const d1 = await fd(name, i, STEP);
              const d2 = await fd(name, i, STEP / 2);
              // Two step sizes that disagree mean a kink (relu at 0) within reach: not differentiable there.
              if (Math.abs(d1 - d2) > FINITE_DIFFERENCE_RESOLUTION.atol + FINITE_DIFFERENCE_RESOLUTION.rtol * Math.abs(d1)) continue;
              actual.push(g[i]!);
              expected.push(d1);
            }
            h.assert(actual.length >= count / 2, `${cell} ${name}: finite differences unusable at ${count - actual.length} of ${count} points`);
            h.check(actual, expected, `${cell}${reverse ? ' reverse' : ''} d${name} vs finite differences`, { tol });
            compared++;
          }
          h.assert(compared >= 5, `${cell}: only ${compared} gradient arrays were checked`);
        });
      }
    }
  });
}
