/**
 * @recur/datasets: real datasets for recur, loaded lazily from the npm packages that ship them.
 * The catalogue is plain data (browser-safe); the loaders read files with Node APIs, imported
 * only when a loader is called.
 *
 * @packageDocumentation
 */
export {
  DATASETS,
  listDatasets,
  type DatasetInfo,
  type DatasetColumn,
  type DatasetName,
  type SeriesDatasetName,
  type TextDatasetName,
} from './catalogue';
export {
  loadDataset,
  loadSeattleWeather,
  loadCo2Concentration,
  loadSp500,
  loadUsBirths,
  loadMobyDick,
  fillMonthlyGaps,
  parseMonDayYear,
  type Co2Options,
} from './loaders';
export { UnknownDatasetError } from './errors';
