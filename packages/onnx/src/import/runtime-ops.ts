/**
 * Layout and head operators applied to runtime tensors (see values.ts): Transpose, Reshape,
 * Squeeze, Unsqueeze, Gather and Slice (selecting directions, layers or the last time step), Concat
 * (of directions or layers), MatMul / Gemm / Add (the dense head) and the head activation. Anything
 * that would change the maths of a recur model is refused with what would be needed.
 */
import type { NodeProto } from '../proto/onnx-codec.js';
import { axesParam, intElems, numbers, sliceParams } from './const-ops.js';
import { NodeAttrs } from './node-attrs.js';
import { refuse } from './refusal.js';
import { atomSize, axisSize, fixedSize, normalise, productOf, sameAtoms, type Atom, type ConstValue, type Dim, type RuntimeValue, type Value } from './values.js';

const ACTIVATIONS: Record<string, 'tanh' | 'sigmoid' | 'relu'> = { Tanh: 'tanh', Sigmoid: 'sigmoid', Relu: 'relu' };

function with_(v: RuntimeValue, patch: Partial<Omit<RuntimeValue, 'kind'>>): RuntimeValue {
  return normalise({ ...v, ...patch });
}

function norm(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) refuse(`axis ${axis} is out of range for a rank-${rank} tensor`);
  return a;
}

/** Whether a group of atoms has the size `target` (symbolically, or numerically when all sizes are fixed). */
function groupMatches(group: readonly Atom[], target: Dim): boolean {
  if (productOf(group.map(atomSize)) === target) return true;
  if (typeof target !== 'number') return false;
  const fixed = group.map(fixedSize);
  return fixed.every((f) => f !== null) && (fixed as number[]).reduce((a, b) => a * b, 1) === target;
}

function tooBig(group: readonly Atom[], target: Dim): boolean {
  if (typeof target !== 'number') return false;
  const fixed = group.map(fixedSize);
  return fixed.every((f) => f !== null) && (fixed as number[]).reduce((a, b) => a * b, 1) > target;
}

/** Takes atoms from `atoms` (front or back) until their product is `target`. */
function takeGroup(atoms: Atom[], target: Dim, fromBack: boolean): Atom[] {
  if (target === 1) return [];
  const group: Atom[] = [];
  while (atoms.length > 0) {
    const a = (fromBack ? atoms.pop() : atoms.shift()) as Atom;
    if (fromBack) group.unshift(a);
    else group.push(a);
    if (groupMatches(group, target)) return group;
    if (tooBig(group, target)) break;
  }
  return refuse(`Reshape to a dimension of size ${target} that splits an axis (only merging whole axes is supported)`);
}

export function reshapeRuntime(node: NodeProto, v: RuntimeValue, shape: Value | undefined): RuntimeValue {
  const raw = intElems(shape);
  if (!raw) return refuse('Reshape with a shape computed at run time that could not be folded', 'shape');
  const allowZero = new NodeAttrs(node).int('allowzero', 0) === 1;
  const target = raw.map((d, i) => (d === 0 && !allowZero ? axisSize(v.axes[i] ?? []) : d));
  const atoms = v.axes.flat();
  const minus = target.indexOf(-1);
  const left = minus < 0 ? target : target.slice(0, minus);
  const right = minus < 0 ? [] : target.slice(minus + 1);
  const axes: Atom[][] = left.map((t) => takeGroup(atoms, t, false));
  const tail = right.reverse().map((t) => takeGroup(atoms, t, true)).reverse();
  if (minus >= 0) axes.push(atoms.splice(0));
  else if (atoms.length > 0) refuse('Reshape that drops or splits axes');
  return with_(v, { axes: [...axes, ...tail] });
}

export function transposeRuntime(node: NodeProto, v: RuntimeValue): RuntimeValue {
  const perm = new NodeAttrs(node).ints('perm') ?? v.axes.map((_, i) => v.axes.length - 1 - i);
  if (perm.length !== v.axes.length) refuse(`Transpose perm [${perm.join(', ')}] does not match rank ${v.axes.length}`, 'perm');
  return with_(v, { axes: perm.map((p) => v.axes[p]!) });
}

export function squeezeRuntime(node: NodeProto, v: RuntimeValue, ins: (Value | undefined)[]): RuntimeValue {
  const axes = axesParam(node, ins);
  const rank = v.axes.length;
  const drop = axes ? axes.map((a) => norm(a, rank)) : v.axes.map((ax, i) => (ax.length === 0 ? i : -1)).filter((i) => i >= 0);
  for (const d of drop) if (v.axes[d]!.length > 0) refuse(`Squeeze of axis ${d}, which is not known to have size 1`, 'axes');
  return with_(v, { axes: v.axes.filter((_, i) => !drop.includes(i)) });
}

export function unsqueezeRuntime(node: NodeProto, v: RuntimeValue, ins: (Value | undefined)[]): RuntimeValue {
  const axes = axesParam(node, ins);
  if (!axes) return refuse('Unsqueeze axes computed at run time', 'axes');
  const rank = v.axes.length + axes.length;
  const out = [...v.axes];
  for (const a of axes.map((x) => norm(x, rank)).sort((p, q) => p - q)) out.splice(a, 0, []);
  return with_(v, { axes: out });
}

/** Selecting along one axis: index positions of a blocks axis, or the last step of the time axis. */
function select(v: RuntimeValue, axis: number, picks: number[], keepAxis: boolean, what: string): RuntimeValue {
  const atoms = v.axes[axis]!;
  if (atoms.length === 0 && picks.every((p) => p === 0 || p === -1) && picks.length === 1) {
    // A size-1 axis (a single direction or layer): picking its only element.
    const axes = [...v.axes];
    if (!keepAxis) axes.splice(axis, 1);
    return with_(v, { axes });
  }
  if (atoms.length !== 1) return refuse(`${what} along a merged axis`);
  const atom = atoms[0]!;
  const axes = [...v.axes];
  if (atom.kind === 'blocks') {
    const n = atom.blocks.length;
    const blocks = picks.map((p) => atom.blocks[p < 0 ? p + n : p]!);
    if (blocks.some((b) => b === undefined)) refuse(`${what} index out of range for ${n} layers/directions`);
    axes[axis] = [{ kind: 'blocks', blocks }];
    if (!keepAxis) axes.splice(axis, 1);
    return with_(v, { axes, floating: keepAxis ? v.floating : [...v.floating, { kind: 'blocks', blocks }] });
  }
  if (atom.kind === 'axis' && atom.id === v.time) {
    if (picks.length === 1 && picks[0] === -1 && v.steps === 'all') {
      if (keepAxis) axes[axis] = [];
      else axes.splice(axis, 1);
      return with_(v, { axes, steps: 'last', time: null });
    }
    return refuse(`${what} of time steps other than the last one (recur's seq2one reads the final state; seq2seq keeps every step)`);
  }
  if (atom.kind === 'axis' && v.input !== null) {
    // Part of a graph input (e.g. one layer's initial state): usable as a state, refused as a sequence.
    const part: Atom = { kind: 'axis', id: `${atom.id}[${picks.join(',')}]`, size: `${atom.id}[${picks.join(',')}]`, fixed: picks.length };
    if (keepAxis) axes[axis] = [part];
    else axes.splice(axis, 1);
    return with_(v, { axes, partial: true });
  }
  return refuse(`${what} of part of the ${atom.kind === 'hidden' ? 'hidden units' : 'input or batch'} (recur models use whole tensors)`);
}

export function gatherRuntime(node: NodeProto, v: RuntimeValue, indices: Value | undefined): RuntimeValue {
  if (indices?.kind !== 'const' || indices.dims.length > 1) return refuse('Gather with indices computed at run time', 'indices');
  const axis = norm(new NodeAttrs(node).int('axis', 0), v.axes.length);
  return select(v, axis, indices.data as number[], indices.dims.length === 1, 'Gather');
}

export function sliceRuntime(node: NodeProto, v: RuntimeValue, ins: (Value | undefined)[]): RuntimeValue {
  const params = sliceParams(node, ins, v.axes.length);
  if (!params) return refuse('Slice with starts/ends computed at run time', 'starts');
  let out = v;
  const BIG = 2 ** 31 - 1;
  for (const p of params) {
    if (p.step !== 1) refuse(`Slice with step ${p.step}`, 'steps');
    const atoms = out.axes[p.axis]!;
    const atom = atoms.length === 1 ? atoms[0]! : null;
    if (p.start === 0 && p.end >= BIG) continue; // the whole axis
    if (atom?.kind === 'blocks') {
      const n = atom.blocks.length;
      const s = Math.max(0, p.start < 0 ? p.start + n : p.start);
      const e = Math.min(n, p.end < 0 ? p.end + n : p.end);
      if (s === 0 && e === n) continue;
      out = select(out, p.axis, Array.from({ length: Math.max(0, e - s) }, (_, i) => s + i), true, 'Slice');
    } else if (atom?.kind === 'axis' && atom.id === out.time && p.start === -1 && p.end >= BIG) {
      out = select(out, p.axis, [-1], true, 'Slice');
    } else if (atom?.kind === 'axis' && atom.fixed !== null && p.start === 0 && p.end >= atom.fixed) {
      continue;
    } else if (atom?.kind === 'axis' && atom.id !== out.time && out.input !== null && p.start >= 0 && p.end >= p.start && p.end < BIG) {
      out = select(out, p.axis, Array.from({ length: p.end - p.start }, (_, i) => p.start + i), true, 'Slice');
    } else {
      refuse(`Slice [${p.start}:${p.end}] of axis ${p.axis} (recur models use whole tensors, or the last time step)`, 'starts');
    }
  }
  return out;
}

/** Concatenation of directions or layers (blocks), the only concatenation recur models contain. */
export function concatRuntime(node: NodeProto, parts: RuntimeValue[]): RuntimeValue {
  const rank = parts[0]!.axes.length;
  const axis = norm(new NodeAttrs(node).int('axis', 0), rank);
  const first = parts[0]!;
  let rest: Atom[] | null = null;
  const blocks: { layer: number; dir: number }[] = [];
  let floating: Atom[] | null = null;
  for (const p of parts) {
    if (p.axes.length !== rank || p.head || p.steps !== first.steps) refuse('Concat of tensors of different kinds (only directions or layers of recurrent outputs can be concatenated)');
    p.axes.forEach((ax, i) => {
      if (i !== axis && !sameAtoms(ax, first.axes[i]!)) refuse('Concat of tensors whose other axes differ');
    });
    const atoms = p.axes[axis]!;
    let own: Atom[] = p.floating;
    let partRest: Atom[];
    if (atoms[0]?.kind === 'blocks') {
      blocks.push(...atoms[0].blocks);
      partRest = atoms.slice(1);
    } else {
      const idx = p.floating.findIndex((a) => a.kind === 'blocks');
      if (idx < 0) return refuse('Concat along an axis that is not directions or layers of a recurrent output');
      blocks.push(...(p.floating[idx] as Extract<Atom, { kind: 'blocks' }>).blocks);
      own = p.floating.filter((_, i) => i !== idx);
      partRest = atoms;
    }
    if (rest && !sameAtoms(rest, partRest)) refuse('Concat of tensors with different features');
    rest ??= partRest;
    floating ??= own;
  }
  const axes = [...first.axes];
  axes[axis] = [{ kind: 'blocks', blocks }, ...(rest ?? [])];
  return with_(first, { axes, floating: floating ?? [], input: null });
}

function constFloats(v: Value | undefined, what: string): ConstValue {
  if (v?.kind !== 'const' || v.dtype !== 'float') return refuse(`${what} computed at run time (a dense head needs constant weights)`);
  return v;
}

function transpose2d(data: Float32Array | number[], rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}

function applyHead(v: RuntimeValue, weight: Float32Array, O: number, F: number, bias: Float32Array | null): RuntimeValue {
  if (v.head) refuse('a second dense layer after the head (recur models have one dense head)');
  const last = v.axes[v.axes.length - 1];
  if (!last) return refuse('a dense layer on a scalar');
  const width = productOf(last.map(atomSize));
  if (width !== F) refuse(`a dense layer with ${F} inputs on features of size ${width}`);
  const axes = [...v.axes.slice(0, -1), [{ kind: 'head', size: O } as Atom]];
  return with_(v, { axes, head: { input: v, weight, outFeatures: O, inFeatures: F, bias, activation: 'identity' } });
}

export function matmulRuntime(v: RuntimeValue, w: Value | undefined): RuntimeValue {
  const W = constFloats(w, 'MatMul weight');
  if (W.dims.length !== 2) refuse(`MatMul with a rank-${W.dims.length} weight (a dense head's weight is 2-D)`);
  const [F, O] = W.dims as [number, number];
  return applyHead(v, transpose2d(W.data, F, O), O, F, null);
}

export function gemmRuntime(node: NodeProto, v: RuntimeValue, w: Value | undefined, c: Value | undefined): RuntimeValue {
  const a = new NodeAttrs(node);
  if (a.int('transA', 0) !== 0) refuse('Gemm with transA=1 on the features', 'transA');
  if (a.float('alpha', 1) !== 1 || a.float('beta', 1) !== 1) refuse('Gemm with alpha or beta other than 1', 'alpha');
  if (v.axes.length !== 2) refuse(`Gemm on a rank-${v.axes.length} tensor`);
  const W = constFloats(w, 'Gemm weight');
  if (W.dims.length !== 2) refuse('Gemm with a weight that is not 2-D');
  const transB = a.int('transB', 0) === 1;
  const [O, F] = (transB ? W.dims : [W.dims[1], W.dims[0]]) as [number, number];
  const weight = transB ? Float32Array.from(W.data) : transpose2d(W.data, F, O);
  let out = applyHead(v, weight, O, F, null);
  if (c) out = addRuntime(out, c);
  return out;
}

export function addRuntime(v: RuntimeValue, b: Value): RuntimeValue {
  if (!v.head) return refuse('Add of a constant to recurrent features (only a dense head has a bias)');
  if (v.head.activation !== 'identity') refuse('Add after the head activation');
  if (b.kind === 'zeros') return v;
  const B = constFloats(b, 'Add bias');
  const O = v.head.outFeatures;
  if (B.data.length !== O || B.dims.slice(0, -1).some((d) => d !== 1)) refuse(`Add of a bias of shape [${B.dims.join(', ')}] to a head of ${O} outputs (needs [${O}])`);
  const bias = Float32Array.from(B.data);
  if (v.head.bias) for (let i = 0; i < O; i++) bias[i] = (bias[i] as number) + (v.head.bias[i] as number);
  return with_(v, { head: { ...v.head, bias } });
}

export function activationRuntime(op: string, v: RuntimeValue): RuntimeValue {
  const kind = ACTIVATIONS[op];
  if (!kind) return refuse(`${op} (recur heads support Tanh, Sigmoid and Relu)`);
  if (!v.head) return refuse(`${op} on recurrent features without a dense head before it (recur applies activations only after its head)`);
  if (v.head.activation !== 'identity') refuse(`${op} after another activation`);
  return with_(v, { head: { ...v.head, activation: kind } });
}

/** The numeric elements of an int input, or a refusal naming it. */
export function requireNumbers(v: Value | undefined, what: string): number[] {
  return numbers(v) ?? refuse(`${what} computed at run time`);
}
