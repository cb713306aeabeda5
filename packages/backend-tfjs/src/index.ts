/**
 * @recur/backend-tfjs: run recur on any TensorFlow.js engine (cpu, wasm, webgpu, webgl, and
 * `tensorflow`, i.e. tfjs-node / tfjs-node-gpu). TensorFlow.js and its engines are optional peer
 * dependencies, loaded at run time; nothing registers itself on import.
 *
 * @packageDocumentation
 */
export { BackendDestroyedError } from '@recur/backend';
/**
 * The old name of `BackendDestroyedError` (same class, code `E_BACKEND_DESTROYED`).
 *
 * @deprecated Use `BackendDestroyedError` (from `@recur/backend`); this alias goes in the next minor version.
 */
export { BackendDestroyedError as TfjsBackendDestroyedError } from '@recur/backend';
export {
  createTfjsBackend,
  type TfjsBackend,
  type TfjsBackendOptions,
} from './create-tfjs-backend.js';
export { registerTfjsBackends, probeTfjsEngine, TFJS_PRIORITY, type RegisterTfjsOptions } from './register.js';
export { TfjsUnavailableError } from './load-tfjs.js';
export { ENGINE_PACKAGES, TFJS_CORE_PACKAGE, TFJS_ENGINES, isTfjsEngine, type TfjsEngine } from './engines.js';
export { enginePrecision, tfjsCapabilities } from './capabilities.js';
export type { Tfjs } from './tf-types.js';
export { BACKEND_PACKAGE_INFO, declaredTfjsCapabilities } from './package-info.js';
