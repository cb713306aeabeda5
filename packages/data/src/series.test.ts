import { describe, expect, it } from 'vitest';
import { Series, createSeries } from './series';
import { RecurError } from '@recur/backend';
import { InvalidOptionError, NonFiniteValueError, TimestampOrderError, UnknownColumnError, EmptyDataError, RecurDataError, dataErrorCode } from './errors';
import { editDistance, nearestName } from './edit-distance';

describe('Series', () => {
  const s = Series.fromColumns({ a: [1, 2, 3, 4], b: [10, 20, 30, 40] }, { timestamps: [100, 200, 300, 400] });

  it('stores row-major [rows, columns] in one buffer', () => {
    expect(Array.from(s.data)).toEqual([1, 10, 2, 20, 3, 30, 4, 40]);
    expect(s.length).toBe(4);
    expect(s.width).toBe(2);
    expect(s.role).toBe('full');
    expect(Array.from(s.column('b'))).toEqual([10, 20, 30, 40]);
    expect(s.get(2, 'a')).toBe(3);
    expect(s.get(2, 1)).toBe(30);
    expect(() => s.get(4, 'a')).toThrow(InvalidOptionError);
  });

  it('slices are views of the same buffer with absolute row numbers', () => {
    const v = s.slice(1, 3, 'train');
    expect(v.buffer).toBe(s.buffer);
    expect(v.data.buffer).toBe(s.data.buffer);
    expect(Array.from(v.data)).toEqual([2, 20, 3, 30]);
    expect(Array.from(v.timestamps!)).toEqual([200, 300]);
    expect(v.role).toBe('train');
    expect(v.absoluteRow(0)).toBe(1);
    expect(v.precedingRows).toBe(1);
    const vv = v.slice(1, 2);
    expect(vv.absoluteRow(0)).toBe(2);
    expect(vv.role).toBe('train');
    expect(s.withRole('train').role).toBe('train');
    expect(() => s.slice(2, 1)).toThrow(InvalidOptionError);
    expect(() => s.slice(0, 5)).toThrow(InvalidOptionError);
  });

  it('fromRows builds the same layout', () => {
    const r = Series.fromRows([[1, 10], [2, 20]], ['a', 'b']);
    expect(Array.from(r.data)).toEqual([1, 10, 2, 20]);
    expect(() => Series.fromRows([[1, 10], [2]], ['a', 'b'])).toThrow(/Row 1 has 1 values/);
  });

  it('rejects NaN and Inf naming row and column', () => {
    const err = (() => {
      try {
        Series.fromColumns({ a: [1, 2, 3], b: [1, NaN, 3] });
      } catch (e) {
        return e as NonFiniteValueError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(NonFiniteValueError);
    expect(err).toBeInstanceOf(RecurDataError);
    expect(err!.code).toBe('E_NON_FINITE');
    expect(err!.row).toBe(1);
    expect(err!.column).toBe('b');
    expect(() => Series.fromColumns({ a: [1, Infinity] })).toThrow(/row 1, column "a"/);
    expect(() => Series.fromColumns({ a: [1, -Infinity] })).toThrow(NonFiniteValueError);
    // validate: false skips the scan (for data validated elsewhere)
    expect(Series.fromColumns({ a: [1, NaN] }, { validate: false }).length).toBe(2);
  });

  it('rejects timestamps that are duplicated or go backwards', () => {
    const dup = (): Series => Series.fromColumns({ a: [1, 2, 3] }, { timestamps: [1, 2, 2] });
    expect(dup).toThrow(TimestampOrderError);
    try {
      dup();
    } catch (e) {
      expect((e as TimestampOrderError).code).toBe('E_TIMESTAMP_DUPLICATE');
      expect((e as TimestampOrderError).row).toBe(2);
    }
    try {
      Series.fromColumns({ a: [1, 2, 3] }, { timestamps: [1, 3, 2] });
    } catch (e) {
      expect((e as TimestampOrderError).code).toBe('E_TIMESTAMP_NOT_INCREASING');
      expect((e as TimestampOrderError).row).toBe(2);
    }
    expect(() => Series.fromColumns({ a: [1, 2] }, { timestamps: [1, NaN] })).toThrow(NonFiniteValueError);
    expect(() => Series.fromColumns({ a: [1, 2] }, { timestamps: [1] })).toThrow(/2 rows/);
  });

  it('rejects bad construction', () => {
    expect(() => createSeries({ data: new Float32Array(0), columns: ['a'] })).toThrow(EmptyDataError);
    expect(() => createSeries({ data: new Float32Array(3), columns: ['a', 'b'] })).toThrow(/multiple/);
    expect(() => createSeries({ data: new Float32Array(4), columns: ['a', 'a'] })).toThrow(/unique/);
    expect(() => createSeries({ data: new Float32Array(4), columns: [] })).toThrow(InvalidOptionError);
    expect(() => createSeries({ data: [1, 2] as unknown as Float32Array, columns: ['a'] })).toThrow(/Float32Array/);
    expect(() => Series.fromColumns({})).toThrow(InvalidOptionError);
    expect(() => Series.fromColumns({ a: [1, 2], b: [1] })).toThrow(/same length/);
  });

  it('unknown columns suggest the nearest name', () => {
    const w = Series.fromColumns({ temp_max: [1], temp_min: [2], wind: [3] });
    try {
      w.columnIndex('temp_mx');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownColumnError);
      expect((e as UnknownColumnError).suggestion).toBe('temp_max');
      expect((e as UnknownColumnError).column).toBe('temp_mx');
      expect((e as Error).message).toMatch(/Did you mean "temp_max"\?/);
    }
    try {
      w.column('precipitation');
    } catch (e) {
      expect((e as UnknownColumnError).suggestion).toBeUndefined();
      expect((e as Error).message).toMatch(/Available columns: "temp_max", "temp_min", "wind"/);
    }
    expect(() => w.columnIndices([])).toThrow(InvalidOptionError);
    expect(() => w.columnIndices(['wind', 'wind'])).toThrow(/twice/);
  });
});

describe('editDistance', () => {
  it('computes Levenshtein distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(nearestName('WIND', ['wind', 'temp'])).toBe('wind');
    expect(nearestName('zzzzzz', ['wind', 'temp'])).toBeUndefined();
  });
});

describe('RecurDataError on RecurError (issue 24)', () => {
  it('is a RecurError with an E_* code and keeps the old code as legacyCode', () => {
    const e = new NonFiniteValueError(Number.NaN, { row: 2, column: 'v' });
    expect(e).toBeInstanceOf(RecurError);
    expect(e.code).toBe('E_NON_FINITE');
    expect(e.legacyCode).toBe('NON_FINITE');
    expect(new RecurDataError('EMPTY', 'x').code).toBe('E_EMPTY');
    expect(dataErrorCode('LEAKAGE')).toBe('E_LEAKAGE');
    expect(dataErrorCode('E_LEAKAGE')).toBe('E_LEAKAGE');
  });
});
