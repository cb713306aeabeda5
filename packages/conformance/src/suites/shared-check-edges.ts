/**
 * The edges the shared argument checks own (`checked`, which `defineBackend` and the registry
 * apply): work of zero rows or zero columns is validated and then does nothing, and arguments of
 * mismatched lengths are refused with a ShapeError before any kernel runs. Every backend must
 * agree, whatever its own kernels would have done with such a call.
 */
import { describe } from 'vitest';
import { DisposedTensorError, InvalidArgumentError, ShapeError } from '@recur/backend';
import { expectError } from '../expect-error.js';
import type { Harness } from '../harness.js';
import { withScope } from '../tensor-scope.js';

/** Register the zero-rows, zero-columns and mismatched-length tests. */
export function sharedCheckEdgeTests(h: Harness): void {
  describe('shared check edges', () => {
    h.test('copy of zero rows or zero columns leaves dst as it was', [], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const src = s.track(be.upload([1, 2, 3, 4, 5, 6], [2, 3]));
        const dst = s.track(be.upload([9, 8, 7, 6, 5, 4], [2, 3]));
        be.copy({ src, dst, rows: 0, cols: 3 });
        be.copy({ src, dst, rows: 2, cols: 0 });
        be.copy({ src, dst, rows: 0, cols: 3, accumulate: true });
        // Offsets past the end are fine when nothing is moved.
        be.copy({ src, dst, rows: 0, cols: 3, srcOffset: 100, dstOffset: 100 });
        const got = Array.from(await be.read(dst));
        h.assert(got.join(',') === '9,8,7,6,5,4', `dst changed to [${got.join(', ')}] by a copy of nothing`);
      });
    });

    h.test('empty work is still validated', [], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const t = s.alloc([2, 3]);
        await expectError(h, 'copy with rows −1', InvalidArgumentError, () => be.copy({ src: t, dst: t, rows: -1, cols: 3 }));
        await expectError(h, 'copy with cols 1.5', InvalidArgumentError, () => be.copy({ src: t, dst: t, rows: 0, cols: 1.5 }));
        const dead = be.alloc([2, 3]);
        be.dispose(dead);
        await expectError(h, 'copy of zero rows from a disposed tensor', DisposedTensorError, () => be.copy({ src: dead, dst: t, rows: 0, cols: 3 }));
      });
    });

    h.test('mismatched lengths throw ShapeError before any kernel runs', [], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const y = s.track(be.upload([1, 2, 3, 4], [4]));
        await expectError(h, 'axpy with x of 3 elements into y of 4', ShapeError, () => be.axpy(y, s.alloc([3]), 1));
        await expectError(h, 'activation with out of 5 elements for x of 4', ShapeError, () => be.activation({ op: 'tanh', x: y, out: s.alloc([5]) }));
        await expectError(h, 'write of 3 values at offset 2 into 4 elements', ShapeError, () => be.write(y, [1, 2, 3], 2));
        await expectError(h, 'sumRows with out of cols + 1 elements', ShapeError, () => be.sumRows(y, 2, 2, s.alloc([3])));
        await expectError(h, 'loss with weights of n − 1 rows', ShapeError, () =>
          be.loss({ kind: 'mse', pred: s.alloc([3, 2]), target: s.alloc([3, 2]), n: 3, c: 2, weights: s.alloc([2]), loss: s.alloc([1]), grad: null }),
        );
        const got = Array.from(await be.read(y));
        h.assert(got.join(',') === '1,2,3,4', `a refused call changed y to [${got.join(', ')}]`);
      });
    });

    h.test('cellForward with lengths of B − 1 entries throws ShapeError', ['variableLength'], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const [T, B, I, H] = [3, 2, 2, 3];
        await expectError(h, 'rnn-tanh cellForward with 1 length for B=2', ShapeError, () =>
          s.track(
            be.cellForward({
              cell: 'rnn-tanh', T, B, I, H, wIh: s.alloc([H, I]), wHh: s.alloc([H, H]), bIh: null, bHh: null,
              x: s.alloc([T, B, I]), h0: null, y: s.alloc([T, B, H]), hN: s.alloc([B, H]), lengths: new Int32Array([2]),
            }),
          ),
        );
      });
    });
  });
}
