/**
 * Finding a GPU: `navigator.gpu` in browsers, the `webgpu` npm package (Dawn) in Node, or
 * objects the caller passes in. Requests the adapter's own limits for the few that matter,
 * so large models get as much as the hardware allows.
 */
import { BackendUnavailableError } from '@recur/backend';

/** Options of `createWebgpuBackend`. */
export interface WebgpuBackendOptions {
  /** A `GPU` object (Node: `create([])` from the `webgpu` package). Default: `navigator.gpu`, then the `webgpu` package. */
  readonly gpu?: GPU;
  /** Use this adapter instead of requesting one. */
  readonly adapter?: GPUAdapter;
  /** Use this device (the backend does not destroy it on `destroy()`). */
  readonly device?: GPUDevice;
  /** Passed to `requestAdapter`. */
  readonly powerPreference?: GPUPowerPreference;
  /**
   * GEMM kernel: `tiled` (16×16 tiles in workgroup memory), `direct` (no barriers; one
   * invocation per output), or `auto` (default: direct for thin products and on CPU-emulated
   * adapters such as SwiftShader, tiled otherwise). For tuning and tests.
   */
  readonly gemmKernel?: 'auto' | 'tiled' | 'direct';
}

/** Limits recur asks for at the adapter's maximum. */
export const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;

/** The least the kernels need (the WebGPU defaults are all above these). */
export const MINIMUM_LIMITS: Readonly<Record<string, number>> = {
  maxStorageBuffersPerShaderStage: 7,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 16,
  maxComputeWorkgroupStorageSize: 4096,
};

/** A device and who owns it. */
export interface AcquiredDevice {
  readonly device: GPUDevice;
  /** True when recur requested the device and should destroy it. */
  readonly owned: boolean;
  /** Adapter description for diagnostics ('' when unknown). */
  readonly description: string;
  /**
   * The GPU and adapter objects the device came from. The backend keeps them referenced for its
   * lifetime: when Dawn's GPU instance is garbage-collected before its device, Node can crash at exit.
   */
  readonly owners: readonly unknown[];
  /** `adapter.info`, when known. */
  readonly info: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean } | null;
}

const NAME = 'webgpu';

/** Why WebGPU cannot be used, or the GPU object. */
export type GpuLookup = { readonly gpu: GPU } | { readonly reason: string };

/** Why importing the `webgpu` package failed, in words for `listBackends()`. */
export function dawnImportFailure(error: unknown): string {
  const msg = error instanceof Error ? error.message : String(error);
  if (/cannot find (module|package)|ERR_MODULE_NOT_FOUND|Failed to resolve/i.test(msg)) {
    return 'no navigator.gpu, and the `webgpu` npm package (Dawn for Node) is not installed: `npm i webgpu`';
  }
  return `no navigator.gpu, and the \`webgpu\` package failed to load: ${msg}`;
}

/**
 * Load `create` from the `webgpu` package without a static import (it is an optional peer).
 * Dawn's globals (GPUBufferUsage, …) are not installed on globalThis: the backend does not need them.
 */
async function importDawn(): Promise<GpuLookup> {
  const specifier = 'webgpu';
  let mod: { create?: (flags: string[]) => GPU; default?: unknown };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
  } catch (e) {
    return { reason: dawnImportFailure(e) };
  }
  const m = (mod.create ? mod : (mod.default as typeof mod | undefined)) ?? mod;
  if (typeof m.create !== 'function') return { reason: 'the `webgpu` package does not export create()' };
  return { gpu: m.create([]) };
}

/** The GPU object to use: the option, `navigator.gpu`, or Dawn. */
export async function findGpu(options: WebgpuBackendOptions = {}): Promise<GpuLookup> {
  if (options.gpu) return { gpu: options.gpu };
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu };
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode) return { reason: `this browser has no navigator.gpu: ${BROWSER_ENABLE_WEBGPU}` };
  return importDawn();
}

/** How to turn WebGPU on in a browser (the hint a browser user can act on). */
export const BROWSER_ENABLE_WEBGPU =
  'WebGPU needs a secure context (https or localhost) and a browser that enables it: Chrome/Edge 113+ on Windows, macOS and ChromeOS (on Linux, enable chrome://flags/#enable-unsafe-webgpu and chrome://flags/#enable-vulkan), Safari 26+ (older: Develop → Feature Flags → WebGPU), Firefox 141+ on Windows (elsewhere: about:config → dom.webgpu.enabled)';

/**
 * Why there is no adapter, with a hint that fits the runtime: in a browser, how to enable WebGPU
 * there; in Node, how to give Dawn a Vulkan driver.
 */
export function adapterHint(runtime: 'node' | 'browser' = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string' ? 'node' : 'browser'): string {
  if (runtime === 'browser') return `navigator.gpu granted no WebGPU adapter (the GPU may be blocklisted or WebGPU disabled). ${BROWSER_ENABLE_WEBGPU}`;
  return 'no WebGPU adapter was found (on Linux without a GPU, install Debian\'s chromium and libvulkan1 and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for SwiftShader)';
}

/** Request an adapter; resolves to it or to the reason there is none. */
export async function findAdapter(options: WebgpuBackendOptions = {}): Promise<{ adapter: GPUAdapter; gpu: GPU | null } | { reason: string }> {
  if (options.adapter) return { adapter: options.adapter, gpu: options.gpu ?? null };
  const found = await findGpu(options);
  if ('reason' in found) return found;
  let adapter: GPUAdapter | null;
  try {
    adapter = await found.gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  } catch (e) {
    return { reason: `requestAdapter() failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return adapter ? { adapter, gpu: found.gpu } : { reason: adapterHint() };
}

/** A device with the limits recur needs, or a BackendUnavailableError that says why not. */
export async function acquireDevice(options: WebgpuBackendOptions = {}): Promise<AcquiredDevice> {
  if (options.device) {
    checkMinimums(options.device.limits);
    return { device: options.device, owned: false, description: 'caller-provided device', owners: [options.gpu, options.adapter], info: options.adapter?.info ?? null };
  }
  const found = await findAdapter(options);
  if ('reason' in found) throw new BackendUnavailableError(NAME, found.reason, []);
  const { adapter } = found;
  checkMinimums(adapter.limits);
  const requiredLimits: Record<string, number> = {};
  for (const k of REQUESTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, label: 'recur' });
  } catch (e) {
    throw new BackendUnavailableError(NAME, `requestDevice() failed: ${e instanceof Error ? e.message : String(e)}`, []);
  }
  const info = (adapter as { info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean } }).info ?? null;
  const description = [info?.vendor, info?.architecture, info?.description].filter((s) => s).join(' ');
  return { device, owned: true, description, owners: [found.gpu, adapter], info };
}

function checkMinimums(limits: GPUSupportedLimits): void {
  for (const [k, min] of Object.entries(MINIMUM_LIMITS)) {
    const v = (limits as unknown as Record<string, number | undefined>)[k];
    if (typeof v === 'number' && v < min) {
      throw new BackendUnavailableError(NAME, `the adapter's ${k} is ${v}; recur's kernels need at least ${min}`, []);
    }
  }
}
