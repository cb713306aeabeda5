/**
 * Runs one direction of one recurrent layer through a backend's `cellForward` / `cellBackward`
 * from host arrays, and reads every result back. Shapes (time-major): x [T, B, I],
 * y [T, B, yStride], states [B, H], W_ih [G·H, I], W_hh [G·H, H], biases [G·H].
 */
import { GATE_COUNT, hasCellState, type Backend, type CellKind } from '@recur/backend';
import { withScope, type TensorScope } from './tensor-scope.js';
import { createRng, randomArray, type Rng } from './random.js';

/** Host-side description of one cell call. */
export interface CellCase {
  readonly cell: CellKind;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly reverse?: boolean;
  readonly lengths?: Int32Array | null;
  readonly yStride?: number;
  readonly yOffset?: number;
  /** [T, B, I]. */
  readonly x: Float64Array;
  /** [B, H] or null (zeros). */
  readonly h0: Float64Array | null;
  /** [B, H] (LSTM) or null (zeros). */
  readonly c0: Float64Array | null;
  readonly wIh: Float64Array;
  readonly wHh: Float64Array;
  readonly bIh: Float64Array | null;
  readonly bHh: Float64Array | null;
}

/** Upstream gradients for a backward pass. */
export interface CellUpstream {
  /** dL/dy [T, B, yStride] or null. */
  readonly dy: Float64Array | null;
  /** dL/dh_N [B, H] or null. */
  readonly dhN: Float64Array | null;
  /** dL/dc_N [B, H] (LSTM) or null. */
  readonly dcN: Float64Array | null;
}

/** What a forward pass produced. */
export interface CellForwardResult {
  /** [T, B, yStride]; columns outside [yOffset, yOffset + H) stay 0. */
  readonly y: Float64Array;
  readonly hN: Float64Array;
  /** null for non-LSTM cells. */
  readonly cN: Float64Array | null;
}

/** Gradients a backward pass produced (accumulated into zeroed buffers). */
export interface CellGradients {
  readonly dx: Float64Array;
  readonly dWih: Float64Array;
  readonly dWhh: Float64Array;
  readonly dbIh: Float64Array | null;
  readonly dbHh: Float64Array | null;
  readonly dh0: Float64Array;
  readonly dc0: Float64Array | null;
}

/** Forward results plus gradients. */
export interface CellRun extends CellForwardResult {
  readonly grads: CellGradients;
}

/** Names of the arrays of {@link CellGradients}, in a stable order. */
export const GRADIENT_NAMES = ['dx', 'dWih', 'dWhh', 'dbIh', 'dbHh', 'dh0', 'dc0'] as const;

/** Make a random cell case with float32-representable values. */
export function randomCellCase(
  rng: Rng,
  shape: Pick<CellCase, 'cell' | 'T' | 'B' | 'I' | 'H'> &
    Partial<Pick<CellCase, 'reverse' | 'lengths' | 'yStride' | 'yOffset'>> & {
      bias?: boolean;
      zeroState?: boolean;
      xScale?: number;
      wScale?: number;
    },
): CellCase {
  const { cell, T, B, I, H } = shape;
  const G = GATE_COUNT[cell];
  const w = shape.wScale ?? 1.2 / Math.sqrt(H);
  const bias = shape.bias ?? true;
  const lstm = hasCellState(cell);
  return {
    cell,
    T,
    B,
    I,
    H,
    reverse: shape.reverse ?? false,
    lengths: shape.lengths ?? null,
    yStride: shape.yStride ?? H,
    yOffset: shape.yOffset ?? 0,
    x: randomArray(rng, T * B * I, shape.xScale ?? 1),
    h0: shape.zeroState ? null : randomArray(rng, B * H, 0.8),
    c0: lstm && !shape.zeroState ? randomArray(rng, B * H, 0.8) : null,
    wIh: randomArray(rng, G * H * I, w),
    wHh: randomArray(rng, G * H * H, w),
    bIh: bias ? randomArray(rng, G * H, w) : null,
    bHh: bias ? randomArray(rng, G * H, w) : null,
  };
}

/** Random upstream gradients matching a case. */
export function randomUpstream(rng: Rng, c: CellCase): CellUpstream {
  const stride = c.yStride ?? c.H;
  return {
    dy: randomArray(rng, c.T * c.B * stride),
    dhN: randomArray(rng, c.B * c.H),
    dcN: hasCellState(c.cell) ? randomArray(rng, c.B * c.H) : null,
  };
}

function upload(scope: TensorScope, data: Float64Array | null, shape: number[]) {
  return data ? scope.upload(data, shape) : null;
}

/** Options of {@link runCell}. */
export interface RunCellOptions {
  /**
   * Start every gradient output from seeded random values instead of zeros, so a kernel that
   * overwrites instead of accumulating (`+=`) is caught. Results then include that start value.
   */
  readonly accumulate?: boolean;
}

/**
 * Run `cellForward` (and, when `upstream` is given, `cellBackward`) and read everything back.
 * When `yStride > H`, y starts filled with 0.375 so that writes outside this direction's columns
 * show up.
 */
export async function runCell(backend: Backend, c: CellCase, upstream?: CellUpstream, options: RunCellOptions = {}): Promise<CellRun> {
  return withScope(backend, async (s) => {
    const { cell, T, B, I, H } = c;
    const G = GATE_COUNT[cell];
    const yStride = c.yStride ?? H;
    const lstm = hasCellState(cell);
    const shapeFields = {
      cell,
      T,
      B,
      I,
      H,
      reverse: c.reverse ?? false,
      lengths: c.lengths ?? null,
      yStride,
      yOffset: c.yOffset ?? 0,
    };
    const x = s.upload(c.x, [T, B, I]);
    const h0 = upload(s, c.h0, [B, H]);
    const c0 = lstm ? upload(s, c.c0, [B, H]) : null;
    const wIh = s.upload(c.wIh, [G * H, I]);
    const wHh = s.upload(c.wHh, [G * H, H]);
    const bIh = upload(s, c.bIh, [G * H]);
    const bHh = upload(s, c.bHh, [G * H]);
    const y = yStride > H ? s.upload(new Float64Array(T * B * yStride).fill(0.375), [T, B, yStride]) : s.alloc([T, B, yStride]);
    const hN = s.alloc([B, H]);
    const cN = lstm ? s.alloc([B, H]) : null;
    const weights = { wIh, wHh, bIh, bHh };
    const cache = s.track(
      backend.cellForward({ ...shapeFields, ...weights, x, h0, c0, y, hN, cN, training: upstream !== undefined }),
    );
    const forward = { y: await s.read(y), hN: await s.read(hN), cN: cN ? await s.read(cN) : null };
    if (!upstream) {
      return { ...forward, grads: emptyGradients() };
    }
    if (!cache) throw new Error('cellForward with training: true returned no cache tensor');
    const dy = upload(s, upstream.dy, [T, B, yStride]);
    const dhN = upload(s, upstream.dhN, [B, H]);
    const dcN = lstm ? upload(s, upstream.dcN, [B, H]) : null;
    const prefill = createRng(0x5eed);
    const grad = (shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return options.accumulate ? s.upload(randomArray(prefill, n), shape) : s.alloc(shape);
    };
    const dx = grad([T, B, I]);
    const dWih = grad([G * H, I]);
    const dWhh = grad([G * H, H]);
    const dbIh = c.bIh ? grad([G * H]) : null;
    const dbHh = c.bHh ? grad([G * H]) : null;
    const dh0 = grad([B, H]);
    const dc0 = lstm ? grad([B, H]) : null;
    backend.cellBackward({ ...shapeFields, ...weights, x, h0, c0, cache, dy, dhN, dcN, dx, dWih, dWhh, dbIh, dbHh, dh0, dc0 });
    const grads: CellGradients = {
      dx: await s.read(dx),
      dWih: await s.read(dWih),
      dWhh: await s.read(dWhh),
      dbIh: dbIh ? await s.read(dbIh) : null,
      dbHh: dbHh ? await s.read(dbHh) : null,
      dh0: await s.read(dh0),
      dc0: dc0 ? await s.read(dc0) : null,
    };
    return { ...forward, grads };
  });
}

function emptyGradients(): CellGradients {
  const e = new Float64Array(0);
  return { dx: e, dWih: e, dWhh: e, dbIh: null, dbHh: null, dh0: e, dc0: null };
}

/** The scalar `Σ y·dy + Σ hN·dhN + Σ cN·dcN` whose gradient `cellBackward` computes. */
export function upstreamLoss(r: CellForwardResult, u: CellUpstream): number {
  let s = 0;
  const dot = (a: Float64Array | null, b: Float64Array | null) => {
    if (!a || !b) return;
    for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  };
  dot(r.y, u.dy);
  dot(r.hN, u.dhN);
  dot(r.cN, u.dcN);
  return s;
}
