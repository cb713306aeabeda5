import { describe, expect, it } from 'vitest';
import { Series } from './series';
import { chronologicalSplit, walkForwardFolds } from './split';
import { InvalidOptionError, LeakageError } from './errors';

const seq = (n: number): Series =>
  Series.fromColumns({ v: Array.from({ length: n }, (_, i) => i) }, { timestamps: Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1 + i)) });

describe('chronologicalSplit', () => {
  it('splits by ratio into contiguous views with roles', () => {
    const s = seq(100);
    const sp = chronologicalSplit(s, { ratio: { train: 0.7, validation: 0.15 } });
    expect(sp.ranges).toEqual({ train: [0, 70], validation: [70, 85], test: [85, 100] });
    expect(sp.train.role).toBe('train');
    expect(sp.validation!.role).toBe('validation');
    expect(sp.test.role).toBe('test');
    expect(sp.train.buffer).toBe(s.buffer);
    expect(sp.test.get(0, 'v')).toBe(85);
    expect(sp.gapRows).toBe(0);
  });

  it('splits by ratio without validation, with explicit test, and with a gap', () => {
    const s = seq(100);
    const a = chronologicalSplit(s, { ratio: { train: 0.8 } });
    expect(a.validation).toBeUndefined();
    expect(a.ranges.test).toEqual([80, 100]);
    const b = chronologicalSplit(s, { ratio: { train: 0.6, validation: 0.2, test: 0.2 } }, { gap: 3 });
    expect(b.ranges).toEqual({ train: [0, 60], validation: [63, 83], test: [86, 100] });
    expect(b.gapRows).toBe(6);
    expect(() => chronologicalSplit(s, { ratio: { train: 0.6, validation: 0.2, test: 0.1 } })).toThrow(/must be 1/);
    expect(() => chronologicalSplit(s, { ratio: { train: 1.2 } })).toThrow(InvalidOptionError);
    expect(() => chronologicalSplit(s, { ratio: { train: 1 } })).toThrow(/test part would be empty/);
    expect(() => chronologicalSplit(s, { ratio: { train: 0 } })).toThrow(/training part would be empty/);
    expect(() => chronologicalSplit(s, { ratio: { train: 0.5 } }, { gap: -1 })).toThrow(/gap/);
  });

  it('splits by index', () => {
    const s = seq(50);
    const sp = chronologicalSplit(s, { index: { validationStart: 30, testStart: 40 } }, { gap: 2 });
    expect(sp.ranges).toEqual({ train: [0, 28], validation: [30, 38], test: [40, 50] });
    const t = chronologicalSplit(s, { index: { testStart: 45 } });
    expect(t.ranges.train).toEqual([0, 45]);
    expect(() => chronologicalSplit(s, { index: { validationStart: 30, testStart: 30 } })).toThrow(/validation part would be empty/);
    expect(() => chronologicalSplit(s, { index: { testStart: 1.5 } })).toThrow(InvalidOptionError);
  });

  it('splits by timestamp (number or Date)', () => {
    const s = seq(60);
    const sp = chronologicalSplit(s, { timestamp: { validationStart: new Date(Date.UTC(2020, 0, 31)), testStart: Date.UTC(2020, 1, 10) } });
    expect(sp.ranges).toEqual({ train: [0, 30], validation: [30, 40], test: [40, 60] });
    // A boundary between two timestamps goes to the first row at or after it.
    const between = chronologicalSplit(s, { timestamp: { testStart: Date.UTC(2020, 0, 10) + 1 } });
    expect(between.ranges.test[0]).toBe(10);
    const noTs = Series.fromColumns({ v: [1, 2, 3] });
    expect(() => chronologicalSplit(noTs, { timestamp: { testStart: 1 } })).toThrow(/needs a series with timestamps/);
    expect(() => chronologicalSplit(s, { timestamp: { testStart: NaN } })).toThrow(InvalidOptionError);
  });

  it('refuses to split validation or test rows into a new training part', () => {
    const sp = chronologicalSplit(seq(40), { ratio: { train: 0.5 } });
    expect(() => chronologicalSplit(sp.test, { ratio: { train: 0.5 } })).toThrow(LeakageError);
    // Splitting the training part again (train → train/validation) is fine.
    const inner = chronologicalSplit(sp.train, { ratio: { train: 0.6, validation: 0.2 } });
    expect(inner.validation!.absoluteRow(0)).toBe(12);
  });
});

describe('walkForwardFolds', () => {
  it('expanding folds (sktime ExpandingWindowSplitter)', () => {
    const folds = walkForwardFolds(seq(20), { mode: 'expanding', trainSize: 10, testSize: 3 });
    expect(folds.map((f) => [f.trainRange, f.testRange])).toEqual([
      [[0, 10], [10, 13]],
      [[0, 13], [13, 16]],
      [[0, 16], [16, 19]],
    ]);
    expect(folds[0]!.train.role).toBe('train');
    expect(folds[0]!.test.role).toBe('test');
  });

  it('sliding folds with step, gap and maxFolds', () => {
    const folds = walkForwardFolds(seq(30), { mode: 'sliding', trainSize: 10, testSize: 5, step: 4, gap: 2 });
    expect(folds.map((f) => [f.trainRange, f.testRange])).toEqual([
      [[0, 10], [12, 17]],
      [[4, 14], [16, 21]],
      [[8, 18], [20, 25]],
      [[12, 22], [24, 29]],
    ]);
    expect(folds[1]!.train.get(0, 'v')).toBe(4);
    const two = walkForwardFolds(seq(30), { mode: 'sliding', trainSize: 10, testSize: 5, maxFolds: 2 });
    expect(two).toHaveLength(2);
  });

  it('rejects impossible folds and bad options', () => {
    expect(() => walkForwardFolds(seq(10), { mode: 'expanding', trainSize: 8, testSize: 3 })).toThrow(/No fold fits/);
    expect(() => walkForwardFolds(seq(10), { mode: 'rolling' as 'sliding', trainSize: 2, testSize: 1 })).toThrow(/mode/);
    expect(() => walkForwardFolds(seq(10), { mode: 'sliding', trainSize: 0, testSize: 1 })).toThrow(/trainSize/);
    expect(() => walkForwardFolds(seq(10), { mode: 'sliding', trainSize: 2, testSize: 1, step: 0 })).toThrow(/step/);
    const sp = chronologicalSplit(seq(20), { ratio: { train: 0.5 } });
    expect(() => walkForwardFolds(sp.test, { mode: 'sliding', trainSize: 2, testSize: 1 })).toThrow(LeakageError);
  });
});
