/**
 * Opt-in registration (nothing registers on import) and the cheap availability probe.
 */
import { registerBackend, type Availability } from '@recur/backend';
import { createCudaBackend, type CudaBackendOptions } from './backend.js';
import { driverReason } from './cuda-errors.js';
import { loadAddon } from './native.js';

/**
 * Whether the CUDA backend can run here, and if not, why: the addon is not built (with the reason
 * the build recorded), it fails to load, or the driver reports no usable device (e.g.
 * `CUDA driver: CUDA driver version is insufficient for CUDA runtime version (cudaErrorInsufficientDriver, error 35; …)`).
 * Never throws.
 */
export function probeCuda(options: CudaBackendOptions = {}): Availability {
  const load = loadAddon();
  if (!load.ok) return { available: false, reason: load.reason };
  try {
    const p = load.addon.probe();
    if (p.code !== 0) return { available: false, reason: driverReason(p.code, p.name, p.message, p.driverVersion, p.runtimeVersion) };
    if (p.deviceCount === 0) return { available: false, reason: 'CUDA driver: no CUDA-capable device is present' };
    const device = options.device ?? 0;
    if (device >= p.deviceCount) return { available: false, reason: `device ${device} does not exist; this machine has ${p.deviceCount} CUDA device(s)` };
    return { available: true };
  } catch (e) {
    return { available: false, reason: `the CUDA probe failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Register the CUDA backend as `'cuda'` (priority 30), so `useBackend('cuda')` and
 * `selectBackend(['auto'])` can find it and `listBackends()` shows why it is unavailable.
 */
export function registerCudaBackend(options: CudaBackendOptions = {}): void {
  registerBackend('cuda', {
    create: () => createCudaBackend(options),
    probe: () => probeCuda(options),
    priority: 30,
    description: 'NVIDIA GPU: recur CUDA kernels + cuBLAS through a Node-API addon (float32).',
  });
}
