/**
 * Import-time evaluation of the constant "glue" exporters wrap around recurrent operators:
 * `Constant`, `Identity`, `Cast`, `Shape`, `Gather`, `Unsqueeze`, `Squeeze`, `Concat`, `Slice`,
 * `Reshape`, `Transpose`, `ConstantOfShape`, `Expand` and scalar `Add`/`Sub`/`Mul`/`Div` on shapes.
 * Inputs are `const`, `shape` (symbolic int vectors) or `zeros` values; see values.ts.
 */
import type { NodeProto } from '../proto/onnx-codec.js';
import { NodeAttrs } from './node-attrs.js';
import { ZEROS, axisSize, productOf, type ConstValue, type Dim, type ShapeValue, type Value } from './values.js';

/** The largest non-zero constant `ConstantOfShape` may build at import (16 M elements). */
const MAX_FOLDED_ELEMENTS = 1 << 24;

/** Result of trying to fold a node: the output values, or null when the node is not a constant op. */
export type FoldResult = Value[] | null;

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

function makeConst(dims: number[], dtype: 'float' | 'int', data: ArrayLike<number>): ConstValue {
  return { kind: 'const', dims, dtype, data: dtype === 'float' ? Float32Array.from(data) : Array.from(data) };
}

/** A 0-D / 1-D integer value as a list of (possibly symbolic) elements, or null. */
export function intElems(v: Value | undefined): Dim[] | null {
  if (!v) return null;
  if (v.kind === 'shape') return v.elems;
  if (v.kind === 'const' && v.dtype === 'int' && v.dims.length <= 1) return Array.from(v.data);
  return null;
}

/** Numeric int elements (no symbols), or null. */
export function numbers(v: Value | undefined): number[] | null {
  const e = intElems(v);
  return e && e.every((x) => typeof x === 'number') ? (e as number[]) : null;
}

function shapeOrConst(rank: 0 | 1, elems: Dim[]): Value {
  return elems.every((e) => typeof e === 'number') ? makeConst(rank === 0 ? [] : [elems.length], 'int', elems as number[]) : ({ kind: 'shape', rank, elems } as ShapeValue);
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** n-d gather of a const along `axis`. */
function gatherConst(data: ConstValue, indices: number[], indexDims: number[], axis: number): ConstValue {
  const dims = data.dims;
  const outer = size(dims.slice(0, axis));
  const n = dims[axis]!;
  const inner = size(dims.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const raw of indices) {
    const i = raw < 0 ? raw + n : raw;
    for (let k = 0; k < inner; k++) out.push(data.data[(o * n + i) * inner + k] as number);
  }
  return makeConst([...dims.slice(0, axis), ...indexDims, ...dims.slice(axis + 1)], data.dtype, out);
}

function transposeConst(v: ConstValue, perm: number[]): ConstValue {
  const dims = perm.map((p) => v.dims[p]!);
  const inStrides = strides(v.dims);
  const n = size(dims);
  const out = new Array<number>(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let d = 0; d < dims.length; d++) src += idx[d]! * inStrides[perm[d]!]!;
    out[i] = v.data[src] as number;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d]! < dims[d]!) break;
      idx[d] = 0;
    }
  }
  return makeConst(dims, v.dtype, out);
}

/** Slice ranges per axis, clamped as ONNX does. */
function sliceRange(start: number, end: number, step: number, n: number): number[] {
  const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  if (step > 0) {
    s = clamp(s, 0, n);
    e = clamp(e, 0, n);
  } else {
    s = clamp(s, -1, n - 1);
    e = clamp(e, -1, n - 1);
  }
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

function sliceConst(v: ConstValue, ranges: (number[] | null)[]): ConstValue {
  const dims = v.dims.map((d, i) => ranges[i]?.length ?? d);
  const inStrides = strides(v.dims);
  const n = size(dims);
  const out = new Array<number>(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let d = 0; d < dims.length; d++) src += (ranges[d] ? ranges[d]![idx[d]!]! : idx[d]!) * inStrides[d]!;
    out[i] = v.data[src] as number;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d]! < dims[d]!) break;
      idx[d] = 0;
    }
  }
  return makeConst(dims, v.dtype, out);
}

/** The Slice parameters (inputs since opset 10, attributes before). */
export function sliceParams(node: NodeProto, ins: (Value | undefined)[], rank: number): { axis: number; start: number; end: number; step: number }[] | null {
  const a = new NodeAttrs(node);
  const starts = a.ints('starts') ?? numbers(ins[1]);
  const ends = a.ints('ends') ?? numbers(ins[2]);
  if (!starts || !ends) return null;
  const axes = a.ints('axes') ?? (node.input?.[3] ? numbers(ins[3]) : starts.map((_, i) => i));
  const steps = node.input?.[4] ? numbers(ins[4]) : starts.map(() => 1);
  if (!axes || !steps) return null;
  return starts.map((s, i) => ({ axis: normAxis(axes[i]!, rank), start: s, end: ends[i]!, step: steps[i]! }));
}

/** Squeeze / Unsqueeze axes (attribute before opset 13, input after). */
export function axesParam(node: NodeProto, ins: (Value | undefined)[]): number[] | null {
  return new NodeAttrs(node).ints('axes') ?? (node.input?.[1] ? numbers(ins[1]) : null);
}

function arith(op: string, a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') {
    if (op === 'Add') return a + b;
    if (op === 'Sub') return a - b;
    if (op === 'Mul') return a * b;
    return Math.trunc(a / b);
  }
  if (op === 'Mul') return productOf([a, b]);
  return '?';
}

/**
 * Folds one node whose inputs are all import-time values (const / shape / zeros), or a `Shape` of a
 * runtime tensor. Returns null when the op is not one of the glue ops above.
 */
export function foldNode(node: NodeProto, ins: (Value | undefined)[]): FoldResult {
  const op = node.op_type ?? '';
  const a = new NodeAttrs(node);
  const x = ins[0];
  switch (op) {
    case 'Constant': {
      const t = a.tensor('value');
      if (t) return [makeConst(t.dims, t.dtype, t.data)];
      const f = a.floats('value_floats') ?? (a.has('value_float') ? [a.float('value_float', 0)] : null);
      if (f) return [makeConst(a.has('value_float') ? [] : [f.length], 'float', f)];
      const i = a.ints('value_ints') ?? (a.has('value_int') ? [a.int('value_int', 0)] : null);
      if (i) return [makeConst(a.has('value_int') ? [] : [i.length], 'int', i)];
      return null;
    }
    case 'Identity':
    case 'Cast':
      if (op === 'Cast' && x?.kind === 'const') {
        const to = a.int('to', 1);
        const float = to === 1 || to === 10 || to === 11 || to === 16;
        return [makeConst(x.dims, float ? 'float' : 'int', float ? x.data : Array.from(x.data, Math.trunc))];
      }
      return x ? [x] : null;
    case 'Shape': {
      if (!x) return null;
      let dims: Dim[];
      if (x.kind === 'const') dims = x.dims;
      else if (x.kind === 'runtime') dims = x.axes.map(axisSize);
      else return null;
      const rank = dims.length;
      const start = normAxis(a.int('start', 0), rank);
      const end = a.has('end') ? normAxis(a.int('end', rank), rank) : rank;
      return [shapeOrConst(1, dims.slice(Math.max(0, start), Math.min(rank, end)))];
    }
    case 'ConstantOfShape': {
      const t = a.tensor('value');
      const value = t ? (t.data[0] as number) : 0;
      const dtype = t?.dtype ?? 'float';
      if (value === 0) return [ZEROS];
      const dims = numbers(x);
      if (!dims) return null;
      // Glue constants are small; refuse to materialise a huge one from a crafted file.
      if (size(dims) > MAX_FOLDED_ELEMENTS) return null;
      return [makeConst(dims, dtype, new Array<number>(size(dims)).fill(value))];
    }
    case 'Expand':
      if (x?.kind === 'zeros' || (x?.kind === 'const' && Array.from(x.data).every((v) => v === 0))) return [ZEROS];
      return null;
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const l = intElems(x);
      const r = intElems(ins[1]);
      if (x?.kind === 'zeros' && op === 'Mul') return [ZEROS];
      if (l && r && (l.length === r.length || l.length === 1 || r.length === 1) && (x?.kind === 'shape' || ins[1]?.kind === 'shape')) {
        const n = Math.max(l.length, r.length);
        const rank = (x?.kind === 'shape' ? x.rank : (x as ConstValue).dims.length) === 0 && (ins[1]?.kind === 'shape' ? (ins[1] as ShapeValue).rank : (ins[1] as ConstValue).dims.length) === 0 ? 0 : 1;
        return [shapeOrConst(rank, Array.from({ length: n }, (_, i) => arith(op, l[l.length === 1 ? 0 : i]!, r[r.length === 1 ? 0 : i]!)))];
      }
      if (x?.kind === 'const' && ins[1]?.kind === 'const') {
        const p = x;
        const q = ins[1];
        if (size(p.dims) === size(q.dims) || size(q.dims) === 1 || size(p.dims) === 1) {
          const big = size(p.dims) >= size(q.dims) ? p : q;
          const out = Array.from({ length: size(big.dims) }, (_, i) => arith(op, p.data[size(p.dims) === 1 ? 0 : i] as number, q.data[size(q.dims) === 1 ? 0 : i] as number) as number);
          return [makeConst(big.dims, p.dtype === 'float' || q.dtype === 'float' ? 'float' : 'int', out)];
        }
      }
      return null;
    }
    default:
      break;
  }
  if (x?.kind === 'zeros') {
    // Any layout op of a zero tensor is zero.
    if (['Slice', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose', 'Gather', 'Concat', 'Flatten'].includes(op)) {
      if (op !== 'Concat' || ins.every((v) => v?.kind === 'zeros')) return [ZEROS];
    }
    return null;
  }
  const shapeLike = x?.kind === 'shape' || (x?.kind === 'const' && x.dtype === 'int' && x.dims.length <= 1);
  switch (op) {
    case 'Gather': {
      const idx = ins[1]?.kind === 'const' ? ins[1] : null;
      if (!idx || !x) return null;
      if (x.kind === 'shape') {
        const elems = idx.data as number[];
        const pick = elems.map((i) => x.elems[i < 0 ? i + x.elems.length : i]!);
        return [shapeOrConst(idx.dims.length === 0 ? 0 : 1, pick)];
      }
      if (x.kind === 'const') return [gatherConst(x, idx.data as number[], idx.dims, normAxis(a.int('axis', 0), x.dims.length))];
      return null;
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      if (!x) return null;
      const axes = axesParam(node, ins);
      if (x.kind === 'shape') return [{ kind: 'shape', rank: op === 'Unsqueeze' ? 1 : 0, elems: x.elems }];
      if (x.kind !== 'const') return null;
      let dims = [...x.dims];
      if (op === 'Squeeze') {
        const drop = (axes ?? dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((ax) => normAxis(ax, dims.length));
        dims = dims.filter((_, i) => !drop.includes(i));
      } else {
        if (!axes) return null;
        const rank = dims.length + axes.length;
        for (const ax of axes.map((v) => normAxis(v, rank)).sort((p, q) => p - q)) dims.splice(ax, 0, 1);
      }
      return [makeConst(dims, x.dtype, x.data)];
    }
    case 'Concat': {
      if (ins.every((v) => v?.kind === 'const' || v?.kind === 'shape') && ins.every((v) => intElems(v) !== null) && shapeLike) {
        return [shapeOrConst(1, ins.flatMap((v) => intElems(v)!))];
      }
      if (!ins.every((v) => v?.kind === 'const')) return null;
      const parts = ins as ConstValue[];
      const axis = normAxis(a.int('axis', 0), parts[0]!.dims.length);
      const outer = size(parts[0]!.dims.slice(0, axis));
      const out: number[] = [];
      for (let o = 0; o < outer; o++) for (const p of parts) {
        const chunk = size(p.dims.slice(axis));
        for (let k = 0; k < chunk; k++) out.push(p.data[o * chunk + k] as number);
      }
      const dims = [...parts[0]!.dims];
      dims[axis] = parts.reduce((s, p) => s + p.dims[axis]!, 0);
      return [makeConst(dims, parts[0]!.dtype, out)];
    }
    case 'Slice': {
      if (!x) return null;
      if (x.kind === 'shape') {
        const p = sliceParams(node, ins, 1);
        if (!p || p.length !== 1) return null;
        return [shapeOrConst(1, sliceRange(p[0]!.start, p[0]!.end, p[0]!.step, x.elems.length).map((i) => x.elems[i]!))];
      }
      if (x.kind !== 'const') return null;
      const p = sliceParams(node, ins, x.dims.length);
      if (!p) return null;
      const ranges: (number[] | null)[] = x.dims.map(() => null);
      for (const s of p) ranges[s.axis] = sliceRange(s.start, s.end, s.step, x.dims[s.axis]!);
      return [sliceConst(x, ranges)];
    }
    case 'Reshape':
    case 'Flatten': {
      if (x?.kind !== 'const') return null;
      const total = size(x.dims);
      let dims: number[];
      if (op === 'Flatten') {
        const axis = normAxis(a.int('axis', 1), x.dims.length);
        dims = [size(x.dims.slice(0, axis)), size(x.dims.slice(axis))];
      } else {
        const target = numbers(ins[1]);
        if (!target) return null;
        dims = target.map((d, i) => (d === 0 && a.int('allowzero', 0) === 0 ? x.dims[i]! : d));
        const known = dims.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
        dims = dims.map((d) => (d === -1 ? total / known : d));
      }
      return [makeConst(dims, x.dtype, x.data)];
    }
    case 'Transpose': {
      if (x?.kind !== 'const') return null;
      const perm = a.ints('perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
      return [transposeConst(x, perm)];
    }
    default:
      return null;
  }
}
