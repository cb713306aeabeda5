import { afterEach, describe, expect, it, vi } from 'vitest';
import { Series } from './series';
import { chronologicalSplit } from './split';
import { MinMaxScaler, RobustScaler, StandardScaler, quantile, scalerFromJSON, type Scaler } from './scalers';
import { InvalidOptionError, LeakageError, NotFittedError, SavedFormatError, UnknownColumnError } from './errors';
import { window } from './window';

const s = Series.fromColumns(
  { x: [1, 2, 3, 4, 100, 200, 300, 400], c: [5, 5, 5, 5, 5, 5, 5, 5], other: [0, 1, 2, 3, 4, 5, 6, 7] },
  { timestamps: [0, 1, 2, 3, 4, 5, 6, 7] },
);
const split = chronologicalSplit(s, { index: { testStart: 4 } });

afterEach(() => vi.restoreAllMocks());

describe('scalers', () => {
  it('standard: mean and population std of the training rows only', () => {
    const sc = new StandardScaler().fit(split.train, { columns: ['x', 'c'] });
    const mean = 2.5;
    const std = Math.sqrt(((1.5 ** 2 + 0.5 ** 2) * 2) / 4);
    expect(sc.parameters.center[0]).toBeCloseTo(mean, 12);
    expect(sc.parameters.scale[0]).toBeCloseTo(std, 12);
    expect(sc.parameters.scale[1]).toBe(1); // constant column: std 0 → 1
    expect(sc.fittedOn).toEqual({ role: 'train', rows: [0, 4] });
    const t = sc.transform(split.test);
    expect(t.get(0, 'x')).toBeCloseTo((100 - mean) / std, 4);
    expect(t.get(0, 'c')).toBe(0);
    expect(t.get(0, 'other')).toBe(4); // unscaled column copied
    expect(t.role).toBe('test');
    expect(t.absoluteRow(0)).toBe(4);
    expect(Array.from(t.timestamps!)).toEqual([4, 5, 6, 7]);
    expect(t.buffer).not.toBe(s.buffer); // the input is not modified
    expect(s.get(4, 'x')).toBe(100);
  });

  it('min-max with a feature range', () => {
    const sc = new MinMaxScaler({ featureRange: [-1, 1] }).fit(split.train, { columns: ['x'] });
    const t = sc.transform(split.train);
    expect(Array.from(t.column('x'))).toEqual([-1, -1 / 3, 1 / 3, 1].map(Math.fround));
    expect(sc.transform(split.test).get(0, 'x')).toBeCloseTo(-1 + (2 * 99) / 3, 4);
    expect(new MinMaxScaler().fit(split.train, { columns: ['c'] }).transform(split.train).get(0, 'c')).toBe(0);
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(InvalidOptionError);
  });

  it('robust: median and IQR (numpy linear quantiles)', () => {
    const train = Series.fromColumns({ v: [1, 2, 3, 4, 10] }).withRole('train');
    const sc = new RobustScaler().fit(train);
    expect(sc.parameters.center[0]).toBe(3);
    expect(sc.parameters.scale[0]).toBe(4 - 2);
    const wide = new RobustScaler({ quantileRange: [10, 90] }).fit(train);
    expect(wide.parameters.scale[0]).toBeCloseTo(quantile(Float64Array.from([1, 2, 3, 4, 10]), 0.9) - 1.4, 12);
    expect(quantile(Float64Array.from([1, 2, 3, 4, 10]), 0.9)).toBeCloseTo(7.6, 12);
    expect(() => new RobustScaler({ quantileRange: [80, 20] })).toThrow(InvalidOptionError);
  });

  it('inverse restores original units, for series and for raw predictions of some columns', () => {
    for (const sc of [new StandardScaler(), new MinMaxScaler(), new RobustScaler()] as Scaler[]) {
      sc.fit(split.train, { columns: ['x', 'other'] });
      const t = sc.transform(split.test);
      const back = sc.inverseSeries(t);
      for (let i = 0; i < 4; i++) expect(back.get(i, 'x')).toBeCloseTo(split.test.get(i, 'x'), 3);
      // predictions [B=2, H=2, K=1] for target column 'x' only
      const pred = Float32Array.from([100, 200, 300, 400]);
      const z = sc.transformValues(pred, ['x']);
      expect(Array.from(sc.inverse(z, ['x'])).map((v) => Math.round(v))).toEqual([100, 200, 300, 400]);
      // default columns: last dim = fitted columns
      expect(sc.inverse(sc.transformValues(Float32Array.from([1, 2]))).length).toBe(2);
      expect(() => sc.inverse(z, ['c'])).toThrow(/not fitted on column "c"/);
      expect(() => sc.inverse(Float32Array.from([1, 2, 3]))).toThrow(/do not divide/);
    }
  });

  it('transformSplit keeps the parts as views of one new buffer', () => {
    const sp = chronologicalSplit(s, { index: { validationStart: 4, testStart: 6 } });
    const sc = new StandardScaler().fit(sp.train, { columns: ['x'] });
    const t = sc.transformSplit(sp);
    expect(t.train.buffer).toBe(t.test.buffer);
    expect(t.validation!.buffer).toBe(t.train.buffer);
    expect(t.test.role).toBe('test');
    expect(t.test.get(0, 'x')).toBeCloseTo(sc.transform(sp.test).get(0, 'x'), 6);
    // windows on the scaled test part may reach back into the scaled validation rows
    expect(window(t.test, { lookback: 3, history: 'preceding' }).count).toBe(2);
    const other = chronologicalSplit(Series.fromColumns({ x: [1, 2, 3, 4], c: [1, 2, 3, 4], other: [1, 2, 3, 4] }), { index: { testStart: 2 } });
    expect(() => sc.transformSplit({ ...sp, test: other.test })).toThrow(/one buffer/);
  });

  it('refuses to fit on non-training rows; allowLeakage warns loudly', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const bad of [s, split.test, chronologicalSplit(s, { index: { validationStart: 2, testStart: 4 } }).validation!]) {
      expect(() => new StandardScaler().fit(bad)).toThrow(LeakageError);
    }
    expect(warn).not.toHaveBeenCalled();
    const sc = new StandardScaler().fit(s, { allowLeakage: true });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/LEAKAGE WARNING.*'full' series/);
    expect(sc.fittedOn.role).toBe('full');
    expect(() => new StandardScaler().fit([1, 2] as unknown as Series)).toThrow(/expects a Series/);
  });

  it('errors before fitting and on unknown columns', () => {
    expect(() => new StandardScaler().transform(s)).toThrow(NotFittedError);
    expect(() => new StandardScaler().toJSON()).toThrow(/fit\(split.train\)/);
    expect(() => new StandardScaler().fit(split.train, { columns: ['xx'] })).toThrow(UnknownColumnError);
    const sc = new StandardScaler().fit(split.train, { columns: ['x'] });
    expect(() => sc.transform(Series.fromColumns({ y: [1] }))).toThrow(UnknownColumnError);
  });

  it('toJSON / scalerFromJSON round-trip through JSON text', () => {
    for (const sc of [new StandardScaler(), new MinMaxScaler({ featureRange: [-2, 3] }), new RobustScaler({ quantileRange: [5, 95] })] as Scaler[]) {
      sc.fit(split.train);
      const restored = scalerFromJSON(JSON.parse(JSON.stringify(sc)));
      expect(restored.kind).toBe(sc.kind);
      expect(restored.columns).toEqual(sc.columns);
      expect(restored.fittedOn).toEqual(sc.fittedOn);
      expect(restored.transform(split.test).data).toEqual(sc.transform(split.test).data);
      expect(restored.toJSON()).toEqual(sc.toJSON());
    }
    expect(() => scalerFromJSON({})).toThrow(/Not a saved recur scaler/);
    expect(() => scalerFromJSON(null)).toThrow(SavedFormatError);
    const good = new StandardScaler().fit(split.train).toJSON();
    expect(() => scalerFromJSON({ ...good, scale: [0, 1, 1] })).toThrow(/malformed/);
    expect(() => scalerFromJSON({ ...good, center: [1] })).toThrow(/malformed: field center: expected 3 values, one per column/);
    expect(() => scalerFromJSON({ ...good, kind: 'log' })).toThrow(/field kind: expected 'standard', 'minmax' or 'robust'/);
    // A centre beyond float32 would turn every scaled value into -Infinity (then NaN forecasts).
    expect(() => scalerFromJSON({ ...good, center: [1e308, 0, 0] })).toThrow(/field center\[0\]: expected a finite number within the float32 range \(.*\) \(got 1e\+308\)/);
    expect(() => scalerFromJSON({ ...good, columns: ['x', 'x', 'other'] })).toThrow(/field columns: expected unique column names/);
  });
});
