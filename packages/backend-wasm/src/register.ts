/**
 * Registering the WASM backend with the runtime registry (nothing registers itself on import).
 */
import { registerBackend, type Availability } from '@recur/backend';
import { threadsUnavailableReason, wasmUnavailableReason } from './load-wasm.js';
import { createWasmBackend } from './create-wasm-backend.js';
import { availableCores, type WasmBackendOptions } from './wasm-options.js';

/** Registry priority of `wasm`: above `cpu` (0), so `selectBackend(['auto'])` prefers it. */
export const WASM_BACKEND_PRIORITY = 10;

/**
 * Whether the WASM backend can run here (WebAssembly with SIMD128), and if not, why. When it can
 * but only on one thread although more were wanted (no `SharedArrayBuffer`: a page that is not
 * cross-origin isolated), the note says so and how to fix it; `listBackends()` shows that note.
 */
export function probeWasmBackend(options: Pick<WasmBackendOptions, 'threads'> = {}): Availability {
  const reason = wasmUnavailableReason();
  if (reason !== null) return { available: false, reason };
  const want = options.threads ?? availableCores();
  if (want > 1) {
    const why = threadsUnavailableReason();
    if (why !== null) return { available: true, note: `single-threaded: ${why}` };
    return { available: true, note: `up to ${Math.min(want, options.threads ?? 8)} threads` };
  }
  return { available: true };
}

/** Register `createWasmBackend(options)` as `'wasm'` (priority 10) with a SIMD probe. */
export function registerWasmBackend(options: WasmBackendOptions = {}): void {
  registerBackend('wasm', {
    create: () => createWasmBackend(options),
    probe: () => probeWasmBackend(options),
    priority: WASM_BACKEND_PRIORITY,
    description: "recur's WASM-SIMD kernels (AssemblyScript), float32, fused sequences",
  });
}
