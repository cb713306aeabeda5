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
  return 'reason' in found ? { available: false, reason: found.reason } : { available: true };
}

/**
 * Register the WebGPU backend as `'webgpu'` (priority 20). `listBackends()` shows it as
 * unavailable, with the reason, when there is no `navigator.gpu`, the `webgpu` package is
 * missing in Node, or no adapter is found.
 */
export function registerWebgpuBackend(options: WebgpuBackendOptions = {}): void {
  registerBackend('webgpu', {
    create: () => createWebgpuBackend(options),
    probe: () => probeWebgpu(options),
    priority: 20,
    description: "recur's own WGSL compute kernels on WebGPU (browsers; Node through the `webgpu` package, Dawn).",
  });
}
