/**
 * Opt-in registration (nothing registers on import) and the cheap availability probe.
 */
import { registerBackend, type Availability } from '@recur/backend';
import { createOnednnBackend, type OnednnBackendOptions } from './backend.js';
import { loadAddon } from './native.js';

/** Registry priority: above wasm (10) and cpu (0), below webgpu on a hardware adapter (20) and cuda (30), so `auto` picks it on a Node server without a GPU. */
export const ONEDNN_PRIORITY = 15;

/** Registry priority of `'onednn-1thread'`: just below `'onednn'`, so `auto` picks the threaded one. */
export const ONEDNN_1THREAD_PRIORITY = 14;

/**
 * Whether the oneDNN backend can run here, and if not, why (the addon is not built, with the reason
 * the build recorded, or it fails to load, e.g. when libdnnl.so is gone). Never throws.
 */
export function probeOnednn(): Availability {
  const load = loadAddon();
  if (!load.ok) return { available: false, reason: load.reason };
  try {
    load.addon.version();
    return { available: true };
  } catch (e) {
    return { available: false, reason: `the oneDNN probe failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Register the oneDNN backend as `'onednn'` (with `options`), and the same backend on one thread as
 * `'onednn-1thread'`, so `useBackend('onednn')` and `selectBackend(['auto'])` can find it and
 * `listBackends()` shows why it is unavailable.
 */
export function registerOnednnBackend(options: OnednnBackendOptions = {}): void {
  registerBackend('onednn', {
    create: () => createOnednnBackend(options),
    probe: () => probeOnednn(),
    priority: ONEDNN_PRIORITY,
    description: 'CPU through oneDNN (RNN primitives, sgemm, OpenMP threads) in a Node-API addon (float32).',
  });
  registerBackend('onednn-1thread', {
    create: () => createOnednnBackend({ ...options, threads: 1 }),
    probe: () => probeOnednn(),
    priority: ONEDNN_1THREAD_PRIORITY,
    description: 'oneDNN on one OpenMP thread (one model per core, or a busy machine).',
  });
}
