/**
 * Loading the optional native addon (`build/Release/recur_cuda.node`) and the shape of its API.
 * When the addon is absent, the reason recorded by the build (`build/addon-status.json`) becomes the
 * reason the `cuda` backend is unavailable.
 */
import { createAddonLoader, type AddonLoad as NativeAddonLoad, type NativeCellShape } from '@recur/native';

/** An opaque CUDA context (stream, cuBLAS handle, memory pool) owned by the addon. */
export type NativeContext = { readonly __brand: 'recur-cuda-context' };

/** What `probe()` reports: the driver's answer to "how many devices are there?". */
export interface NativeProbe {
  readonly ok: boolean;
  /** cudaError_t of cudaGetDeviceCount (0 on success, 35 without a driver, 100 without a device). */
  readonly code: number;
  readonly name: string;
  readonly message: string;
  readonly deviceCount: number;
  /** e.g. 13000 for 13.0; 0 when no driver is installed. */
  readonly driverVersion: number;
  readonly runtimeVersion: number;
  readonly cublasVersion: number;
}

/** Device facts of an open context. */
export interface NativeInfo {
  readonly name: string;
  readonly device: number;
  readonly major: number;
  readonly minor: number;
  readonly totalMem: number;
  readonly poolInUse: number;
  readonly poolCached: number;
}

/** Device pointers are plain numbers (0 = null). */
export type Ptr = number;

/** The functions `recur_cuda.node` exports (see native/addon.cc). */
export interface NativeAddon {
  probe(): NativeProbe;
  create(device: number): NativeContext;
  destroy(ctx: NativeContext): void;
  info(ctx: NativeContext): NativeInfo;
  alloc(ctx: NativeContext, bytes: number): Ptr;
  free(ctx: NativeContext, ptr: Ptr): void;
  trim(ctx: NativeContext): void;
  upload(ctx: NativeContext, ptr: Ptr, offset: number, data: Float32Array): void;
  read(ctx: NativeContext, ptr: Ptr, offset: number, count: number): Promise<Float32Array>;
  sync(ctx: NativeContext): Promise<void>;
  gemm(
    ctx: NativeContext,
    p: { transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number; a: Ptr; b: Ptr; c: Ptr; bias: Ptr | null },
  ): void;
  fill(ctx: NativeContext, ptr: Ptr, n: number, value: number): void;
  copy2d(ctx: NativeContext, src: Ptr, srcOffset: number, srcStride: number, dst: Ptr, dstOffset: number, dstStride: number, rows: number, cols: number, accumulate: boolean): void;
  axpy(ctx: NativeContext, y: Ptr, x: Ptr, n: number, alpha: number): void;
  scale(ctx: NativeContext, x: Ptr, n: number, alpha: number): void;
  mul(ctx: NativeContext, out: Ptr, a: Ptr, b: Ptr, n: number): void;
  clip(ctx: NativeContext, x: Ptr, n: number, limit: number): void;
  sumSquares(ctx: NativeContext, x: Ptr, n: number, out: Ptr): void;
  sumRows(ctx: NativeContext, x: Ptr, rows: number, cols: number, out: Ptr, accumulate: boolean): void;
  activation(ctx: NativeContext, op: number, x: Ptr, out: Ptr, n: number): void;
  activationBackward(ctx: NativeContext, op: number, y: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  softmax(ctx: NativeContext, x: Ptr, out: Ptr, rows: number, cols: number, invTemperature: number): void;
  loss(ctx: NativeContext, p: { kind: number; pred: Ptr; target: Ptr; weights: Ptr | null; n: number; c: number; delta: number; loss: Ptr; grad: Ptr | null }): void;
  optimizer(
    ctx: NativeContext,
    p: {
      kind: number; param: Ptr; grad: Ptr; s0: Ptr | null; s1: Ptr | null; n: number;
      lr: number; wd: number; momentum: number; dampening: number; beta1: number; beta2: number; alpha: number; eps: number;
      stepSize: number; bc2Sqrt: number; nesterov: boolean; firstStep: boolean;
    },
  ): void;
  gather(ctx: NativeContext, table: Ptr, indices: Int32Array, dim: number, out: Ptr): void;
  scatterAdd(ctx: NativeContext, grad: Ptr, indices: Int32Array, dim: number, dTable: Ptr): void;
  cacheSize(shape: NativeCellShape): number;
  cellForward(
    ctx: NativeContext,
    p: NativeCellShape & { x: Ptr; wIh: Ptr; wHh: Ptr; bIh: Ptr | null; bHh: Ptr | null; h0: Ptr | null; c0: Ptr | null; y: Ptr; hN: Ptr; cN: Ptr | null; cache: Ptr | null },
  ): void;
  cellBackward(
    ctx: NativeContext,
    p: NativeCellShape & {
      x: Ptr; wIh: Ptr; wHh: Ptr; cache: Ptr; dy: Ptr | null; dhN: Ptr | null; dcN: Ptr | null; dx: Ptr | null;
      dWih: Ptr; dWhh: Ptr; dbIh: Ptr | null; dbHh: Ptr | null; dh0: Ptr | null; dc0: Ptr | null;
    },
  ): void;
}

/** The result of trying to load the addon. */
export type AddonLoad = NativeAddonLoad<NativeAddon>;

const REQUIRED: readonly (keyof NativeAddon)[] = ['probe', 'create', 'destroy', 'alloc', 'free', 'read', 'sync', 'gemm', 'cellForward', 'cellBackward'];

const loader = createAddonLoader<NativeAddon>({
  moduleUrl: import.meta.url,
  file: 'recur_cuda.node',
  envVar: 'RECUR_CUDA_ADDON',
  required: REQUIRED,
  buildHint: 'run `pnpm --filter @recur/backend-cuda build` on a machine with nvcc and cuBLAS',
});

/** Where the addon and the build status live (`RECUR_CUDA_ADDON` overrides the addon path). */
export const addonPaths = loader.paths;
/** Try to load the addon at `addonPath` (never throws). */
export const loadAddonFrom = loader.loadFrom;
/** Load the addon once per process. */
export const loadAddon = loader.load;
