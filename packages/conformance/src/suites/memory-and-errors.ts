/**
 * The contract's housekeeping: the version and capability manifest, memory accounting (no live
 * buffers after dispose, no leaked caches or scratch), and typed errors for bad input.
 */
import { describe } from 'vitest';
import {
  BackendMismatchError,
  CELL_KINDS,
  DisposedTensorError,
  GATE_COUNT,
  InvalidArgumentError,
  SPECIFICATION_VERSION,
  ShapeError,
  hasCellState,
  optimizerStateCount,
  type Backend,
} from '@recur/backend';
import { randomCellCase, randomUpstream, runCell } from '../cell-runner.js';
import type { Harness } from '../harness.js';
import { createRng, randomArray } from '../random.js';
import { withScope } from '../tensor-scope.js';
import { expectError } from '../expect-error.js';

function liveTensors(be: Backend): number {
  return be.memory().liveTensors;
}

/** Register the manifest, memory and error tests. */
export function memoryAndErrorTests(h: Harness): void {
  describe('contract basics', () => {
    h.test('implements the current contract version and a normalised capability manifest', [], async () => {
      const be = h.backend;
      h.assert(be.specificationVersion === SPECIFICATION_VERSION, `specificationVersion is ${String(be.specificationVersion)}, expected ${SPECIFICATION_VERSION}`);
      h.assert(typeof be.name === 'string' && be.name.length > 0, 'backend.name must be a non-empty string');
      h.assert(typeof be.id === 'string' && be.id.length > 0, 'backend.id must be a non-empty string');
      const c = be.capabilities;
      h.assert(['float16', 'float32', 'float64'].includes(c.precision), `capabilities.precision is ${String(c.precision)}`);
      for (const key of ['float64', 'training', 'fusedSequence', 'variableLength', 'async'] as const) {
        h.assert(typeof c[key] === 'boolean', `capabilities.${key} must be a boolean (normalizeCapabilities fills defaults)`);
      }
      h.assert(typeof c.maxHidden === 'number' && c.maxHidden >= 1, `capabilities.maxHidden is ${String(c.maxHidden)}`);
      h.assert(c.float64 === (c.precision === 'float64'), 'capabilities.float64 must agree with precision');
    });

    h.test('alloc/dispose are counted; disposing twice is a no-op', [], async () => {
      const be = h.backend;
      const start = be.memory();
      const a = be.alloc([3, 4]);
      const b = be.upload([1, 2, 3], [3]);
      const mid = be.memory();
      h.assert(mid.liveTensors === start.liveTensors + 2, `liveTensors went ${start.liveTensors} → ${mid.liveTensors} after 2 allocations`);
      h.assert(mid.liveBytes > start.liveBytes, `liveBytes did not grow (${start.liveBytes} → ${mid.liveBytes})`);
      be.dispose(a);
      be.dispose(b);
      be.dispose(a);
      h.assert(a.disposed && b.disposed, 'tensor.disposed must be true after dispose');
      const end = be.memory();
      h.assert(end.liveTensors === start.liveTensors && end.liveBytes === start.liveBytes, `after dispose: ${end.liveTensors} tensors / ${end.liveBytes} bytes, started at ${start.liveTensors} / ${start.liveBytes}`);
    });

    h.test('forward-only runs of every cell leave no live tensors', [{ hidden: 5 }], async () => {
      const before = liveTensors(h.backend);
      for (const cell of CELL_KINDS) {
        await runCell(h.backend, randomCellCase(createRng(7000), { cell, T: 4, B: 2, I: 3, H: 5 }));
        await runCell(h.backend, randomCellCase(createRng(7001), { cell, T: 4, B: 2, I: 3, H: 5, zeroState: true, reverse: true }));
      }
      const after = liveTensors(h.backend);
      h.assert(after === before, `liveTensors ${before} → ${after}: forward passes leaked buffers (caches or scratch)`);
    });

    h.test('a training run (forward, backward, loss, optimizer) disposed leaves no live tensors', ['training', { hidden: 4 }], async () => {
      const be = h.backend;
      const start = be.memory();
      for (const [ci, cell] of CELL_KINDS.entries()) {
        const rng = createRng(7100 + ci);
        const c = randomCellCase(rng, { cell, T: 5, B: 2, I: 3, H: 4 });
        await runCell(be, c, randomUpstream(rng, c));
        await withScope(be, async (s) => {
          const n = GATE_COUNT[cell] * 4 * 3;
          const P = s.upload(randomArray(rng, n), [n]);
          const G = s.upload(randomArray(rng, n), [n]);
          for (const kind of ['sgd', 'adam', 'adamw', 'rmsprop'] as const) {
            const state = Array.from({ length: optimizerStateCount(kind, { momentum: 0.9 }) }, () => s.alloc([n]));
            for (let step = 1; step <= 2; step++) be.optimizerStep({ kind, param: P, grad: G, state, step, lr: 0.01, momentum: 0.9 });
          }
          const L = s.alloc([1]);
          be.loss({ kind: 'mse', pred: P, target: G, n: 1, c: n, loss: L, grad: s.alloc([1, n]) });
          await s.read(L);
        });
      }
      await be.sync();
      const end = be.memory();
      h.assert(end.liveTensors === start.liveTensors, `liveTensors ${start.liveTensors} → ${end.liveTensors} after disposing everything`);
      h.assert(end.liveBytes === start.liveBytes, `liveBytes ${start.liveBytes} → ${end.liveBytes} after disposing everything`);
    });
  });

  describe('bad input gets typed errors', () => {
    h.test('a wrong-size tensor throws ShapeError', [], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        await expectError(h, 'gemm with a 3×3 C for m=2, n=3', ShapeError, () =>
          be.gemm({ a: s.alloc([2, 4]), b: s.alloc([4, 3]), c: s.alloc([3, 3]), m: 2, n: 3, k: 4 }),
        );
        await expectError(h, 'gemm with a wrong-size bias', ShapeError, () =>
          be.gemm({ a: s.alloc([2, 4]), b: s.alloc([4, 3]), c: s.alloc([2, 3]), m: 2, n: 3, k: 4, bias: s.alloc([2]) }),
        );
        await expectError(h, 'mul with mismatched sizes', ShapeError, () => be.mul(s.alloc([5]), s.alloc([5]), s.alloc([4])));
        // The contract does not pin upload's error class; either typed error names the mismatch.
        await expectError(h, 'upload with data.length ≠ product of shape', [ShapeError, InvalidArgumentError], () =>
          s.track(be.upload([1, 2, 3], [2, 2])),
        );
        for (const cell of CELL_KINDS) {
          const G = GATE_COUNT[cell];
          const [T, B, I, H] = [3, 2, 4, 5];
          const lstm = hasCellState(cell);
          const base = {
            cell, T, B, I, H,
            wIh: s.alloc([G * H, I]), wHh: s.alloc([G * H, H]), bIh: s.alloc([G * H]), bHh: s.alloc([G * H]),
            h0: null, c0: null, y: s.alloc([T, B, H]), hN: s.alloc([B, H]), cN: lstm ? s.alloc([B, H]) : null,
          };
          await expectError(h, `${cell} cellForward with x of T·B·I − 1 elements`, ShapeError, () =>
            s.track(be.cellForward({ ...base, x: s.alloc([T * B * I - 1]) })),
          );
          await expectError(h, `${cell} cellForward with a [G·H, I+1] weight_ih`, ShapeError, () =>
            s.track(be.cellForward({ ...base, x: s.alloc([T, B, I]), wIh: s.alloc([G * H, I + 1]) })),
          );
          await expectError(h, `${cell} cellForward with an hN of [B, H+1]`, ShapeError, () =>
            s.track(be.cellForward({ ...base, x: s.alloc([T, B, I]), hN: s.alloc([B, H + 1]) })),
          );
        }
      });
    });

    h.test('cellBackward with a wrong-size gradient buffer throws ShapeError', ['training'], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const [T, B, I, H] = [3, 2, 4, 5];
        const w = { wIh: s.alloc([3 * H, I]), wHh: s.alloc([3 * H, H]), bIh: null, bHh: null };
        const x = s.alloc([T, B, I]);
        const shape = { cell: 'gru' as const, T, B, I, H };
        const cache = s.track(be.cellForward({ ...shape, ...w, x, h0: null, y: s.alloc([T, B, H]), hN: s.alloc([B, H]), training: true }));
        h.assert(cache !== null, 'cellForward with training: true must return a cache tensor');
        await expectError(h, 'gru cellBackward with dWhh of [3H, H+1]', ShapeError, () =>
          be.cellBackward({
            ...shape, ...w, x, h0: null, cache: cache!, dy: s.alloc([T, B, H]), dx: null,
            dWih: s.alloc([3 * H, I]), dWhh: s.alloc([3 * H, H + 1]), dbIh: null, dbHh: null,
          }),
        );
      });
    });

    h.test('a disposed tensor throws DisposedTensorError', [], async () => {
      await withScope(h.backend, async (s) => {
        const be = h.backend;
        const dead = be.upload([1, 2, 3, 4, 5, 6], [2, 3]);
        be.dispose(dead);
        await expectError(h, 'fill on a disposed tensor', DisposedTensorError, () => be.fill(dead, 1));
        await expectError(h, 'axpy reading a disposed tensor', DisposedTensorError, () => be.axpy(s.alloc([2, 3]), dead, 1));
        await expectError(h, 'gemm with a disposed A', DisposedTensorError, () =>
          be.gemm({ a: dead, b: s.alloc([3, 2]), c: s.alloc([2, 2]), m: 2, n: 2, k: 3 }),
        );
        await expectError(h, 'read of a disposed tensor', DisposedTensorError, () => be.read(dead));
        await expectError(h, 'cellForward with a disposed weight', DisposedTensorError, () => {
          const w = be.upload(new Float64Array(4 * 2 * 3), [4 * 2, 3]);
          be.dispose(w);
          return s.track(
            be.cellForward({
              cell: 'lstm', T: 1, B: 1, I: 3, H: 2, wIh: w, wHh: s.alloc([8, 2]), bIh: null, bHh: null,
              x: s.alloc([1, 1, 3]), h0: null, c0: null, y: s.alloc([1, 1, 2]), hN: s.alloc([1, 2]), cN: s.alloc([1, 2]),
            }),
          );
        });
      });
    });

    h.test('a tensor from another backend instance throws BackendMismatchError', [], async () => {
      const other = await h.options.create();
      try {
        h.assert(other.id !== h.backend.id, `two instances share the id "${other.id}"; ids must be unique per instance`);
        const foreign = other.upload([1, 2, 3, 4], [2, 2]);
        await withScope(h.backend, async (s) => {
          const be = h.backend;
          await expectError(h, 'axpy with a foreign x', BackendMismatchError, () => be.axpy(s.alloc([2, 2]), foreign, 1));
          await expectError(h, 'gemm with a foreign C', BackendMismatchError, () =>
            be.gemm({ a: s.alloc([2, 2]), b: s.alloc([2, 2]), c: foreign, m: 2, n: 2, k: 2 }),
          );
          await expectError(h, 'rnn-tanh cellForward with a foreign h0', BackendMismatchError, () =>
            s.track(
              be.cellForward({
                cell: 'rnn-tanh', T: 1, B: 2, I: 2, H: 2, wIh: s.alloc([2, 2]), wHh: s.alloc([2, 2]), bIh: null, bHh: null,
                x: s.alloc([1, 2, 2]), h0: foreign, y: s.alloc([1, 2, 2]), hN: s.alloc([2, 2]),
              }),
            ),
          );
        });
        other.dispose(foreign);
      } finally {
        other.destroy();
      }
    });
  });
}
