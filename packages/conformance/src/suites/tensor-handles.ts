/**
 * The contract's rules about tensor handles (spec.ts `Tensor` and the memory methods), which the
 * kernel tests assume but never checked on their own:
 *
 * - ownership: every handle the backend hands out (alloc, upload, the training cache of
 *   `cellForward`) carries `backendId === backend.id`. A wrapper that returns its inner backend's
 *   tensors breaks `checkTensor` (BackendMismatchError) as soon as another backend's code checks
 *   them, so it must fail here;
 * - a handle reports the `shape` it was made with, `size` = the product of the shape, and
 *   `disposed === false` until disposed;
 * - `alloc` is zero-filled;
 * - `upload` copies its input, and `read` returns a copy of exactly `size` elements: changing
 *   either host array afterwards does not change the tensor;
 * - `write(t, data, offset)` changes only `data.length` elements from `offset`;
 * - after `destroy()` the backend is unusable: `alloc` and `upload` throw a typed `RecurError`
 *   (not a crash, not a tensor of a dead backend), and destroying twice is a no-op.
 */
import { describe } from 'vitest';
import { RecurError, shapeSize, type Backend, type Tensor } from '@recur/backend';
import type { Harness } from '../harness.js';
import { withScope } from '../tensor-scope.js';

/** Why a handle breaks the ownership and field rules, or null when it keeps them. */
export function handleProblem(be: Backend, t: Tensor | null, what: string, shape?: readonly number[]): string | null {
  if (t === null || typeof t !== 'object') return `${what}: returned ${String(t)}, expected a tensor handle`;
  if (t.backendId !== be.id) {
    return `${what}: tensor.backendId is "${String(t.backendId)}" but backend.id is "${be.id}"; every tensor a backend returns must carry its own id (a wrapper must not hand out its inner backend's tensors)`;
  }
  if (t.disposed !== false) return `${what}: a new tensor has disposed = ${String(t.disposed)}, expected false`;
  if (shape) {
    const got = Array.from(t.shape ?? []);
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) return `${what}: tensor.shape is [${got.join(', ')}], expected [${shape.join(', ')}]`;
    if (t.size !== shapeSize(shape, what)) return `${what}: tensor.size is ${String(t.size)}, expected ${shapeSize(shape, what)} for shape [${shape.join(', ')}]`;
  }
  return null;
}

/** Register the tensor-handle tests. */
export function tensorHandleTests(h: Harness): void {
  describe('tensor handles', () => {
    h.test('every tensor the backend returns carries its id, shape and size (ownership)', [], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const made: [Tensor | null, string, readonly number[] | undefined][] = [
          [s.alloc([2, 3]), 'alloc([2, 3])', [2, 3]],
          [s.alloc([7]), 'alloc([7])', [7]],
          [s.upload([1, 2, 3, 4, 5, 6], [3, 2]), 'upload(6 values, [3, 2])', [3, 2]],
        ];
        for (const [t, what, shape] of made) {
          const problem = handleProblem(be, t, what, shape);
          h.assert(problem === null, problem ?? '');
        }
      });
    });

    h.test('the training cache of cellForward carries the backend id (ownership)', ['training', { hidden: 3 }], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const [T, B, I, H] = [2, 2, 3, 3];
        const cache = s.track(
          be.cellForward({
            cell: 'gru', T, B, I, H,
            wIh: s.upload(new Float32Array(3 * H * I).fill(0.1), [3 * H, I]), wHh: s.upload(new Float32Array(3 * H * H).fill(-0.1), [3 * H, H]),
            bIh: null, bHh: null, x: s.upload(new Float32Array(T * B * I).fill(0.5), [T, B, I]), h0: null,
            y: s.alloc([T, B, H]), hN: s.alloc([B, H]), training: true,
          }),
        );
        const problem = handleProblem(be, cache, 'cellForward({ training: true }) cache');
        h.assert(problem === null, problem ?? '');
      });
    });

    h.test('alloc is zero-filled; upload and read copy; write touches only its range', [], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const zeros = await be.read(s.alloc([5]));
        h.assert(zeros.length === 5 && Array.from(zeros).every((v) => v === 0), `alloc([5]) read back [${Array.from(zeros).join(', ')}], expected five zeros`);

        const source = new Float32Array([1, 2, 3, 4]);
        const t = s.upload(source, [4]);
        source[0] = 99;
        const first = await be.read(t);
        h.assert(first.length === t.size, `read returned ${first.length} elements for a tensor of size ${t.size}`);
        h.assert(first[0] === 1, `changing the host array after upload changed the tensor (read ${first[0]}, expected 1): upload must copy`);
        first[1] = -7;
        const second = await be.read(t);
        h.assert(second[1] === 2, `changing the array read returned changed the tensor (read ${second[1]}, expected 2): read must return a copy`);

        be.write(t, [10, 20], 1);
        const written = Array.from(await be.read(t));
        h.assert(written.join(',') === '1,10,20,4', `write(t, [10, 20], 1) gave [${written.join(', ')}], expected [1, 10, 20, 4]`);
      });
    });

    h.test('after destroy(), alloc and upload throw a typed RecurError; destroy twice is a no-op', [], async () => {
      const be = await h.options.create();
      be.destroy();
      be.destroy();
      for (const [what, fn] of [
        ['alloc([2])', () => be.alloc([2])],
        ['upload([1, 2], [2])', () => be.upload([1, 2], [2])],
      ] as const) {
        let caught: unknown = null;
        try {
          fn();
        } catch (e) {
          caught = e;
        }
        h.assert(caught instanceof RecurError, `${what} after destroy() ${caught === null ? 'returned a tensor' : `threw ${String(caught)}`}; expected a RecurError (e.g. code E_BACKEND_DESTROYED) saying the backend was destroyed`);
      }
    });
  });
}
