/** Compare two cell runs array by array. */
import type { Tolerance } from '@recur/backend';
import type { CellRun } from '../cell-runner.js';
import { GRADIENT_NAMES } from '../cell-runner.js';
import type { Harness } from '../harness.js';

/** Check y, hN, cN and (when `withGrads`) every gradient of `actual` against `expected`. */
export function checkCellRun(
  h: Harness,
  actual: CellRun,
  expected: CellRun,
  what: string,
  opts: { withGrads: boolean; tol?: Tolerance },
): void {
  const o = { tol: opts.tol };
  h.check(actual.y, expected.y, `${what} y`, o);
  h.check(actual.hN, expected.hN, `${what} hN`, o);
  if (expected.cN) h.check(actual.cN ?? [], expected.cN, `${what} cN`, o);
  if (!opts.withGrads) return;
  for (const g of GRADIENT_NAMES) {
    const e = expected.grads[g];
    const a = actual.grads[g];
    if (e === null) {
      h.assert(a === null, `${what} ${g}: expected no gradient`);
      continue;
    }
    h.check(a ?? [], e, `${what} ${g}`, o);
  }
}
