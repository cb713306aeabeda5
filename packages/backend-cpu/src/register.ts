/**
 * Opt-in registration: nothing registers on import.
 */
import { registerBackend } from '@recur/backend';
import { createCpuBackend, type CpuBackendOptions } from './backend.js';

/**
 * Register the CPU backend as `'cpu'` (priority 0) so `useBackend('cpu')` and
 * `selectBackend(['auto'])` can find it. Always available.
 */
export function registerCpuBackend(options: CpuBackendOptions = {}): void {
  registerBackend('cpu', {
    create: () => createCpuBackend(options),
    probe: () => ({ available: true }),
    priority: 0,
    description: `Plain TypeScript on ${options.precision === 'float64' ? 'Float64Array' : 'Float32Array'}; the reference backend.`,
  });
}
