/**
 * ONNX protobuf encoding and decoding with protobufjs and the official `onnx.proto` schema
 * (`onnx.proto` beside this file, compiled to `onnx-schema.json` by `scripts/gen-proto-schema.mjs`).
 * Messages are handled as plain objects (`toObject` with int64 as numbers, bytes as Uint8Array).
 */
import { ModelFormatError } from '@recur/core';
import protobuf from 'protobufjs/light.js';
import schema from './onnx-schema.json';

/** ONNX `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** ONNX `AttributeProto.AttributeType` values used here. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A dimension of a value's shape: a fixed size or a symbolic name. */
export interface DimProto {
  dim_value?: number;
  dim_param?: string;
}

export interface TensorProto {
  name?: string;
  dims?: number[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  raw_data?: Uint8Array;
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  /** Subgraphs (Loop, Scan, If): recur refuses these. */
  g?: unknown;
  graphs?: unknown[];
  ref_attr_name?: string;
}

export interface NodeProto {
  name?: string;
  op_type?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: AttributeProto[];
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: DimProto[] } } };
  doc_string?: string;
}

export interface GraphProto {
  name?: string;
  node?: NodeProto[];
  initializer?: TensorProto[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
  doc_string?: string;
}

export interface ModelProto {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props?: { key?: string; value?: string }[];
  functions?: unknown[];
}

let modelType: protobuf.Type | null = null;

function ModelType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(schema as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

/** Serialises a ModelProto object to ONNX bytes. */
export function encodeModelProto(model: ModelProto): Uint8Array {
  const type = ModelType();
  const message = type.fromObject(model as Record<string, unknown>);
  return type.encode(message).finish();
}

/**
 * Parses ONNX bytes. Anything that is not a well-formed ModelProto with a graph (an empty,
 * truncated or foreign file) throws a one-line `ModelFormatError`.
 */
export function decodeModelProto(bytes: Uint8Array, file = 'model.onnx'): ModelProto {
  if (!(bytes instanceof Uint8Array)) throw new ModelFormatError('expected the ONNX file as a Uint8Array.', { file });
  if (bytes.length === 0) throw new ModelFormatError('the file is empty; expected an ONNX model (protobuf ModelProto).', { file });
  const type = ModelType();
  let decoded: ModelProto;
  try {
    const message = type.decode(bytes);
    decoded = type.toObject(message, { longs: Number, enums: Number, bytes: Uint8Array as unknown as typeof String, arrays: true, defaults: false }) as ModelProto;
  } catch (cause) {
    const why = (cause as Error).message.split('\n')[0];
    throw new ModelFormatError(
      `not a readable ONNX model (protobuf decoding failed: ${why}). The file is truncated, corrupted or not ONNX; re-export it.`,
      { file, cause },
    );
  }
  if (!decoded.ir_version || !decoded.graph || !decoded.graph.node?.length) {
    throw new ModelFormatError(
      `not an ONNX model: ${!decoded.ir_version ? 'no ir_version' : 'no graph with nodes'} in the decoded ModelProto. The file is truncated, corrupted or not ONNX.`,
      { file },
    );
  }
  if (!decoded.opset_import?.some((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')) {
    throw new ModelFormatError('not an ONNX model: no opset_import for the default ONNX domain.', { file });
  }
  return decoded;
}
