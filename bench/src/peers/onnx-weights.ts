/**
 * Reads the LSTM weights out of the committed ONNX fixtures (a minimal protobuf walk: ModelProto →
 * graph → initializer TensorProtos with raw float data), so the onnxruntime-web peer's outputs can be
 * checked against recur with the same weights before it is timed.
 *
 * ONNX LSTM layout: W [1, 4H, I], R [1, 4H, H], B [1, 8H] = [Wb, Rb], gate blocks ordered i, o, f, c.
 * recur (PyTorch) layout: W_ih [4H, I], W_hh [4H, H], b_ih, b_hh [4H], gate blocks i, f, g, o.
 */
import { readFileSync } from 'node:fs';

interface Initializer {
  dims: number[];
  data: Float32Array;
}

/** One protobuf field: number, wire type, and the value (varint) or byte range (length-delimited). */
function* fields(buf: Uint8Array, start: number, end: number): Generator<{ field: number; wire: number; value: number; from: number; to: number }> {
  let p = start;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[p++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (p < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { field, wire, value: varint(), from: 0, to: 0 };
    else if (wire === 2) {
      const len = varint();
      yield { field, wire, value: len, from: p, to: p + len };
      p += len;
    } else if (wire === 5) p += 4;
    else if (wire === 1) p += 8;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

function initializers(file: string): Initializer[] {
  const buf = new Uint8Array(readFileSync(file));
  const out: Initializer[] = [];
  for (const g of fields(buf, 0, buf.length)) {
    if (g.field !== 7 || g.wire !== 2) continue; // ModelProto.graph
    for (const init of fields(buf, g.from, g.to)) {
      if (init.field !== 5 || init.wire !== 2) continue; // GraphProto.initializer
      const dims: number[] = [];
      let data: Float32Array | null = null;
      let type = 0;
      for (const f of fields(buf, init.from, init.to)) {
        if (f.field === 1 && f.wire === 0) dims.push(f.value);
        else if (f.field === 1 && f.wire === 2) for (const d of fields(buf, f.from, f.to)) dims.push(d.value); // packed (rare)
        else if (f.field === 2) type = f.value;
        else if (f.field === 9) data = new Float32Array(buf.slice(f.from, f.to).buffer);
      }
      if (type === 1 && data) out.push({ dims, data });
    }
  }
  return out;
}

/** PyTorch-layout LSTM weights. */
export interface LstmWeights {
  readonly I: number;
  readonly H: number;
  readonly wIh: Float32Array;
  readonly wHh: Float32Array;
  readonly bIh: Float32Array;
  readonly bHh: Float32Array;
}

/** Reorder ONNX gate blocks (i, o, f, c) of `rows`-row blocks into PyTorch's (i, f, g, o). */
function reorder(src: Float32Array, H: number, cols: number): Float32Array {
  const block = H * cols;
  const out = new Float32Array(src.length);
  const from = [0, 2, 3, 1]; // torch gate k comes from onnx block from[k]
  for (let k = 0; k < 4; k++) out.set(src.subarray(from[k]! * block, (from[k]! + 1) * block), k * block);
  return out;
}

/** The single-layer, single-direction LSTM weights of an ONNX model exported from `nn.LSTM(I, H)`. */
export function readOnnxLstmWeights(file: string): LstmWeights {
  const inits = initializers(file);
  const R = inits.find((t) => t.dims.length === 3 && t.dims[1] === 4 * t.dims[2]!);
  if (!R) throw new Error(`${file}: no LSTM recurrence weight R [1, 4H, H] found`);
  const H = R.dims[2]!;
  const W = inits.find((t) => t !== R && t.dims.length === 3 && t.dims[1] === 4 * H);
  const B = inits.find((t) => t.dims.length === 2 && t.dims[1] === 8 * H);
  if (!W || !B) throw new Error(`${file}: LSTM W [1, 4H, I] or B [1, 8H] missing`);
  const I = W.dims[2]!;
  return {
    I,
    H,
    wIh: reorder(W.data, H, I),
    wHh: reorder(R.data, H, H),
    bIh: reorder(B.data.subarray(0, 4 * H), H, 1),
    bHh: reorder(B.data.subarray(4 * H), H, 1),
  };
}
