/**
 * safetensors codec (https://github.com/huggingface/safetensors), browser-safe (no Node imports).
 *
 * Layout, exactly as the reference implementation writes it:
 *
 * ```
 * [0, 8)            N: header length, unsigned 64-bit little-endian
 * [8, 8 + N)        header: UTF-8 JSON object, padded with spaces (0x20) so 8 + N is a multiple of 8
 *                   { "__metadata__": { "k": "v", ... },           (optional, string → string)
 *                     "<name>": { "dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end] },
 *                     ... }
 * [8 + N, EOF)      byte buffer; offsets are relative to its start, little-endian, row-major,
 *                   tensors packed back to back with no gaps, covering the buffer exactly.
 * ```
 *
 * recur writes F32 and reads F32, F64, F16 and BF16 (converted to Float32Array).
 */
import { ModelFormatError } from './errors.js';
import {
  bf16ToF32FromBytes,
  f16ToF32FromBytes,
  f32FromBytes,
  f32ToBytes,
  f64ToF32FromBytes,
} from './float-convert.js';
import { formatShape, shapeSize, type TensorDict } from './tensor-dict.js';

/** Every dtype the safetensors format defines, with its size in bytes. */
export const SAFETENSORS_DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The dtypes recur can turn into Float32Array weights. */
export const READABLE_DTYPES = ['F32', 'F64', 'F16', 'BF16'] as const;
/** One of {@link READABLE_DTYPES}. */
export type ReadableDtype = (typeof READABLE_DTYPES)[number];

/** The reference implementation refuses headers above 100 MB; so do we (guards against garbage lengths). */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

/** What {@link decodeSafetensors} returns. */
export interface DecodedSafetensors {
  /** Tensors by name, converted to Float32Array. */
  tensors: TensorDict;
  /** The `__metadata__` map (empty when the file has none). */
  metadata: Record<string, string>;
  /** The dtype each tensor had on disk, before conversion to F32. */
  dtypes: Record<string, ReadableDtype>;
}

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** Name used in error messages (a path or `model.safetensors`). */
  file?: string;
  /**
   * What to do with tensors of a valid dtype recur cannot use as weights (integers, BOOL, F8):
   * `'error'` (default) throws {@link ModelFormatError}; `'skip'` leaves them out of the result.
   */
  unsupportedDtypes?: 'error' | 'skip';
}

/**
 * Encodes Float32 tensors as a safetensors file, byte-identical to what the reference implementation
 * writes for the same F32 tensors and metadata: tensors sorted by name and packed back to back, the
 * header as compact JSON with `__metadata__` first, padded with spaces to an 8-byte boundary.
 *
 * @param tensors Tensors by name; each `data.length` must equal the product of its `shape`.
 * @param metadata Optional free-form string → string map stored as `__metadata__`.
 * @throws {ModelFormatError} on a size/shape mismatch, a bad shape, a reserved name or non-string metadata.
 */
export function encodeSafetensors(tensors: TensorDict, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new ModelFormatError(
          `metadata value for "${k}" is a ${typeof v}; safetensors metadata values must be strings (use JSON.stringify).`,
        );
      }
    }
    if (Object.keys(metadata).length > 0) header[METADATA_KEY] = { ...metadata };
  }
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY || name === '__proto__' || name.length === 0) {
      throw new ModelFormatError(`"${name}" cannot be used as a tensor name in a safetensors file.`);
    }
    const t = tensors[name]!;
    if (!(t.data instanceof Float32Array)) {
      throw new ModelFormatError(`tensor "${name}": data must be a Float32Array.`);
    }
    for (const d of t.shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new ModelFormatError(`tensor "${name}": shape ${formatShape(t.shape)} has a dimension that is not a non-negative integer.`);
      }
    }
    if (shapeSize(t.shape) !== t.data.length) {
      throw new ModelFormatError(
        `tensor "${name}": shape ${formatShape(t.shape)} holds ${shapeSize(t.shape)} values but data has ${t.data.length}.`,
      );
    }
    const end = offset + t.data.length * 4;
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the byte buffer starts 8-byte aligned: N = len + (8 − len mod 8) mod 8.
  const n = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let pos = 8 + n;
  for (const name of names) {
    const bytes = f32ToBytes(tensors[name]!.data);
    out.set(bytes, pos);
    pos += bytes.length;
  }
  return out;
}

interface RawEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Decodes a safetensors file, validating it completely before reading any tensor: the header length
 * against the file size, the header JSON, every entry's dtype, shape and offsets, that offsets are in
 * range, do not overlap, leave no gap and cover the byte buffer exactly, and that shape × item size
 * equals each byte length. F64, F16 and BF16 tensors are converted to Float32Array.
 *
 * @throws {ModelFormatError} naming the file and what did not match.
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  const file = options.file;
  const fail = (message: string): never => {
    throw new ModelFormatError(message, file !== undefined ? { file } : undefined);
  };
  if (!(bytes instanceof Uint8Array)) fail('expected the file contents as a Uint8Array.');
  if (bytes.length < 8) {
    fail(`file is truncated: a safetensors file starts with an 8-byte header length, but the file has only ${bytes.length} bytes.`);
  }
  const headerLen64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLen64 > BigInt(MAX_HEADER_BYTES)) {
    fail(
      `header length ${headerLen64} exceeds the ${MAX_HEADER_BYTES}-byte limit; this is not a safetensors file or it is corrupted.`,
    );
  }
  const headerLen = Number(headerLen64);
  if (8 + headerLen > bytes.length) {
    fail(`file is truncated: header says ${8 + headerLen} bytes of header, file has ${bytes.length}.`);
  }
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch (cause) {
    throw new ModelFormatError('header is not valid UTF-8; the file is corrupted or not safetensors.', {
      ...(file !== undefined ? { file } : {}),
      cause,
    });
  }
  if (!headerText.startsWith('{')) {
    fail(`header must be a JSON object starting with "{", found ${JSON.stringify(headerText.slice(0, 16))}.`);
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (cause) {
    throw new ModelFormatError(`header is not valid JSON (${(cause as Error).message}); the file is corrupted.`, {
      ...(file !== undefined ? { file } : {}),
      cause,
    });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}.');
  }
  const metadata: Record<string, string> = {};
  const entries: RawEntry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__proto__') fail('"__proto__" is not allowed as a tensor name.');
    if (name === METADATA_KEY) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail('"__metadata__" must be an object of string values.');
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`"__metadata__"."${k}" must be a string, found ${JSON.stringify(v)}.`);
        if (k === '__proto__') fail('"__proto__" is not allowed as a metadata key.');
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(`tensor "${name}": header entry must be an object {dtype, shape, data_offsets}.`);
    }
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string') fail(`tensor "${name}": "dtype" is missing or not a string.`);
    if (SAFETENSORS_DTYPE_SIZES[dtype as string] === undefined) {
      fail(
        `tensor "${name}": unknown dtype ${JSON.stringify(dtype)}; safetensors dtypes are ${Object.keys(SAFETENSORS_DTYPE_SIZES).join(', ')}.`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      fail(`tensor "${name}": "shape" must be an array of non-negative integers, found ${JSON.stringify(shape)}.`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)
    ) {
      fail(`tensor "${name}": "data_offsets" must be [begin, end] with non-negative integers, found ${JSON.stringify(offsets)}.`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) fail(`tensor "${name}": data_offsets [${begin}, ${end}] end before they begin.`);
    entries.push({ name, dtype: dtype as string, shape: shape as number[], begin, end });
  }

  // The byte buffer: [8 + N, EOF). Check each tensor, then that they tile it exactly.
  const dataStart = 8 + headerLen;
  const bufferLen = bytes.length - dataStart;
  for (const e of entries) {
    const expected = shapeSize(e.shape) * SAFETENSORS_DTYPE_SIZES[e.dtype]!;
    if (e.end - e.begin !== expected) {
      fail(
        `tensor "${e.name}": shape ${formatShape(e.shape)} × ${SAFETENSORS_DTYPE_SIZES[e.dtype]} bytes (${e.dtype}) = ${expected} bytes, but data_offsets [${e.begin}, ${e.end}] span ${e.end - e.begin}.`,
      );
    }
  }
  const described = entries.reduce((m, e) => Math.max(m, e.end), 0);
  if (described > bufferLen) {
    fail(`file is truncated: header says ${dataStart + described} bytes, file has ${bytes.length}.`);
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: RawEntry | undefined;
  for (const e of sorted) {
    if (e.begin < cursor) {
      fail(`tensors "${previous!.name}" and "${e.name}" overlap (data_offsets [${previous!.begin}, ${previous!.end}] and [${e.begin}, ${e.end}]).`);
    }
    if (e.begin > cursor) {
      fail(`gap in the byte buffer: bytes [${cursor}, ${e.begin}) belong to no tensor (before "${e.name}").`);
    }
    cursor = e.end;
    previous = e;
  }
  if (cursor !== bufferLen) {
    fail(`file has ${bufferLen - cursor} trailing bytes after the last tensor: header describes ${dataStart + cursor} bytes, file has ${bytes.length}.`);
  }

  const tensors: TensorDict = {};
  const dtypes: Record<string, ReadableDtype> = {};
  for (const e of entries) {
    const count = shapeSize(e.shape);
    const start = dataStart + e.begin;
    let data: Float32Array;
    switch (e.dtype) {
      case 'F32':
        data = f32FromBytes(bytes, start, count);
        break;
      case 'F64':
        data = f64ToF32FromBytes(bytes, start, count);
        break;
      case 'F16':
        data = f16ToF32FromBytes(bytes, start, count);
        break;
      case 'BF16':
        data = bf16ToF32FromBytes(bytes, start, count);
        break;
      default:
        if (options.unsupportedDtypes === 'skip') continue;
        return fail(
          `tensor "${e.name}" has dtype ${e.dtype}, which recur cannot use as weights (readable: ${READABLE_DTYPES.join(', ')}). Convert it to float in PyTorch, or pass unsupportedDtypes: 'skip' to leave it out.`,
        );
    }
    tensors[e.name] = { shape: [...e.shape], data };
    dtypes[e.name] = e.dtype as ReadableDtype;
  }
  return { tensors, metadata, dtypes };
}
