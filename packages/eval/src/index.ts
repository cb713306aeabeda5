/**
 * @recur/eval: metrics, per-horizon error, baselines, backtests, long-range-context probes,
 * synthetic memory tasks, and charts.
 *
 * @packageDocumentation
 */
export { UndefinedMetricError } from './errors.js';
export type { Values } from './metrics/check.js';
export { mae, mse, rmse, mape, smape, mase, seasonalNaiveScale, r2 } from './metrics/regression.js';
export {
  accuracy,
  accuracyFromLogits,
  argmax,
  bitsFromLoss,
  bitsPerChar,
  crossEntropy,
  perplexity,
  perplexityFromLoss,
  type CrossEntropyOptions,
} from './metrics/classification.js';
export {
  REGRESSION_METRICS,
  maseMetric,
  perHorizon,
  perHorizonTable,
  toRowMajor,
  type ForecastMatrix,
  type HorizonPoint,
  type Metric,
} from './metrics/per-horizon.js';
export { drift, forecastWindows, meanForecast, persistence, seasonalNaive, type Baseline } from './baselines/baselines.js';
export { skill, skillScore } from './baselines/skill.js';
export { createRng, type Rng } from './tasks/rng.js';
export { toTimeMajor, type TaskBatch } from './tasks/types.js';
export { ADDING_CHANCE_MSE, addingProblem, type AddingOptions } from './tasks/adding.js';
export { recallTask, type RecallOptions } from './tasks/recall.js';
export { copyTask, type CopyOptions } from './tasks/copy.js';
export {
  WORD_GAP_IDS,
  WORD_GAP_PAIRS,
  buildWordGapCorpus,
  wordsOf,
  type WordGapCorpus,
  type WordGapCorpusOptions,
  type WordGapPair,
} from './tasks/word-gap-corpus.js';
export { wordGapGenerator, wordGapSentence, wordGapTask, type WordGapBatch, type WordGapOptions } from './tasks/word-gap.js';
export {
  ablationChart,
  gateHeatmapChart,
  gradientByLagChart,
  perHorizonChart,
  taskSweepChart,
  type AblationRow,
  type ChartOptions,
  type GateHeatmapInput,
  type GradientLagRow,
  type HorizonRow,
  type SweepRow,
} from './reports/charts.js';
export { renderSvg } from './reports/render.js';
export { toJsonReport, type JsonReport } from './reports/json.js';
export {
  backtest,
  scoreForecasts,
  windowTruth,
  type BacktestOptions,
  type BacktestProgress,
  type BacktestResult,
  type FoldResult,
  type FoldStats,
  type Forecaster,
  type ForecasterFactory,
  type Scores,
} from './backtest/backtest.js';
export { recurForecaster, type RecurForecasterOptions } from './backtest/recur-forecaster.js';
export type { HostTensor, ProbeBatch, ProbeModelConfig, RecurModelLike } from './probes/model-like.js';
export { cellWeights, referenceForward, runLayer64, type CellWeights64, type LayerTrace, type ReferenceForward } from './probes/reference.js';
export { gateHeatmapInput, gateTraces, type GateTrace, type GateTraceOptions } from './probes/gate-traces.js';
export { gradientByLag, type GradientByLag, type GradientByLagOptions, type LagLoss } from './probes/gradient-by-lag.js';
export {
  contextAblation,
  defaultContextGrid,
  effectiveContextLength,
  type AblationPoint,
  type ContextAblation,
  type ContextAblationOptions,
  type PredictingModel,
  type SequencePredictor,
} from './probes/context-ablation.js';
export { probeWordGap, wordGapContextGrid, type WordGapProbeOptions, type WordGapProbes } from './probes/word-gap-probes.js';
export {
  scoreOnTask,
  taskSweep,
  trainOnTask,
  type SweepResult,
  type TaskGenerator,
  type TaskSweepOptions,
  type TaskTrainingOptions,
  type TaskTrainingResult,
} from './probes/task-training.js';
