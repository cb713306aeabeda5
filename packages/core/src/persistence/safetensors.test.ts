import { describe, expect, it } from 'vitest';
import { expectFormatError } from './format-error.test-util.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { TensorDict } from './tensor-dict.js';

function randomDict(): TensorDict {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const make = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { shape, data: Float32Array.from({ length: n }, rnd) };
  };
  return {
    'rnn.weight_ih_l0': make([20, 3]),
    'rnn.weight_hh_l0': make([20, 5]),
    'rnn.bias_ih_l0': make([20]),
    'head.bias': make([2]),
    scalar: make([]),
    empty: make([0, 4]),
  };
}

/** Builds a file from a raw header object and data bytes, the way a foreign writer might. */
function rawFile(header: unknown, data: Uint8Array, pad = true): Uint8Array {
  let json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  if (pad && json.length % 8 !== 0) {
    const padded = new Uint8Array(json.length + (8 - (json.length % 8)));
    padded.fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}


describe('safetensors codec', () => {
  it('round-trips bit-identically, including NaN payloads, -0 and Inf', () => {
    const dict = randomDict();
    const special = new Float32Array([Number.NaN, -0, Infinity, -Infinity, 1e-45, 3.4028234e38]);
    new Uint32Array(special.buffer)[0] = 0x7fc01234; // a NaN with a payload
    dict['special'] = { shape: [2, 3], data: special };
    const bytes = encodeSafetensors(dict, { format: 'pt', note: 'hi' });
    const back = decodeSafetensors(bytes);
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(dict).sort());
    for (const [name, t] of Object.entries(dict)) {
      const got = back.tensors[name]!;
      expect(got.shape).toEqual(t.shape);
      expect(new Uint32Array(got.data.buffer, got.data.byteOffset, got.data.length)).toEqual(
        new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length),
      );
      expect(back.dtypes[name]).toBe('F32');
    }
    expect(back.metadata).toEqual({ format: 'pt', note: 'hi' });
  });

  it('writes the reference layout: u64 LE length, compact JSON, space padding, sorted packed data', () => {
    const bytes = encodeSafetensors(
      { b: { shape: [2], data: new Float32Array([1, 2]) }, a: { shape: [1], data: new Float32Array([3]) } },
      { format: 'pt' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const json =
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    expect(text).toBe(json + ' '.repeat(n - json.length));
    expect(Array.from(new Float32Array(bytes.slice(8 + n).buffer))).toEqual([3, 1, 2]);
    expect(bytes.length).toBe(8 + n + 12);
  });

  it('writes no __metadata__ key when there is none, and accepts an empty dict', () => {
    const bytes = encodeSafetensors({});
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n)).trim()).toBe('{}');
    expect(decodeSafetensors(bytes)).toEqual({ tensors: {}, metadata: {}, dtypes: {} });
  });

  it('reads a subarray at an odd byte offset (no alignment assumption)', () => {
    const bytes = encodeSafetensors(randomDict());
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const back = decodeSafetensors(shifted.subarray(3));
    expect(back.tensors['rnn.weight_hh_l0']!.data).toEqual(randomDict()['rnn.weight_hh_l0']!.data);
  });

  it('decodes F64, F16 and BF16 exactly (values representable in each)', () => {
    const f64 = new Float64Array([1.5, -2.25, 1 / 3]);
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x8000]); // 1, -2, 2^-24, 65504, Inf, -0
    const bf16 = new Uint16Array([0x3f80, 0xc040, 0x7f80]); // 1, -3, Inf
    const data = new Uint8Array(24 + 12 + 6);
    data.set(new Uint8Array(f64.buffer), 0);
    data.set(new Uint8Array(f16.buffer), 24);
    data.set(new Uint8Array(bf16.buffer), 36);
    const file = rawFile(
      {
        d: { dtype: 'F64', shape: [3], data_offsets: [0, 24] },
        h: { dtype: 'F16', shape: [2, 3], data_offsets: [24, 36] },
        b: { dtype: 'BF16', shape: [3], data_offsets: [36, 42] },
      },
      data,
    );
    const out = decodeSafetensors(file);
    expect(Array.from(out.tensors['d']!.data)).toEqual([1.5, -2.25, Math.fround(1 / 3)]);
    expect(Array.from(out.tensors['h']!.data)).toEqual([1, -2, 2 ** -24, 65504, Infinity, -0]);
    expect(Object.is(out.tensors['h']!.data[5], -0)).toBe(true);
    expect(Array.from(out.tensors['b']!.data)).toEqual([1, -3, Infinity]);
    expect(out.dtypes).toEqual({ d: 'F64', h: 'F16', b: 'BF16' });
  });

  it('rejects integer dtypes as weights unless asked to skip them', () => {
    const file = rawFile(
      {
        w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        n: { dtype: 'I64', shape: [], data_offsets: [4, 12] },
      },
      new Uint8Array(12),
    );
    expectFormatError(() => decodeSafetensors(file), /"n" has dtype I64.*unsupportedDtypes: 'skip'/);
    expect(Object.keys(decodeSafetensors(file, { unsupportedDtypes: 'skip' }).tensors)).toEqual(['w']);
  });

  it('validates what it encodes', () => {
    expectFormatError(
      () => encodeSafetensors({ w: { shape: [2, 3], data: new Float32Array(5) } }),
      /shape \[2, 3\] holds 6 values but data has 5/,
    );
    expectFormatError(() => encodeSafetensors({ __metadata__: { shape: [1], data: new Float32Array(1) } }), /cannot be used/);
    expectFormatError(() => encodeSafetensors({}, { n: 3 as unknown as string }), /must be strings/);
  });
});

describe('safetensors corruption is rejected with a clear ModelFormatError', () => {
  const good = encodeSafetensors(randomDict(), { format: 'pt' });
  const headerLen = Number(new DataView(good.buffer).getBigUint64(0, true));

  it('a file shorter than the 8-byte prefix', () => {
    expectFormatError(() => decodeSafetensors(good.subarray(0, 5), { file: 'x.safetensors' }), /^x\.safetensors: file is truncated.*only 5 bytes/);
  });

  it('a file truncated inside the header', () => {
    expectFormatError(() => decodeSafetensors(good.subarray(0, 20)), new RegExp(`truncated: header says ${8 + headerLen} bytes of header, file has 20`));
  });

  it('a file truncated inside the data', () => {
    const cut = good.subarray(0, good.length - 7);
    expectFormatError(() => decodeSafetensors(cut), new RegExp(`file is truncated: header says ${good.length} bytes, file has ${good.length - 7}`));
  });

  it('trailing garbage after the data', () => {
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expectFormatError(() => decodeSafetensors(longer), /4 trailing bytes/);
  });

  it('an absurd header length', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setBigUint64(0, 2n ** 40n, true);
    expectFormatError(() => decodeSafetensors(bad), /exceeds the 100000000-byte limit/);
  });

  it('bad header JSON', () => {
    const bad = good.slice();
    bad[8 + 1] = 0x7d; // '{}__metadata__"…': garbage after the object
    expectFormatError(() => decodeSafetensors(bad), /header is not valid JSON/);
    expectFormatError(() => decodeSafetensors(rawFile('[1,2]', new Uint8Array(0))), /must be a JSON object starting with/);
    expectFormatError(() => decodeSafetensors(rawFile({ w: 3 }, new Uint8Array(0))), /"w": header entry must be an object/);
  });

  it('invalid UTF-8 in the header', () => {
    const bad = good.slice();
    bad[9] = 0xff;
    expectFormatError(() => decodeSafetensors(bad), /not valid UTF-8/);
  });

  it('offsets out of range', () => {
    const file = rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(8));
    expectFormatError(() => decodeSafetensors(file), /truncated: header says \d+ bytes/);
    const neg = rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }, new Uint8Array(8));
    expectFormatError(() => decodeSafetensors(neg), /data_offsets" must be \[begin, end\]/);
    const rev = rawFile({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, new Uint8Array(8));
    expectFormatError(() => decodeSafetensors(rev), /end before they begin/);
  });

  it('overlapping and gapped offsets', () => {
    const overlap = rawFile(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      new Uint8Array(12),
    );
    expectFormatError(() => decodeSafetensors(overlap), /"a" and "b" overlap/);
    const gap = rawFile(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
      },
      new Uint8Array(12),
    );
    expectFormatError(() => decodeSafetensors(gap), /gap in the byte buffer: bytes \[4, 8\)/);
  });

  it('shape × item size that disagrees with the byte length', () => {
    const file = rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8));
    expectFormatError(() => decodeSafetensors(file), /shape \[3\] × 4 bytes \(F32\) = 12 bytes, but data_offsets \[0, 8\] span 8/);
  });

  it('an unknown dtype, a bad shape, bad metadata', () => {
    const dt = rawFile({ w: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
    expectFormatError(() => decodeSafetensors(dt), /unknown dtype "F33"/);
    const sh = rawFile({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, new Uint8Array(4));
    expectFormatError(() => decodeSafetensors(sh), /"shape" must be an array of non-negative integers/);
    const proto = rawFile('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4));
    expectFormatError(() => decodeSafetensors(proto), /"__proto__" is not allowed as a tensor name/);
    const md = rawFile({ __metadata__: { a: 1 } }, new Uint8Array(0));
    expectFormatError(() => decodeSafetensors(md), /"__metadata__"."a" must be a string/);
  });
});
