import { describe, expect, it } from 'vitest';
import { Series } from './series';
import { window } from './window';
import { batches, toBatchMajor, toTimeMajor } from './batches';
import { chronologicalSplit } from './split';
import { InvalidOptionError, LeakageError } from './errors';

const s = Series.fromColumns({
  a: Array.from({ length: 20 }, (_, t) => t),
  b: Array.from({ length: 20 }, (_, t) => 100 + t),
});

describe('batches', () => {
  it('batch-major [B, T, F] and [B, H, K], in order, last batch smaller', () => {
    const w = window(s, { lookback: 3, horizon: 2, targets: ['a'] });
    const bs = [...batches(w, { batchSize: 4 })];
    expect(w.count).toBe(16);
    expect(bs).toHaveLength(4);
    const b0 = bs[0]!;
    expect(b0.xShape).toEqual([4, 3, 2]);
    expect(b0.yShape).toEqual([4, 2, 1]);
    expect(b0.x.subarray(0, 6)).toEqual(w.x(0));
    expect(b0.x.subarray(6, 12)).toEqual(w.x(1));
    expect(Array.from(b0.y.subarray(0, 4))).toEqual([3, 4, 4, 5]);
    expect(Array.from(b0.windows)).toEqual([0, 1, 2, 3]);
    expect(b0.inputs).toBeUndefined();
    const odd = [...batches(w, { batchSize: 5 })];
    expect(odd.map((b) => b.B)).toEqual([5, 5, 5, 1]);
    expect([...batches(w, { batchSize: 5, dropLast: true })].map((b) => b.B)).toEqual([5, 5, 5]);
    expect(batches(w, { batchSize: 5, dropLast: true }).batchCount).toBe(3);
  });

  it('time-major [T, B, F] equals toTimeMajor of batch-major, and carries core Batch fields', () => {
    const w = window(s, { lookback: 4, horizon: 2 });
    const bm = [...batches(w, { batchSize: 3 })];
    const tm = [...batches(w, { batchSize: 3, layout: 'time-major' })];
    tm.forEach((b, i) => {
      const ref = bm[i]!;
      expect(b.xShape).toEqual([4, ref.B, 2]);
      expect(b.x).toEqual(toTimeMajor(ref.x, ref.B, 4, 2));
      expect(toBatchMajor(b.x, 4, ref.B, 2)).toEqual(ref.x);
      // direct targets are per-sequence: still [B, H, K]
      expect(b.y).toEqual(ref.y);
      expect(b.inputs).toBe(b.x);
      expect(b.targets).toBe(b.y);
      expect(b.T).toBe(4);
    });
    expect(() => toTimeMajor(new Float32Array(5), 2, 2, 1)).toThrow(InvalidOptionError);
    expect(() => toBatchMajor(new Float32Array(5), 2, 2, 1)).toThrow(InvalidOptionError);
  });

  it('time-major teacher-forced targets are [T, B, K]; recursive batches carry future', () => {
    const w = window(s, { lookback: 3, horizon: 2, mode: 'recursive', teacherForcing: true, targets: ['a'] });
    const [b] = [...batches(w, { batchSize: 2, layout: 'time-major' })];
    expect(b!.yShape).toEqual([3, 2, 1]);
    // y[t, b] = row (b + t + 1)
    expect(Array.from(b!.y)).toEqual([1, 2, 2, 3, 3, 4]);
    expect(Array.from(b!.future!)).toEqual([3, 4, 4, 5]);
  });

  it('shuffles training windows with a seed, the same windows each time', () => {
    const { train } = chronologicalSplit(s, { ratio: { train: 0.75 } });
    const w = window(train, { lookback: 2 });
    const order = (seed: number): number[] => [...batches(w, { batchSize: 4, shuffle: true, seed })].flatMap((b) => Array.from(b.windows));
    const a = order(1);
    expect(order(1)).toEqual(a);
    expect(order(2)).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: w.count }, (_, i) => i));
    // each shuffled batch row really is that window
    for (const b of batches(w, { batchSize: 4, shuffle: true, seed: 3 })) {
      b.windows.forEach((wi, i) => expect(b.x.subarray(i * 4, i * 4 + 4)).toEqual(w.x(wi)));
    }
  });

  it('refuses to shuffle validation, test or unsplit windows', () => {
    const sp = chronologicalSplit(s, { ratio: { train: 0.5, validation: 0.25 } });
    expect(() => batches(window(sp.validation!, { lookback: 2 }), { batchSize: 2, shuffle: true })).toThrow(LeakageError);
    expect(() => batches(window(sp.test, { lookback: 2 }), { batchSize: 2, shuffle: true })).toThrow(/time order/);
    expect(() => batches(window(s, { lookback: 2 }), { batchSize: 2, shuffle: true })).toThrow(/Split the series first/);
    // In order is fine for every role.
    expect([...batches(window(sp.test, { lookback: 2 }), { batchSize: 2 })].length).toBeGreaterThan(0);
  });

  it('reuseBuffers hands out the same arrays for full batches', () => {
    const w = window(s, { lookback: 2 });
    const xs = [...batches(w, { batchSize: 4, reuseBuffers: true })].map((b) => b.x);
    expect(xs[0]).toBe(xs[1]);
    const fresh = [...batches(w, { batchSize: 4 })].map((b) => b.x);
    expect(fresh[0]).not.toBe(fresh[1]);
  });

  it('validates options', () => {
    const w = window(s, { lookback: 2 });
    expect(() => batches(w, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => batches(w, { batchSize: 2, layout: 'x' as 'time-major' })).toThrow(/layout/);
    expect(() => batches(w, { batchSize: 2, seed: 0.5 })).toThrow(/seed/);
  });
});

describe('batches with many columns (row-copy path)', () => {
  it('time-major equals the transposed batch-major for 9 contiguous features', () => {
    const cols: Record<string, number[]> = {};
    for (let c = 0; c < 9; c++) cols[`c${c}`] = Array.from({ length: 12 }, (_, t) => t * 10 + c);
    const wide = Series.fromColumns(cols);
    const w = window(wide, { lookback: 3, targets: ['c0'] });
    const bm = [...batches(w, { batchSize: 4 })];
    const tm = [...batches(w, { batchSize: 4, layout: 'time-major' })];
    tm.forEach((b, i) => expect(b.x).toEqual(toTimeMajor(bm[i]!.x, bm[i]!.B, 3, 9)));
    expect(bm[0]!.x.subarray(9, 18)).toEqual(Float32Array.from({ length: 9 }, (_, c) => 10 + c));
  });
});
