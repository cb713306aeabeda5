import { describe, expect, it } from 'vitest';
import { Series } from './series';
import { window } from './window';
import { chronologicalSplit } from './split';
import { InvalidOptionError, UnknownColumnError, WindowTooLongError } from './errors';

// Column a = t, b = 100 + t, c = 200 + t: every value names its row.
const s = Series.fromColumns({
  a: Array.from({ length: 10 }, (_, t) => t),
  b: Array.from({ length: 10 }, (_, t) => 100 + t),
  c: Array.from({ length: 10 }, (_, t) => 200 + t),
});

describe('window (direct)', () => {
  it('defaults: all columns, horizon 1, stride 1', () => {
    const w = window(s, { lookback: 3 });
    expect(w.count).toBe(7);
    expect(w.mode).toBe('direct');
    expect(Array.from(w.x(0))).toEqual([0, 100, 200, 1, 101, 201, 2, 102, 202]);
    expect(Array.from(w.y(0))).toEqual([3, 103, 203]);
    expect(Array.from(w.y(6))).toEqual([9, 109, 209]);
    expect(w.ranges(6)).toEqual({ input: [6, 9], target: [9, 10], future: undefined });
  });

  it('multivariate features, several targets, multi-step horizon, stride and gap', () => {
    const w = window(s, { lookback: 2, horizon: 3, stride: 2, gap: 1, features: ['c', 'a'], targets: ['b', 'a'] });
    // needs 2 + 1 + 3 = 6 rows: starts 0, 2, 4
    expect(w.count).toBe(3);
    expect(Array.from(w.x(1))).toEqual([202, 2, 203, 3]);
    // targets rows 2+2+1 = 5..7
    expect(Array.from(w.y(1))).toEqual([105, 5, 106, 6, 107, 7]);
    expect(w.ranges(2)).toEqual({ input: [4, 6], target: [7, 10], future: undefined });
    expect(w.targetSteps).toBe(3);
    expect(w.featureCount).toBe(2);
    expect(w.targetCount).toBe(2);
    expect(w.contiguousFeatures).toBe(false);
    expect(() => w.future(0)).toThrow(InvalidOptionError);
  });

  it('windows are views of the one buffer', () => {
    const w = window(s, { lookback: 4 });
    const v = w.view(2);
    expect(v.buffer).toBe(s.buffer.buffer);
    expect(v.byteOffset).toBe(2 * 3 * 4);
    expect(Array.from(v)).toEqual(Array.from(w.x(2)));
    expect(w.contiguousFeatures).toBe(true);
    s.buffer[2 * 3] = 2; // touching the buffer is visible through the view (no copy)
    expect(v[0]).toBe(2);
  });

  it('history "preceding" lets inputs reach back, never targets', () => {
    const sp = chronologicalSplit(s, { index: { testStart: 7 } });
    const within = window(sp.test, { lookback: 2, targets: ['a'] });
    expect(within.count).toBe(1); // rows 7,8 → 9
    const pre = window(sp.test, { lookback: 4, targets: ['a'], history: 'preceding' });
    // targets must be rows 7, 8, 9; inputs start at 3, 4, 5
    expect(pre.count).toBe(3);
    expect(pre.ranges(0)).toEqual({ input: [3, 7], target: [7, 8], future: undefined });
    expect(Array.from(pre.y(0))).toEqual([7]);
    expect(Array.from(pre.x(0)).filter((_, i) => i % 3 === 0)).toEqual([3, 4, 5, 6]);
    // On the first part there is nothing before: the same as 'within'.
    expect(window(sp.train, { lookback: 2, history: 'preceding' }).count).toBe(window(sp.train, { lookback: 2 }).count);
    expect(() => window(s, { lookback: 2, history: 'all' as 'within' })).toThrow(InvalidOptionError);
  });

  it('throws WindowTooLongError when no window fits', () => {
    expect(() => window(s, { lookback: 10 })).toThrow(WindowTooLongError);
    expect(() => window(s, { lookback: 8, horizon: 2, gap: 1 })).toThrow(/needs 11 rows .* has only 10/);
    expect(window(s, { lookback: 9 }).count).toBe(1);
  });

  it('validates options and column names', () => {
    expect(() => window(s, { lookback: 0 })).toThrow(/lookback/);
    expect(() => window(s, { lookback: 2, horizon: 0 })).toThrow(/horizon/);
    expect(() => window(s, { lookback: 2, stride: 1.5 })).toThrow(/stride/);
    expect(() => window(s, { lookback: 2, gap: -1 })).toThrow(/gap/);
    expect(() => window(s, { lookback: 2, mode: 'seq' as 'direct' })).toThrow(/mode/);
    expect(() => window(s, { lookback: 2, features: ['aa'] })).toThrow(UnknownColumnError);
    expect(() => window(s, { lookback: 2 }).start(8)).toThrow(/Window 8/);
  });
});

describe('window (recursive)', () => {
  it('one-step-ahead target, and the rollout truth in future', () => {
    const w = window(s, { lookback: 3, horizon: 4, mode: 'recursive', features: ['a', 'b'], targets: ['a'] });
    // needs 3 + 4 rows → starts 0..3
    expect(w.count).toBe(4);
    expect(w.targetSteps).toBe(1);
    expect(Array.from(w.y(0))).toEqual([3]);
    expect(Array.from(w.future(0))).toEqual([3, 4, 5, 6]);
    expect(w.ranges(3)).toEqual({ input: [3, 6], target: [6, 7], future: [6, 10] });
  });

  it('teacher forcing gives the next step for every input step', () => {
    const w = window(s, { lookback: 3, mode: 'recursive', teacherForcing: true, targets: ['a'] });
    expect(w.targetSteps).toBe(3);
    expect(Array.from(w.y(2))).toEqual([3, 4, 5]);
    expect(w.ranges(2).target).toEqual([3, 6]);
  });

  it('requires targets among the features and no gap', () => {
    expect(() => window(s, { lookback: 2, mode: 'recursive', features: ['b'], targets: ['a'] })).toThrow(/add "a" to features/);
    expect(() => window(s, { lookback: 2, mode: 'recursive', gap: 1 })).toThrow(/gap applies to the direct mode/);
  });
});
