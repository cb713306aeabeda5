/**
 * @recur/onnx: export recur models to ONNX (standard LSTM / GRU / RNN operators) and import ONNX
 * models, including those `torch.onnx.export` writes, into recur.
 *
 * @packageDocumentation
 */
export { OnnxUnsupportedError, type UnsupportedFeature } from './errors.js';
export {
  DEFAULT_EXPORT_OPSET,
  ONNX_PRODUCER_NAME,
  ONNX_PRODUCER_VERSION,
  SUPPORTED_EXPORT_OPSETS,
  exportOnnx,
  exportOnnxModelProto,
  type OnnxExportOptions,
} from './export/export-onnx.js';
export { decodeModelProto, encodeModelProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './proto/onnx-codec.js';
export { fromOnnx, importOnnx, type OnnxImport, type OnnxImportOptions } from './import/import-onnx.js';
export type { OnnxGraphInfo } from './import/assemble-model.js';
