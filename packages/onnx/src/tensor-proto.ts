/** Conversions between ONNX `TensorProto` and host arrays (little-endian `raw_data` or typed fields). */
import { ModelFormatError } from '@recur/core';
import { DataType, type TensorProto } from './proto/onnx-codec.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A host tensor read from ONNX: floats as Float32Array, integers and bools as number[]. */
export interface HostValue {
  readonly dims: number[];
  readonly dtype: 'float' | 'int';
  readonly data: Float32Array | number[];
}

function rawView(raw: Uint8Array): DataView {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** A float32 initializer with raw little-endian data. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  const raw = new Uint8Array(data.length * 4);
  if (LITTLE_ENDIAN_HOST) raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  else {
    const view = rawView(raw);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true);
  }
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: raw };
}

/** An int64 initializer (shapes, axes, indices). */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  return { name, dims: [...dims], data_type: DataType.INT64, int64_data: [...data] };
}

/**
 * Reads a TensorProto into host values. Float types (float, double) become Float32Array (float64
 * values are rounded); integer and bool types become number[]. External data and other types throw.
 */
export function readTensor(t: TensorProto, where: string): HostValue {
  const dims = (t.dims ?? []).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const type = t.data_type ?? 0;
  if (t.data_location === 1 || (t.external_data?.length ?? 0) > 0) {
    throw new ModelFormatError(`${where}: tensor data is stored in an external file; re-save the model with all tensors inside it (onnx.save(model, path, save_as_external_data=False)).`);
  }
  const raw = t.raw_data && t.raw_data.length > 0 ? t.raw_data : null;
  const check = (n: number) => {
    if (n !== count) throw new ModelFormatError(`${where}: tensor of shape [${dims.join(', ')}] holds ${n} values, expected ${count}. The file is corrupted.`);
  };
  if (type === DataType.FLOAT || type === DataType.DOUBLE) {
    const size = type === DataType.FLOAT ? 4 : 8;
    let out: Float32Array;
    if (raw) {
      if (raw.length !== count * size) check(Math.floor(raw.length / size));
      if (type === DataType.FLOAT && LITTLE_ENDIAN_HOST) {
        // Copy: protobufjs may hand out a Node Buffer view into a shared pool (and an unaligned offset).
        const copy = new Uint8Array(count * 4);
        copy.set(raw.subarray(0, count * 4));
        out = new Float32Array(copy.buffer);
      }
      else {
        const view = rawView(raw);
        out = new Float32Array(count);
        for (let i = 0; i < count; i++) out[i] = size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
      }
    } else {
      const src = type === DataType.FLOAT ? (t.float_data ?? []) : (t.double_data ?? []);
      check(src.length);
      out = Float32Array.from(src);
    }
    return { dims, dtype: 'float', data: out };
  }
  const intSizes: Record<number, number> = { [DataType.INT64]: 8, [DataType.INT32]: 4, [DataType.INT8]: 1, [DataType.UINT8]: 1, [DataType.BOOL]: 1 };
  const size = intSizes[type];
  if (size === undefined) throw new ModelFormatError(`${where}: tensor data type ${type} is not supported (only float, double, int64, int32, int8, uint8, bool).`);
  let out: number[];
  if (raw) {
    if (raw.length !== count * size) check(Math.floor(raw.length / size));
    const view = rawView(raw);
    out = [];
    for (let i = 0; i < count; i++) {
      if (size === 8) out.push(Number(view.getBigInt64(i * 8, true)));
      else if (size === 4) out.push(view.getInt32(i * 4, true));
      else out.push(type === DataType.INT8 ? view.getInt8(i) : view.getUint8(i));
    }
  } else {
    out = (type === DataType.INT64 ? (t.int64_data ?? []) : (t.int32_data ?? [])).map(Number);
    check(out.length);
  }
  return { dims, dtype: 'int', data: out };
}
