/** The static description of this package (docs pages, benchmark discovery). */
import type { BackendPackageInfo, CapabilityDeclaration } from '@recur/backend';
import { registerCpuBackend } from './register.js';

/** What a default (float32) CPU backend declares; `createCpuBackend` builds its manifest from it. */
export const CPU_CAPABILITIES: CapabilityDeclaration = { precision: 'float32', training: true, fusedSequence: true, variableLength: true, async: false };

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
