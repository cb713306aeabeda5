/**
 * recur tensor handles over TensorFlow.js tensors, and their bookkeeping.
 *
 * Every handle wraps one flat (1-D, float32) `tf.Tensor` that is kept out of any `tf.tidy`
 * scope (`tf.keep`). tfjs tensors are immutable, so a kernel that "writes" a handle computes the
 * new contents in a `tf.tidy`, then {@link assign} swaps the wrapped tensor and disposes the old
 * one. The number of live tfjs tensors therefore equals the number of live handles (plus the
 * parts of live cell caches), whatever ran before: nothing leaks per step or per sequence.
 */
import { DisposedTensorError, InvalidArgumentError, shapeSize, type Tensor } from '@recur/backend';
import type { Tfjs, TfTensor, TfTensor1D } from './tf-types.js';

/**
 * What `cellForward({ training: true })` keeps for `cellBackward`: per named part, one kept tfjs
 * tensor per time step (indexed by t). Per-step tensors, not one stacked [T, …] tensor, because
 * taking rows back out of a stacked tensor is slow on some engines (tfjs-backend-wasm copies the
 * whole input for every slice).
 */
export interface CellCache {
  readonly cell: string;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly reverse: boolean;
  /** The tfjs tensors the cache owns, by name, one per time step. */
  readonly parts: Readonly<Record<string, readonly TfTensor[]>>;
}

/** A recur tensor handle whose buffer is a TensorFlow.js tensor. */
export class TfjsTensor implements Tensor {
  readonly backendId: string;
  readonly shape: readonly number[];
  readonly size: number;
  disposed = false;
  /** The wrapped flat tensor (null for cache handles and once disposed). */
  value: TfTensor1D | null;
  /** Set on the cache handles `cellForward({ training: true })` returns. */
  cache: CellCache | null;
  /**
   * Tensors derived from the current contents (e.g. a transposed weight matrix), kept until the
   * contents change or the handle is disposed. Internal scratch: not counted by `memory()`.
   */
  derived: Map<string, TfTensor> | null = null;

  constructor(backendId: string, shape: readonly number[], size: number, value: TfTensor1D | null, cache: CellCache | null) {
    this.backendId = backendId;
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this.value = value;
    this.cache = cache;
  }
}

/** Every tfjs tensor a cache owns, once (one tensor can serve two parts, e.g. h_t is both an
 * rnn step's activation and the next step's previous state). */
export function cacheTensors(cache: CellCache): TfTensor[] {
  return [...new Set(Object.values(cache.parts).flat())];
}

function cacheSize(cache: CellCache): number {
  let n = 0;
  for (const t of cacheTensors(cache)) n += t.size;
  return n;
}

/** Creates handles and counts the live ones. */
export class HandleStore {
  private readonly live = new Set<TfjsTensor>();
  /** The tfjs tensors that handles wrap (so a kernel result that is one of them gets cloned). */
  private readonly held = new WeakSet<TfTensor>();
  private elements = 0;

  constructor(
    private readonly tf: Tfjs,
    private readonly backendId: string,
  ) {}

  /** Wrap a flat tensor this store now owns (kept, so no `tf.tidy` scope can dispose it). */
  wrap(value: TfTensor1D, shape: readonly number[]): TfjsTensor {
    const size = shapeSize(shape, 'shape');
    if (value.size !== size) throw new InvalidArgumentError('shape', `holds ${size} elements but the data has ${value.size}.`);
    this.tf.keep(value);
    this.held.add(value);
    const t = new TfjsTensor(this.backendId, shape, size, value, null);
    this.live.add(t);
    this.elements += size;
    return t;
  }

  /** Wrap a cell cache as an opaque handle (its parts are kept). */
  wrapCache(cache: CellCache): TfjsTensor {
    for (const part of cacheTensors(cache)) this.tf.keep(part);
    const size = cacheSize(cache);
    const t = new TfjsTensor(this.backendId, [size], size, null, cache);
    this.live.add(t);
    this.elements += size;
    return t;
  }

  /** Free `t` and the tfjs tensors it wraps; a second call is a no-op. */
  dispose(t: TfjsTensor): void {
    if (t.disposed) return;
    if (!this.live.delete(t)) {
      throw new InvalidArgumentError('dispose', 'this tensor was not created by this tfjs backend.');
    }
    this.elements -= t.size;
    t.disposed = true;
    this.dropDerived(t);
    if (t.value) this.held.delete(t.value);
    t.value?.dispose();
    t.value = null;
    if (t.cache) for (const part of cacheTensors(t.cache)) part.dispose();
    t.cache = null;
  }

  /**
   * A tensor derived from `t`'s current contents by `make` (called inside `tf.tidy`), computed
   * once and reused until `t` is written or disposed. Used for weights that every call would
   * otherwise transpose again.
   */
  derived(t: Tensor, key: string, make: (value: TfTensor1D) => TfTensor): TfTensor {
    const h = handleOf(t, key);
    const value = valueOf(h, key);
    h.derived ??= new Map();
    let d = h.derived.get(key);
    if (!d) {
      d = this.tf.keep(this.tf.tidy(() => make(value)));
      h.derived.set(key, d);
    }
    return d;
  }

  /** Drop (and dispose) what was derived from a handle's old contents. */
  private dropDerived(h: TfjsTensor): void {
    if (!h.derived) return;
    for (const d of h.derived.values()) d.dispose();
    h.derived = null;
  }

  /** Whether `x` is the tensor some handle wraps. */
  isHeld(x: TfTensor): boolean {
    return this.held.has(x);
  }

  /**
   * Replace the contents of `t` with `next` (`t.size` elements, any shape). `next` is flattened,
   * kept, and the old tensor disposed. `next` must be a fresh tensor (not wrapped by a handle).
   */
  assign(t: Tensor, next: TfTensor, what: string): void {
    const h = handleOf(t, what);
    if (h.value === null) throw new InvalidArgumentError(what, 'is a cell cache; kernels cannot write into it.');
    if (next.size !== h.size) {
      next.dispose();
      throw new InvalidArgumentError(what, `internal size mismatch: ${next.size} elements for a tensor of ${h.size}.`);
    }
    let flat = next as TfTensor1D;
    if (next.rank !== 1) {
      flat = this.tf.reshape(next, [h.size]);
      next.dispose();
    }
    this.tf.keep(flat);
    this.dropDerived(h);
    const old = h.value;
    h.value = flat;
    this.held.add(flat);
    if (old !== flat) {
      this.held.delete(old);
      old.dispose();
    }
  }

  /** Free every live handle. */
  disposeAll(): void {
    for (const t of [...this.live]) this.dispose(t);
  }

  get liveTensors(): number {
    return this.live.size;
  }

  /** Bytes of live handles (float32 storage). */
  get liveBytes(): number {
    return this.elements * 4;
  }
}

/** The handle class behind a checked tensor (guards against foreign handle types). */
export function handleOf(t: Tensor, what: string): TfjsTensor {
  if (!(t instanceof TfjsTensor)) {
    throw new InvalidArgumentError(what, 'expected a tensor handle created by this tfjs backend.');
  }
  if (t.disposed) throw new DisposedTensorError(what);
  return t;
}

/** The flat tfjs tensor a data handle wraps. */
export function valueOf(t: Tensor, what: string): TfTensor1D {
  const h = handleOf(t, what);
  if (h.value === null) {
    throw new InvalidArgumentError(what, 'is a cell cache (returned by cellForward); it holds no data a kernel can read.');
  }
  return h.value;
}

/** The cache a cache handle wraps. */
export function cacheOf(t: Tensor, what: string): CellCache {
  const h = handleOf(t, what);
  if (h.cache === null) {
    throw new InvalidArgumentError(what, 'is not a cache returned by cellForward({ training: true }).');
  }
  return h.cache;
}
