/**
 * Little-endian float decoders for the safetensors dtypes recur reads (F32, F64, F16, BF16).
 * Each returns a fresh, aligned Float32Array, so callers may keep it after the file buffer is gone.
 * All read through DataView with explicit little-endian flags, so they are correct on any host and
 * at any (unaligned) byte offset.
 */

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** F32 bytes → Float32Array (bit-exact, NaN payloads included). */
export function f32FromBytes(bytes: Uint8Array, start: number, count: number): Float32Array {
  if (LITTLE_ENDIAN_HOST) {
    // One memcpy into a fresh buffer: aligned and detached from the file.
    const copy = bytes.slice(start, start + count * 4);
    return new Float32Array(copy.buffer, 0, count);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** F64 bytes → Float32Array, rounding to nearest even exactly as PyTorch's `.float()` does. */
export function f64ToF32FromBytes(bytes: Uint8Array, start: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * 8);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/**
 * IEEE 754 binary16 → binary32, exact (every half value is representable as a float).
 * Bits: s(1) e(5) m(10). Normal: (−1)^s·2^(e−15)·(1 + m/1024); subnormal (e = 0): (−1)^s·2^−24·m;
 * e = 31: ±Inf (m = 0) or NaN (payload kept in the top mantissa bits).
 */
export function f16ToF32FromBytes(bytes: Uint8Array, start: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * 2);
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    const h = view.getUint16(i * 2, true);
    const sign = (h & 0x8000) << 16;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) {
      // Zero or subnormal: exact via arithmetic (2^-24 · m fits a float32 exactly).
      out[i] = (sign ? -1 : 1) * m * 5.960464477539063e-8;
    } else if (e === 31) {
      bits[i] = (sign | 0x7f800000 | (m << 13)) >>> 0;
    } else {
      bits[i] = (sign | ((e - 15 + 127) << 23) | (m << 13)) >>> 0;
    }
  }
  return out;
}

/** bfloat16 → binary32, exact: a bf16 value is the top 16 bits of the float32 with the same value. */
export function bf16ToF32FromBytes(bytes: Uint8Array, start: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * 2);
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) bits[i] = (view.getUint16(i * 2, true) << 16) >>> 0;
  return out;
}

/** Float32Array → its little-endian bytes (a view when the host is little-endian, else a copy). */
export function f32ToBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}
