/**
 * @recur/core: recurrent models (RNN, LSTM, GRU), training, streaming inference and persistence,
 * on any recur compute backend.
 *
 * @packageDocumentation
 */
export { Rng, type RngState } from './random/prng.js';
export { normalInit, orthogonalMatrix, orthogonalRecurrentInit, uniformInit } from './init/initializers.js';
export { Parameter, TensorScope } from './nn/parameter.js';
export { Recurrent, dropoutMask, type CellParameters, type RecurrentCache, type RecurrentForward, type RecurrentForwardArgs, type RecurrentOptions } from './nn/recurrent.js';
export { Dense } from './nn/dense.js';
export { Embedding } from './nn/embedding.js';
export { countParameters, MODEL_LIMITS, parameterShapes, validateModelConfig, type InitConfig, type ModelConfig, type ModelConfigInput, type ModelKind } from './model/config.js';
export { batchFromSequences, resolveLengths, stepWeights, type Batch } from './model/batch.js';
export {
  Model,
  createModel,
  resolveBackend,
  type CreateModelOptions,
  type DeviceState,
  type ForwardPass,
  type HostState,
  type HostTensors,
  type NamedTensor,
  type Prediction,
  type StateDict,
} from './model/model.js';
export type { GenerateOptions } from './model/generate.js';
export { lossOnPass, resolveLoss, type LossConfig } from './train/losses.js';
export { Optimizer, type OptimizerConfig, type OptimizerState } from './train/optimizer.js';
export { LrSchedule, type ScheduleConfig, type ScheduleState } from './train/schedules.js';
export { trainStep, type TrainStepOptions, type TrainStepResult } from './train/train-step.js';
export { evaluate } from './train/evaluate.js';
export { fit, type CallbackResult, type FitCallbacks, type FitOptions, type History, type StepInfo } from './train/fit.js';
export {
  CHECKPOINT_FORMAT,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  type Checkpoint,
  type DataPosition,
  type EpochLog,
} from './train/checkpoint.js';
export * from './persistence/index.js';
