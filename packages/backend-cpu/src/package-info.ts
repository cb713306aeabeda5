/** The static description of this package (docs pages, benchmark discovery). */
import type { BackendPackageInfo } from '@recur/backend';
import { CPU_CAPABILITIES } from './capabilities.js';
import { registerCpuBackend } from './register.js';


/** `@recur/backend-cpu`, described for tools: registry name, capabilities, where it runs. */
export const BACKEND_PACKAGE_INFO: BackendPackageInfo = {
  package: '@recur/backend-cpu',
  title: 'CPU',
  summary: 'Plain TypeScript on Float32Array: runs everywhere JavaScript runs, and is the reference every other backend is tested against (its float64 mode is the conformance oracle).',
  runsIn: ['Node 20+, Deno, Bun', 'every browser, in the page or a Web Worker', 'no native code, no WebAssembly, nothing to configure'],
  install: ['npm install @recur/core @recur/backend-cpu'],
  variants: [{ name: 'cpu', priority: 0, capabilities: CPU_CAPABILITIES, capabilityNotes: "`createCpuBackend({ precision: 'float64' })` computes in float64 (the conformance oracle)." }],
  register: () => registerCpuBackend(),
};

export { CPU_CAPABILITIES };
