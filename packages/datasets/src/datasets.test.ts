import { describe, expect, it } from 'vitest';
import { chronologicalSplit, CharTokenizer, Series, StandardScaler, window, type Series as SeriesT } from '@recur/data';
import { DATASETS, listDatasets, loadDataset, loadCo2Concentration, fillMonthlyGaps, parseMonDayYear, UnknownDatasetError, type SeriesDatasetName } from './index';

const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);

describe('catalogue', () => {
  it('documents every dataset', () => {
    expect(DATASETS.map((d) => d.name)).toEqual(['seattle-weather', 'co2-concentration', 'sp500', 'us-births', 'moby-dick']);
    for (const d of listDatasets()) {
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.license.length).toBeGreaterThan(3);
      expect(d.source.package.length).toBeGreaterThan(3);
      if (d.kind === 'series') {
        expect(d.columns.map((c) => c.name)).toContain(d.defaultTarget);
        expect(d.seasonalPeriod).toBeGreaterThan(0);
      }
    }
  });
});

describe('loaders (read the real npm files)', () => {
  const series = DATASETS.filter((d) => d.kind === 'series');
  for (const info of series) {
    it(`${info.name}: columns, size, span, frequency and the default target match the catalogue`, async () => {
      const s = (await loadDataset(info.name as SeriesDatasetName)) as SeriesT;
      expect(s).toBeInstanceOf(Series);
      expect(s.columns).toEqual(info.columns.map((c) => c.name));
      expect(s.length).toBe(info.size);
      const ts = s.timestamps!;
      expect([iso(ts[0]!), iso(ts[ts.length - 1]!)]).toEqual(info.span);
      // regular grid at the documented frequency
      for (let i = 1; i < ts.length; i++) {
        const a = new Date(ts[i - 1]!);
        const b = new Date(ts[i]!);
        if (info.frequency === 'daily') expect(ts[i]! - ts[i - 1]!).toBe(86_400_000);
        else expect((b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth()).toBe(1);
      }
      // the whole standard path works on it
      const split = chronologicalSplit(s, { ratio: { train: 0.7, validation: 0.15 } });
      const sc = new StandardScaler().fit(split.train);
      const w = window(sc.transform(split.train), { lookback: Math.min(info.seasonalPeriod, 24), targets: [info.defaultTarget] });
      expect(w.count).toBeGreaterThan(0);
    });
  }

  it('known values', async () => {
    const weather = await loadDataset('seattle-weather');
    expect(weather.get(0, 'temp_max')).toBeCloseTo(12.8, 5);
    expect(weather.get(0, 'precipitation')).toBe(0);
    const sp = await loadDataset('sp500');
    expect(sp.get(0, 'price')).toBeCloseTo(1394.46, 2);
    expect(sp.get(sp.length - 1, 'price')).toBeCloseTo(1140.45, 2);
    const births = await loadDataset('us-births');
    expect(births.get(0, 'births')).toBe(8486);
    expect(births.get(0, 'day_of_week')).toBe(3); // 1969-01-01 was a Wednesday
    expect(births.get(births.length - 1, 'births')).toBe(9133);
  });

  it('co2: the 5 missing months are interpolated (or kept raw on request)', async () => {
    const raw = await loadCo2Concentration({ fillMissingMonths: false });
    expect(raw.length).toBe(741);
    const s = await loadDataset('co2-concentration');
    const ts = Array.from(s.timestamps!, iso);
    const june = ts.indexOf('1958-06-01');
    // 1958-05 = 317.51, 1958-07 = 315.86 in the file: June is the time-weighted mean
    const may = s.get(june - 1, 'CO2');
    const july = s.get(june + 1, 'CO2');
    const f = (Date.UTC(1958, 5, 1) - Date.UTC(1958, 4, 1)) / (Date.UTC(1958, 6, 1) - Date.UTC(1958, 4, 1));
    expect(s.get(june, 'CO2')).toBeCloseTo(may + (july - may) * f, 3);
    expect(ts.filter((t) => t.startsWith('1964-0')).length).toBe(9);
    expect(() => fillMonthlyGaps(Series.fromColumns({ v: [1, 2] }, { timestamps: [Date.UTC(2000, 0, 2), Date.UTC(2000, 1, 1)] }))).toThrow(/first of a month/);
    expect(() => fillMonthlyGaps(Series.fromColumns({ v: [1] }))).toThrow(/timestamps/);
  });

  it('moby-dick text feeds the tokenizers', async () => {
    const text = await loadDataset('moby-dick');
    expect(typeof text).toBe('string');
    expect(text.length).toBe(DATASETS.find((d) => d.name === 'moby-dick')!.size);
    expect(text).toContain('Call me Ishmael.');
    const tok = new CharTokenizer().fit(text.slice(0, 50_000));
    expect(tok.decode(tok.encode('Call me Ishmael.'))).toBe('Call me Ishmael.');
  });

  it('unknown names suggest the nearest', async () => {
    await expect(loadDataset('seatle-weather' as SeriesDatasetName)).rejects.toThrow(UnknownDatasetError);
    await expect(loadDataset('seatle-weather' as SeriesDatasetName)).rejects.toThrow(/Did you mean "seattle-weather"/);
  });

  it('parseMonDayYear', () => {
    expect(parseMonDayYear('Feb 1 2000')).toBe(Date.UTC(2000, 1, 1));
    expect(parseMonDayYear('Foo 1 2000')).toBeNaN();
    expect(parseMonDayYear('2000-01-01')).toBeNaN();
  });
});
