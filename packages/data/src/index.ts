/**
 * @recur/data: windowing, scaling, chronological splits, CSV readers and tokenizers for
 * sequence data. Works on plain typed arrays; no dependency on the compute backends or core (only
 * on @recur/backend's file-read helper and schema-issue wording, and on zod for saved JSON).
 *
 * @packageDocumentation
 */
export {
  RecurDataError,
  NonFiniteValueError,
  NotNumericError,
  MissingValueError,
  TimestampOrderError,
  InvalidTimestampError,
  WindowTooLongError,
  EmptyDataError,
  RaggedRowError,
  UnknownColumnError,
  InvalidOptionError,
  LeakageError,
  UnknownTokenError,
  NotFittedError,
  CsvParseError,
  NotCsvError,
  SavedFormatError,
  ZeroVarianceError,
  dataErrorCode,
  type DataErrorCode,
  type DataErrorLocation,
  type LegacyDataErrorCode,
} from './errors';
export { editDistance, nearestName } from './edit-distance';
export { Series, createSeries, type SeriesInit, type SeriesRole } from './series';
export { chronologicalSplit, walkForwardFolds, type SplitSpec, type SplitOptions, type SplitResult, type WalkForwardOptions, type Fold } from './split';
export { window, Windows, type WindowOptions, type WindowRanges } from './window';
export { batches, toTimeMajor, toBatchMajor, type BatchOptions, type BatchLayout, type WindowBatch } from './batches';
export {
  Scaler,
  StandardScaler,
  MinMaxScaler,
  RobustScaler,
  scalerFromJSON,
  type ScalerKind,
  type ScalerJSON,
  type ScalerFitOptions,
  type FittedOn,
} from './scalers';
export { CSV_NON_FINITE, CSV_NUMBER, readCsv, readCsvChunks, type CsvOptions, type CsvChunk, type CsvSource, type MissingPolicy, type TimestampSpec } from './csv';
export { Vocabulary, type VocabularyBuildOptions, type VocabularyJSON } from './vocabulary';
export { Tokenizer, CharTokenizer, WordTokenizer, tokenizerFromJSON, type TokenizerJSON } from './tokenizers';
export { languageModelBatches, oneHot, type LmBatchOptions, type LmBatch, type LmBatches } from './lm-batches';
export { mulberry32 } from '@recur/backend';
export { MAX_SCALER_COLUMNS, MAX_VOCABULARY_SIZE, parseSaved, scalerJsonSchema, tokenizerJsonSchema, vocabularyJsonSchema } from './saved-schemas';
