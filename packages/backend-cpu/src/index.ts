/**
 * @recur/backend-cpu: the reference CPU backend, plain TypeScript on Float32Array, with a
 * float64 mode that serves as the conformance suite's oracle.
 *
 * @packageDocumentation
 */
/** Re-exported from `@recur/backend`, where the one class every backend throws lives. */
export { BackendDestroyedError } from '@recur/backend';
export { createCpuBackend, type CpuBackendOptions } from './backend.js';
export { registerCpuBackend } from './register.js';
export { BACKEND_PACKAGE_INFO, CPU_CAPABILITIES } from './package-info.js';
