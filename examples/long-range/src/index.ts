/**
 * @example/long-range: a tanh RNN, an LSTM and a GRU on word-level long-gap recall (Moby-Dick filler),
 * the adding problem and token recall,
 * error against the gap beside chance.
 *
 * @packageDocumentation
 */
export { formatTable, runLongRange, verdict, type AddingProbes, type LongRangeOptions, type LongRangeResult, type LongRangeRow } from './experiment.js';
export { formatWordGapTable, runWordGap, type WordGapExperimentOptions, type WordGapResult, type WordGapRow } from './word-gap.js';
