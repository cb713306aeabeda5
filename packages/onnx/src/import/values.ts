/**
 * The abstract values the importer's graph interpreter computes for every tensor of an ONNX graph.
 *
 * - `const`: known at import time (initializers, `Constant`, and everything folded from them).
 * - `shape`: a 0-D or 1-D int64 vector whose elements may be symbolic (`Shape` of a runtime tensor:
 *   the batch and time sizes are unknown until run time).
 * - `zeros`: an all-zero tensor of unknown shape (`ConstantOfShape(…, 0)`, `Expand(0, …)`): the zero
 *   initial states exporters build.
 * - `runtime`: a tensor computed from the graph inputs at run time, described by its axes. Each axis
 *   is a list of atoms in row-major order (merged axes have several atoms); atoms of size 1 are kept
 *   apart in `floating`, since moving a size-1 axis never changes the memory layout.
 */

/** A dimension size: a number, or a symbol such as `T`, `B` or `2*B` (`?` when unknown). */
export type Dim = number | string;

/** One (layer, direction) block of hidden units. */
export interface Block {
  readonly layer: number;
  readonly dir: number;
}

/** An atom of a runtime tensor's axes. */
export type Atom =
  /**
   * An axis of a graph input (`id` unique): its size is a symbol (the dim_param, or `input#k` for a
   * fixed dimension) so it is never mistaken for another axis; `fixed` is the dim_value when set.
   */
  | { readonly kind: 'axis'; readonly id: string; readonly size: string; readonly fixed: number | null }
  /** Hidden units of one layer's output (`cell`: of an LSTM cell state): size H. */
  | { readonly kind: 'hidden'; readonly size: number; readonly cell: boolean }
  /** Directions / layers of recurrent outputs: the blocks present, in order. */
  | { readonly kind: 'blocks'; readonly blocks: readonly Block[] }
  /** Outputs of the dense head. */
  | { readonly kind: 'head'; readonly size: number }
  /** Embedding features. */
  | { readonly kind: 'embedding'; readonly size: number };

/** Which time steps a runtime tensor holds. */
export type Steps = 'all' | 'final' | 'last';

/** The dense head applied to a runtime value (PyTorch layout). */
export interface HeadInfo {
  /** The value the head was applied to (its last axis and floating blocks are the features). */
  readonly input: RuntimeValue;
  /** [O, F] as PyTorch's `Linear.weight`. */
  readonly weight: Float32Array;
  readonly outFeatures: number;
  readonly inFeatures: number;
  bias: Float32Array | null;
  activation: 'identity' | 'tanh' | 'sigmoid' | 'relu';
}

export interface ConstValue {
  readonly kind: 'const';
  readonly dims: number[];
  readonly dtype: 'float' | 'int';
  readonly data: Float32Array | number[];
}
export interface ShapeValue {
  readonly kind: 'shape';
  readonly rank: 0 | 1;
  readonly elems: Dim[];
}
export interface ZerosValue {
  readonly kind: 'zeros';
}
export interface RuntimeValue {
  readonly kind: 'runtime';
  readonly axes: Atom[][];
  readonly floating: Atom[];
  readonly steps: Steps;
  /** The id of the time axis atom (recurrent outputs), or null. */
  readonly time: string | null;
  /** The graph input it comes from when it is (a view of) one, else null. */
  readonly input: string | null;
  readonly head: HeadInfo | null;
  /** Part of a graph input (a slice of initial states, say): fine as a state, refused as a sequence. */
  readonly partial?: boolean;
  /** Set when the value is (derived from) an embedding lookup of token ids: the table [V, E]. */
  readonly embedding?: { readonly weight: Float32Array; readonly V: number; readonly E: number } | null;
}
/** A value whose producer was unsupported (already reported): consumers stay quiet. */
export interface PoisonValue {
  readonly kind: 'poison';
}

export type Value = ConstValue | ShapeValue | ZerosValue | RuntimeValue | PoisonValue;

export const POISON: PoisonValue = { kind: 'poison' };
export const ZEROS: ZerosValue = { kind: 'zeros' };

/** The size of an atom. */
export function atomSize(a: Atom): Dim {
  return a.kind === 'blocks' ? a.blocks.length : a.size;
}

/** The product of sizes, canonical (numbers multiplied, symbols sorted): `6`, `B`, `2*B*T`. */
export function productOf(sizes: readonly Dim[]): Dim {
  let n = 1;
  const syms: string[] = [];
  for (const s of sizes) {
    if (typeof s === 'number') n *= s;
    else if (s === '?') return '?';
    else syms.push(...s.split('*').filter((p) => (/^\d+$/.test(p) ? ((n *= Number(p)), false) : true)));
  }
  if (syms.length === 0) return n;
  syms.sort();
  return n === 1 ? syms.join('*') : `${n}*${syms.join('*')}`;
}

export function axisSize(axis: readonly Atom[]): Dim {
  return productOf(axis.map(atomSize));
}

/** Rebuilds a runtime value with single (layer, direction) blocks moved from the axes into `floating`. */
export function normalise(v: Omit<RuntimeValue, 'kind'>): RuntimeValue {
  const floating = [...v.floating];
  const axes = v.axes.map((axis) =>
    axis.filter((a) => {
      if (a.kind === 'blocks' && a.blocks.length === 1) {
        floating.push(a);
        return false;
      }
      return true;
    }),
  );
  return { kind: 'runtime', ...v, axes, floating };
}

export function sameAtom(a: Atom, b: Atom): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'axis') return a.id === (b as typeof a).id;
  if (a.kind === 'blocks') {
    const bb = (b as typeof a).blocks;
    return a.blocks.length === bb.length && a.blocks.every((x, i) => x.layer === bb[i]!.layer && x.dir === bb[i]!.dir);
  }
  if (a.kind === 'hidden') return a.size === (b as typeof a).size && a.cell === (b as typeof a).cell;
  return a.size === (b as typeof a).size;
}

/** The numeric size of an atom when known (fixed input dims, hidden, head…), else null. */
export function fixedSize(a: Atom): number | null {
  if (a.kind === 'axis') return a.fixed;
  const s = atomSize(a);
  return typeof s === 'number' ? s : null;
}

export function sameAtoms(a: readonly Atom[], b: readonly Atom[]): boolean {
  return a.length === b.length && a.every((x, i) => sameAtom(x, b[i]!));
}
