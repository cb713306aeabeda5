/**
 * Loading the optional native addon (`build/Release/recur_cuda.node`) and the shape of its API.
 * When the addon is absent, the reason recorded by the build (`build/addon-status.json`) becomes the
 * reason the `cuda` backend is unavailable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Arguments of the native cell kernels (cell: 0 rnn-tanh, 1 rnn-relu, 2 lstm, 3 gru). */
export interface NativeCellShape {
  readonly cell: number;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly reverse: boolean;
  readonly yStride: number;
  readonly yOffset: number;
  readonly lengths: Int32Array | null;
}

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
export type AddonLoad = { readonly ok: true; readonly addon: NativeAddon; readonly path: string } | { readonly ok: false; readonly reason: string; readonly path: string };

/** The package root (this file is src/native.ts, or bundled into dist/index.*). */
function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** Where the addon and the build status live (`RECUR_CUDA_ADDON` overrides the addon path). */
export function addonPaths(): { addon: string; status: string } {
  const root = packageRoot();
  const addon = process.env.RECUR_CUDA_ADDON ? resolve(process.env.RECUR_CUDA_ADDON) : join(root, 'build', 'Release', 'recur_cuda.node');
  return { addon, status: join(dirname(dirname(addon)), 'addon-status.json') };
}

/** The reason the build recorded for not building the addon, if any. */
function recordedReason(statusPath: string): string | null {
  if (!existsSync(statusPath)) return null;
  try {
    const status = JSON.parse(readFileSync(statusPath, 'utf8')) as { built?: boolean; reason?: string };
    return typeof status.reason === 'string' && status.reason.length > 0 ? status.reason : null;
  } catch {
    return null;
  }
}

const REQUIRED: readonly (keyof NativeAddon)[] = ['probe', 'create', 'destroy', 'alloc', 'free', 'read', 'sync', 'gemm', 'cellForward', 'cellBackward'];

/** Try to load the addon at `addonPath` (never throws). */
export function loadAddonFrom(addonPath: string, statusPath: string): AddonLoad {
  if (!existsSync(addonPath)) {
    const why = recordedReason(statusPath);
    return {
      ok: false,
      path: addonPath,
      reason: `the native addon is not built (${why ?? `${addonPath} does not exist; run \`pnpm --filter @recur/backend-cuda build\` on a machine with nvcc and cuBLAS`})`,
    };
  }
  try {
    const req = createRequire(import.meta.url);
    const addon = req(addonPath) as NativeAddon;
    const missing = REQUIRED.filter((k) => typeof addon[k] !== 'function');
    if (missing.length > 0) return { ok: false, path: addonPath, reason: `the native addon at ${addonPath} lacks ${missing.join(', ')}; rebuild it` };
    return { ok: true, addon, path: addonPath };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, path: addonPath, reason: `the native addon at ${addonPath} failed to load: ${msg}` };
  }
}

let cached: AddonLoad | undefined;

/** Load the addon once per process. */
export function loadAddon(): AddonLoad {
  if (cached === undefined) {
    const { addon, status } = addonPaths();
    cached = loadAddonFrom(addon, status);
  }
  return cached;
}
