/**
 * @example/long-range: a tanh RNN, an LSTM and a GRU on the adding problem and long-gap recall,
 * error against the gap beside chance.
 *
 * @packageDocumentation
 */
export { formatTable, runLongRange, verdict, type AddingProbes, type LongRangeOptions, type LongRangeResult, type LongRangeRow } from './experiment.js';
