/**
 * Large inputs must not produce NaN or Inf: cells driven deep into saturation (|x| ~ 1e3, big
 * weights), saturated sigmoid/tanh and their derivatives, and softmax/cross-entropy on logits of
 * ±1e4. Each result is also compared with the oracle.
 */
import { describe } from 'vitest';
import { CELL_KINDS, type ActivationKind } from '@recur/backend';
import { randomCellCase, randomUpstream, runCell, GRADIENT_NAMES } from '../cell-runner.js';
import type { Harness } from '../harness.js';
import { createRng, randomArray } from '../random.js';
import { checkCellRun } from './compare-cell.js';
import { compareWithOracle } from './oracle.js';

const HUGE = [1e4, -1e4, 1e3, -1e3, 88.8, -88.8, 100, -100, 710, -710, 3e38, -3e38, 0.5, -0.5, 0];

/** Register the large-input tests. */
export function largeInputTests(h: Harness): void {
  describe('large inputs stay finite', () => {
    for (const [ci, cell] of CELL_KINDS.entries()) {
      h.test(`${cell}: |x| ~ 1e3 and big weights give finite outputs`, [{ hidden: 4 }], async () => {
        const c = randomCellCase(createRng(6000 + ci), { cell, T: 4, B: 2, I: 3, H: 4, xScale: 1e3, wScale: 3 });
        const r = await runCell(h.backend, c);
        h.assertFinite(r.y, `${cell} y`);
        h.assertFinite(r.hN, `${cell} hN`);
        if (r.cN) h.assertFinite(r.cN, `${cell} cN`);
        if (cell !== 'rnn-relu') checkCellRun(h, r, await runCell(h.oracle, c), `${cell} saturated`, { withGrads: false });
      });
      h.test(`${cell}: |x| ~ 1e3 and big weights give finite gradients`, ['training', { hidden: 4 }], async () => {
        const rng = createRng(6100 + ci);
        const c = randomCellCase(rng, { cell, T: 4, B: 2, I: 3, H: 4, xScale: 1e3, wScale: 3 });
        const u = randomUpstream(rng, c);
        const r = await runCell(h.backend, c, u);
        for (const g of GRADIENT_NAMES) {
          const v = r.grads[g];
          if (v) h.assertFinite(v, `${cell} ${g}`);
        }
        // rnn-relu is unbounded (values ~1e5 compound over time), so it is only checked for finiteness.
        if (cell !== 'rnn-relu') checkCellRun(h, r, await runCell(h.oracle, c, u), `${cell} saturated`, { withGrads: true });
      });
    }

    for (const op of ['tanh', 'sigmoid', 'relu', 'identity'] as ActivationKind[]) {
      h.test(`activation ${op} at ±1e4, ±710, ±3e38 is finite`, [], async () => {
        const n = HUGE.length;
        const { actual } = await compareWithOracle(h, `activation ${op} huge`, async (s, be) => {
          const Y = s.alloc([n]);
          be.activation({ op, x: s.upload(HUGE, [n]), out: Y });
          return { y: await s.read(Y) };
        });
        h.assertFinite(actual.y!, `activation ${op}`);
        if (op === 'sigmoid' || op === 'tanh') {
          const lo = op === 'tanh' ? -1 : 0;
          const y = Array.from(actual.y!);
          h.assert(y.every((v) => v >= lo && v <= 1), `${op} of huge inputs left [${lo}, 1]: ${y.join(', ')}`);
        }
      });
      h.test(`activationBackward ${op} at saturation is finite`, ['training'], async () => {
        const n = HUGE.length;
        const dy = randomArray(createRng(6200), n, 1);
        const { actual } = await compareWithOracle(h, `activationBackward ${op} huge`, async (s, be) => {
          const Y = s.alloc([n]);
          be.activation({ op, x: s.upload(HUGE, [n]), out: Y });
          const DX = s.alloc([n]);
          be.activationBackward({ op, y: Y, dy: s.upload(dy, [n]), dx: DX });
          return { dx: await s.read(DX) };
        });
        h.assertFinite(actual.dx!, `activationBackward ${op}`);
      });
    }

    h.test('softmax of logits ±1e4 is finite and sums to 1', [], async () => {
      const x = [1e4, -1e4, 0, 9999, 1e4, -1e4, -1e4, -9990];
      const { actual } = await compareWithOracle(h, 'softmax huge', async (s, be) => {
        const Y = s.alloc([2, 4]);
        be.softmax({ x: s.upload(x, [2, 4]), out: Y, rows: 2, cols: 4, temperature: 0.5 });
        return { y: await s.read(Y) };
      });
      const y = actual.y!;
      h.assertFinite(y, 'softmax');
      h.check([y[0]! + y[1]! + y[2]! + y[3]!, y[4]! + y[5]! + y[6]! + y[7]!], [1, 1], 'softmax huge rows sum to 1');
    });

    h.test('cross-entropy on logits ±1e4 is finite', ['training'], async () => {
      const pred = [1e4, -1e4, 0, -1e4, 1e4, 5e3, 3, -1e4, 1e4];
      const target = [1, 0, 2];
      const { actual } = await compareWithOracle(h, 'cross-entropy huge', async (s, be) => {
        const L = s.alloc([1]);
        const G = s.alloc([3, 3]);
        be.loss({ kind: 'cross-entropy', pred: s.upload(pred, [3, 3]), target: s.upload(target, [3]), n: 3, c: 3, loss: L, grad: G });
        return { loss: await s.read(L), grad: await s.read(G) };
      });
      h.assertFinite(actual.loss!, 'cross-entropy loss');
      h.assertFinite(actual.grad!, 'cross-entropy grad');
    });
  });
}
