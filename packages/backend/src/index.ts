/**
 * @recur/backend: the Backend contract every recur compute backend implements, its capability
 * manifest, typed errors, argument checks, and the runtime registry.
 *
 * @packageDocumentation
 */
export { SPECIFICATION_VERSION, optimizerStateCount } from './spec.js';
export type {
  ActivationBackwardParams,
  ActivationKind,
  ActivationParams,
  Backend,
  CellBackwardParams,
  CellForwardParams,
  CellShape,
  CellWeights,
  CopyParams,
  FloatArray,
  GatherParams,
  GemmParams,
  LossKind,
  LossParams,
  MemoryInfo,
  OptimizerKind,
  OptimizerStepParams,
  ScatterAddParams,
  SoftmaxParams,
  Tensor,
} from './spec.js';
export {
  FileReadError,
  openRegularFile,
  readRegularFile,
  readRegularFileSync,
  type FileReadProblem,
  type FileSizeLimit,
  type OpenRegularFile,
} from './files.js';
export { describeSchemaIssue, formatFieldPath, previewValue, type SchemaIssue } from './schema-issues.js';
export type { BackendPackageInfo, BackendVariantInfo } from './package-info.js';
export { CELL_KINDS, GATE_COUNT, GATE_ORDER, hasCellState, isCellKind, type CellKind } from './cells.js';
export {
  normalizeCapabilities,
  toleranceFor,
  type Capabilities,
  type CapabilityDeclaration,
  type Precision,
  type Tolerance,
} from './capabilities.js';
export {
  BackendDestroyedError,
  BackendMismatchError,
  BackendUnavailableError,
  CapabilityError,
  DeviceLostError,
  DisposedTensorError,
  InvalidArgumentError,
  NonFiniteError,
  OutOfMemoryError,
  RecurError,
  ShapeError,
  SpecificationVersionError,
} from './errors.js';
export {
  cellCacheMeta,
  checkActivation,
  checkCellBackward,
  checkCellCache,
  checkCellForward,
  resolveCellShape,
  checkClipLimit,
  checkCopy,
  checkCopyExtent,
  checkDim,
  checkExact,
  checkFillValue,
  checkGather,
  checkGatherIndices,
  checkGemm,
  checkIndices,
  checkLoss,
  checkOptimizerState,
  checkOptimizerStep,
  checkScatterAdd,
  checkScatterAddIndices,
  checkSoftmax,
  checkSumRows,
  checkTableRows,
  checkTensor,
  finiteNumber,
  isActiveStep,
  nonNegativeInt,
  shapeSize,
  type CellCacheMeta,
  type ResolvedCellShape,
  type ResolvedCopy,
  type ResolvedLoss,
  type ResolvedOptimizerStep,
} from './validate.js';
export { checked, isChecked } from './checked.js';
export { composeSequence } from './compose-sequence.js';
export { mulberry32 } from './random.js';
export {
  defineBackend,
  type BackendDefinition,
  type BackendMemory,
  type KernelName,
  type KernelTable,
  type MemoryMethodName,
} from './define-backend.js';
export {
  currentBackend,
  getBackend,
  getBackendRegistration,
  listBackends,
  registerBackend,
  resetRegistry,
  selectBackend,
  unregisterBackend,
  useBackend,
  type Availability,
  type BackendInfo,
  type BackendRegistration,
} from './registry.js';
