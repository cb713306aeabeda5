/**
 * Loading the optional native addon (`build/Release/recur_onednn.node`) and the shape of its API.
 * When the addon is absent, the reason recorded by the build (`build/addon-status.json`) becomes the
 * reason the `onednn` backend is unavailable.
 */
import { createAddonLoader, type AddonLoad as NativeAddonLoad, type NativeCellShape } from '@recur/native';

/** An opaque native context (oneDNN engine, stream, primitive cache, thread count). */
export type NativeContext = { readonly __brand: 'recur-onednn-context' };

/** The oneDNN library the addon runs on. */
export interface OnednnVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Git hash of the oneDNN build. */
  readonly hash: string;
  /** The instruction set oneDNN dispatches to on this CPU, e.g. `avx2`, `avx512_core`. */
  readonly isa: string;
  /** The threading runtime oneDNN was built with (`openmp` for Debian's libdnnl). */
  readonly threading: string;
  /** Processors available to this process. */
  readonly maxThreads: number;
}

type F32 = Float32Array;

/** The functions `recur_onednn.node` exports (see native/addon.cc). */
export interface NativeAddon {
  version(): OnednnVersion;
  create(threads: number): NativeContext;
  destroy(ctx: NativeContext): void;
  planCount(ctx: NativeContext): number;
  gemm(ctx: NativeContext, p: { transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number; a: F32; b: F32; c: F32; bias: F32 | null }): void;
  fill(ctx: NativeContext, x: F32, n: number, value: number): void;
  copy2d(ctx: NativeContext, src: F32, srcOffset: number, srcStride: number, dst: F32, dstOffset: number, dstStride: number, rows: number, cols: number, accumulate: boolean): void;
  axpy(ctx: NativeContext, y: F32, x: F32, n: number, alpha: number): void;
  scale(ctx: NativeContext, x: F32, n: number, alpha: number): void;
  mul(ctx: NativeContext, out: F32, a: F32, b: F32, n: number): void;
  clip(ctx: NativeContext, x: F32, n: number, limit: number): void;
  sumSquares(ctx: NativeContext, x: F32, n: number, out: F32): void;
  sumRows(ctx: NativeContext, x: F32, rows: number, cols: number, out: F32, accumulate: boolean): void;
  activation(ctx: NativeContext, op: number, x: F32, out: F32, n: number): void;
  activationBackward(ctx: NativeContext, op: number, y: F32, dy: F32, dx: F32, n: number): void;
  softmax(ctx: NativeContext, x: F32, out: F32, rows: number, cols: number, invTemperature: number): void;
  loss(ctx: NativeContext, p: { kind: number; pred: F32; target: F32; weights: F32 | null; n: number; c: number; delta: number; loss: F32; grad: F32 | null }): void;
  optimizer(
    ctx: NativeContext,
    p: {
      kind: number; param: F32; grad: F32; s0: F32 | null; s1: F32 | null; n: number;
      lr: number; wd: number; momentum: number; dampening: number; beta1: number; beta2: number; alpha: number; eps: number;
      stepSize: number; bc2Sqrt: number; nesterov: boolean; firstStep: boolean;
    },
  ): void;
  gather(ctx: NativeContext, table: F32, indices: Int32Array, dim: number, out: F32): void;
  scatterAdd(ctx: NativeContext, grad: F32, indices: Int32Array, dim: number, dTable: F32): void;
  cacheSize(ctx: NativeContext, shape: NativeCellShape): number;
  /**
   * dims = [cell, T, B, I, H, reverse ? 1 : 0, yStride, yOffset, repack]; positional (the streaming
   * hot path). packIh / packHh: packed weight copies for inference over ≤ 4 steps (native/packed-matvec.h),
   * repacked where `repack` bit 0 / 1 is set.
   */
  cellForward(
    ctx: NativeContext, dims: Int32Array, lengths: Int32Array | null,
    x: F32, wIh: F32, wHh: F32, bIh: F32 | null, bHh: F32 | null, h0: F32 | null, c0: F32 | null,
    y: F32, hN: F32, cN: F32 | null, cache: F32 | null, packIh?: F32 | null, packHh?: F32 | null, bindSlot?: number,
  ): void;
  /** cellForward on the buffers bound in `slot` (streaming; see step-bindings.ts and native/addon.cc). */
  cellForwardBound(ctx: NativeContext, dims: Int32Array, slot: number): void;
  /** Release every buffer cellForward bound. */
  unbind(ctx: NativeContext): void;
  cellBackward(
    ctx: NativeContext,
    p: NativeCellShape & {
      x: F32; wIh: F32; wHh: F32; bIh: F32 | null; bHh: F32 | null; h0: F32 | null; c0: F32 | null; cache: F32;
      dy: F32 | null; dhN: F32 | null; dcN: F32 | null; dx: F32 | null;
      dWih: F32; dWhh: F32; dbIh: F32 | null; dbHh: F32 | null; dh0: F32 | null; dc0: F32 | null;
    },
  ): void;
  /** Drive oneDNN into a real error status (dnnl_sgemm with lda < k; tests of the error mapping). */
  provokeError(ctx: NativeContext): void;
  /** The OpenMP team size calls of this context run with. */
  ompThreads(ctx: NativeContext): number;
}

/** The result of trying to load the addon. */
export type AddonLoad = NativeAddonLoad<NativeAddon>;


const REQUIRED: readonly (keyof NativeAddon)[] = ['version', 'create', 'destroy', 'gemm', 'cacheSize', 'cellForward', 'cellForwardBound', 'unbind', 'cellBackward', 'loss', 'optimizer'];

/**
 * Load with OMP_WAIT_POLICY=PASSIVE unless the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT: libgomp
 * reads it once, when oneDNN's libgomp is loaded with the addon. With the default (spin) policy an
 * idle OpenMP thread keeps its core busy, and on a machine with more runnable threads than cores a
 * 2-thread training step ran 4–20× slower than 1 thread; passive waits cost little here because the
 * addon runs few parallel regions (one per batch chunk, see native/rnn.cc). The variable is restored
 * afterwards, so child processes (and other libraries) do not inherit it.
 */
function withPassiveOpenmp<T>(load: () => T): T {
  const env = process.env;
  if (env.OMP_WAIT_POLICY !== undefined || env.GOMP_SPINCOUNT !== undefined) return load();
  env.OMP_WAIT_POLICY = 'PASSIVE';
  try {
    return load();
  } finally {
    delete env.OMP_WAIT_POLICY;
  }
}

const loader = createAddonLoader<NativeAddon>({
  moduleUrl: import.meta.url,
  file: 'recur_onednn.node',
  envVar: 'RECUR_ONEDNN_ADDON',
  required: REQUIRED,
  buildHint: 'run `pnpm --filter @recur/backend-onednn build` on a machine with oneDNN (apt-get install libdnnl-dev) and a C++ compiler',
  around: withPassiveOpenmp,
});

/** Where the addon and the build status live (`RECUR_ONEDNN_ADDON` overrides the addon path). */
export const addonPaths = loader.paths;
/** Try to load the addon at `addonPath` (never throws). */
export const loadAddonFrom = loader.loadFrom;
/** Load the addon once per process. */
export const loadAddon = loader.load;
