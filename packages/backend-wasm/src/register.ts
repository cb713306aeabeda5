/**
 * Registering the WASM backend with the runtime registry (nothing registers itself on import).
 */
import { registerBackend, type Availability } from '@recur/backend';
import { wasmUnavailableReason } from './load-wasm.js';
import { createWasmBackend, type WasmBackendOptions } from './wasm-backend.js';

/** Registry priority of `wasm`: above `cpu` (0), so `selectBackend(['auto'])` prefers it. */
export const WASM_BACKEND_PRIORITY = 10;

/** Whether the WASM backend can run here (WebAssembly with SIMD128), and if not, why. */
export function probeWasmBackend(): Availability {
  const reason = wasmUnavailableReason();
  return reason === null ? { available: true } : { available: false, reason };
}

/** Register `createWasmBackend(options)` as `'wasm'` (priority 10) with a SIMD probe. */
export function registerWasmBackend(options: WasmBackendOptions = {}): void {
  registerBackend('wasm', {
    create: () => createWasmBackend(options),
    probe: probeWasmBackend,
    priority: WASM_BACKEND_PRIORITY,
    description: "recur's WASM-SIMD kernels (AssemblyScript), float32, fused sequences",
  });
}
