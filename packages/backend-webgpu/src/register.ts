/**
 * Opt-in registration: nothing registers on import.
 */
import { registerBackend, type Availability } from '@recur/backend';
import { findAdapter, type WebgpuBackendOptions } from './acquire-device.js';
import { createWebgpuBackend } from './create-webgpu-backend.js';

/**
 * Whether WebGPU can run here: a GPU object (`navigator.gpu`, or the `webgpu` package in Node)
 * and an adapter. The reason says which is missing.
 */
export async function probeWebgpu(options: WebgpuBackendOptions = {}): Promise<Availability> {
  if (options.device) return { available: true };
  const found = await findAdapter(options);
  if ('reason' in found) return { available: false, reason: found.reason };
  // A software adapter (SwiftShader, WARP, lavapipe) emulates the GPU on the CPU: it works, but
  // recur's WASM kernels are far faster there, so `selectBackend(['auto'])` must not prefer it.
  const info = (found.adapter as { info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string } }).info;
  const label = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  if (info?.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|warp|software/i.test(label)) {
    return { available: true, priority: SOFTWARE_ADAPTER_PRIORITY, note: `software adapter (${label || 'fallback'}): slower than wasm` };
  }
  return { available: true };
}

/** Priority of WebGPU on a hardware adapter: preferred over wasm (10) and cpu (0). */
export const WEBGPU_PRIORITY = 20;
/** Priority on a software (fallback) adapter: below cpu, so `auto` never picks an emulated GPU. */
export const SOFTWARE_ADAPTER_PRIORITY = -5;

/**
 * Register the WebGPU backend as `'webgpu'` (priority 20). `listBackends()` shows it as
 * unavailable, with the reason, when there is no `navigator.gpu`, the `webgpu` package is
 * missing in Node, or no adapter is found.
 */
export function registerWebgpuBackend(options: WebgpuBackendOptions = {}): void {
  registerBackend('webgpu', {
    create: () => createWebgpuBackend(options),
    probe: () => probeWebgpu(options),
    priority: WEBGPU_PRIORITY,
    description: "recur's own WGSL compute kernels on WebGPU (browsers; Node through the `webgpu` package, Dawn).",
  });
}
