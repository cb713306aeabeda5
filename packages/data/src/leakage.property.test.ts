/**
 * Property tests (fast-check) of the anti-leakage guarantees:
 * 1. no training window's targets (or inputs) touch validation or test rows, whatever the
 *    split and window options; likewise for validation/test windows and walk-forward folds;
 *    shuffled training batches contain only training rows;
 * 2. a scaler fitted the standard way (split → fit(split.train)) saw only training rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Series } from './series';
import { chronologicalSplit, walkForwardFolds, type SplitSpec } from './split';
import { window, type WindowOptions } from './window';
import { batches } from './batches';
import { MinMaxScaler, RobustScaler, StandardScaler } from './scalers';
import { WindowTooLongError } from './errors';

/** A series whose column `row` holds each row's own index, so batches reveal where they read. */
function indexSeries(n: number): Series {
  return Series.fromColumns({ row: Array.from({ length: n }, (_, i) => i), other: Array.from({ length: n }, (_, i) => Math.sin(i)) });
}

const windowOptions = fc.record({
  lookback: fc.integer({ min: 1, max: 12 }),
  horizon: fc.integer({ min: 1, max: 6 }),
  stride: fc.integer({ min: 1, max: 4 }),
  gap: fc.integer({ min: 0, max: 3 }),
  mode: fc.constantFrom('direct' as const, 'recursive' as const),
  teacherForcing: fc.boolean(),
  history: fc.constantFrom('within' as const, 'preceding' as const),
});

function toWindowOptions(o: { lookback: number; horizon: number; stride: number; gap: number; mode: 'direct' | 'recursive'; teacherForcing: boolean; history: 'within' | 'preceding' }): WindowOptions {
  return { ...o, gap: o.mode === 'recursive' ? 0 : o.gap, features: ['row', 'other'], targets: ['row'] };
}

const splitSpec: fc.Arbitrary<{ n: number; spec: SplitSpec; gap: number }> = fc
  .record({
    n: fc.integer({ min: 20, max: 300 }),
    train: fc.double({ min: 0.3, max: 0.7, noNaN: true }),
    validation: fc.double({ min: 0, max: 0.25, noNaN: true }),
    gap: fc.integer({ min: 0, max: 5 }),
    byIndex: fc.boolean(),
  })
  .map(({ n, train, validation, gap, byIndex }) => {
    if (byIndex) {
      const v = Math.round(n * train);
      const t = Math.round(n * (train + validation));
      return { n, gap, spec: validation > 0.05 ? { index: { validationStart: v, testStart: t } } : { index: { testStart: v } } };
    }
    return { n, gap, spec: { ratio: { train, validation } } };
  });

/** Windows of a part, or undefined when the part is too short for one window. */
function windowsOf(part: Series, o: WindowOptions): ReturnType<typeof window> | undefined {
  try {
    return window(part, o);
  } catch (e) {
    if (e instanceof WindowTooLongError) return undefined;
    throw e;
  }
}

describe('anti-leakage properties', () => {
  it('targets of every window stay inside its own part (train never reaches validation/test)', () => {
    fc.assert(
      fc.property(splitSpec, windowOptions, ({ n, spec, gap }, wo) => {
        const s = indexSeries(n);
        let split;
        try {
          split = chronologicalSplit(s, spec, { gap });
        } catch {
          return; // degenerate boundaries are rejected with an error, never mis-split
        }
        const o = toWindowOptions(wo);
        const parts = [
          [split.train, split.ranges.train],
          ...(split.validation ? [[split.validation, split.ranges.validation!] as const] : []),
          [split.test, split.ranges.test],
        ] as const;
        for (const [part, [lo, hi]] of parts) {
          const w = windowsOf(part, o);
          if (!w) continue;
          for (let i = 0; i < w.count; i++) {
            const r = w.ranges(i);
            const scored = [r.target, ...(r.future ? [r.future] : [])];
            for (const [a, b] of scored) {
              expect(b).toBeLessThanOrEqual(hi); // never after the part: no future rows
              if (o.history === 'within' || part.role === 'train') expect(a).toBeGreaterThanOrEqual(lo);
            }
            // The window's own scoring rows (direct targets / recursive rollout) start inside the part.
            const first = o.mode === 'direct' ? r.target[0] : r.future![0];
            expect(first).toBeGreaterThanOrEqual(lo);
            expect(r.input[1]).toBeLessThanOrEqual(hi);
            if (o.history === 'within') expect(r.input[0]).toBeGreaterThanOrEqual(lo);
          }
        }
        // Shuffled training batches read only training rows (the `row` column names the row).
        const wt = windowsOf(split.train, o);
        if (wt) {
          const trainEnd = split.ranges.train[1];
          for (const b of batches(wt, { batchSize: 7, shuffle: true, seed: n })) {
            for (let i = 0; i < b.x.length; i += 2) expect(b.x[i]!).toBeLessThan(trainEnd);
            for (const v of b.y) expect(v).toBeLessThan(trainEnd);
            if (b.future) for (const v of b.future) expect(v).toBeLessThan(trainEnd);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('walk-forward folds: training windows end before the fold test block; test follows train', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 30, max: 200 }),
          mode: fc.constantFrom('expanding' as const, 'sliding' as const),
          trainSize: fc.integer({ min: 10, max: 40 }),
          testSize: fc.integer({ min: 1, max: 15 }),
          step: fc.integer({ min: 1, max: 15 }),
          gap: fc.integer({ min: 0, max: 5 }),
        }),
        windowOptions,
        (fo, wo) => {
          let folds;
          try {
            folds = walkForwardFolds(indexSeries(fo.n), fo);
          } catch {
            return;
          }
          const o = toWindowOptions(wo);
          for (const f of folds) {
            expect(f.testRange[0]).toBe(f.trainRange[1] + fo.gap);
            const w = windowsOf(f.train, o);
            if (!w) continue;
            for (let i = 0; i < w.count; i++) {
              const r = w.ranges(i);
              expect(r.target[1]).toBeLessThanOrEqual(f.trainRange[1]);
              if (r.future) expect(r.future[1]).toBeLessThanOrEqual(f.trainRange[1]);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a scaler fitted on split.train saw only training rows', () => {
    fc.assert(
      fc.property(
        splitSpec,
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 300, maxLength: 300 }),
        fc.constantFrom('standard', 'minmax', 'robust'),
        ({ n, spec, gap }, values, kind) => {
          const s = Series.fromColumns({ v: values.slice(0, n) });
          let split;
          try {
            split = chronologicalSplit(s, spec, { gap });
          } catch {
            return;
          }
          const make = (): StandardScaler | MinMaxScaler | RobustScaler =>
            kind === 'standard' ? new StandardScaler() : kind === 'minmax' ? new MinMaxScaler() : new RobustScaler();
          const fitted = make().fit(split.train);
          // 1. it records exactly the training rows
          expect(fitted.fittedOn).toEqual({ role: 'train', rows: split.ranges.train });
          // 2. its parameters equal those of a scaler that only ever had the training rows
          const trainOnly = Series.fromColumns({ v: values.slice(0, split.ranges.train[1]) }).withRole('train');
          expect(fitted.toJSON().center).toEqual(make().fit(trainOnly).toJSON().center);
          expect(fitted.toJSON().scale).toEqual(make().fit(trainOnly).toJSON().scale);
          // 3. changing every non-training row leaves the fit unchanged
          const data = s.buffer;
          for (let i = split.ranges.train[1]; i < n; i++) data[i] = 1e7 + i;
          expect(make().fit(split.train).toJSON()).toEqual(fitted.toJSON());
          // and the whole series is refused without allowLeakage
          expect(() => make().fit(s)).toThrow(/allowLeakage/);
        },
      ),
      { numRuns: 100 },
    );
  });
});
