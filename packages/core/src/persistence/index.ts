/**
 * Persistence and interop: safetensors, the recur model directory format, atomic writes, checksums,
 * and PyTorch / Keras weight import and export. See README.md in this folder for the on-disk format.
 */
export { CheckpointError, ModelFormatError, PersistenceIOError } from './errors.js';
export { MAX_MODEL_CONFIG_BYTES, MAX_TENSOR_FILE_BYTES } from './limits.js';
export { formatShape, shapeSize, type HostTensor, type TensorDict } from './tensor-dict.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  READABLE_DTYPES,
  SAFETENSORS_DTYPE_SIZES,
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  type ReadableDtype,
} from './safetensors.js';
export { sha256Hex } from './sha256.js';
export { atomicWriteFile, readFileBytes, TEMP_FILE_PATTERN } from './atomic-write.js';
export {
  checkWeightsMatchConfig,
  decodeModelContents,
  decodeModelFiles,
  fileDigest,
  encodeModelFiles,
  loadModel,
  loadTensors,
  MODEL_CONFIG_FILE,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_WEIGHTS_FILE,
  parseManifest,
  readModel,
  saveModel,
  saveTensors,
  verifyDigest,
  type FileDigest,
  type LoadModelOptions,
  type ModelContents,
  type ModelManifest,
  type SaveModelOptions,
} from './model-files.js';
export {
  fromTorchStateDict,
  renameToTorch,
  type TorchExportOptions,
  type TorchImport,
  type TorchImportOptions,
} from './torch-names.js';
export {
  detectTorchLayout,
  recurrentPrefixes,
  TorchLayoutAmbiguousError,
  type TorchLayout,
  type TorchLayoutCandidates,
  type TorchLayoutHints,
  type TorchLayoutOption,
} from './torch-detect.js';
export {
  exportTorchSafetensors,
  fromTorchSafetensors,
  importTorchSafetensors,
  toTorchStateDict,
  type TorchSafetensorsExportOptions,
  type TorchSafetensorsImport,
  type TorchSafetensorsImportOptions,
} from './torch-io.js';
export {
  fromKerasWeights,
  type KerasBidirectionalWeights,
  type KerasImportOptions,
  type KerasRecurrentWeights,
  type KerasWeights,
} from './keras.js';
