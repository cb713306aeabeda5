/// <reference types="@webgpu/types" />
/**
 * @recur/backend-webgpu: recur's own WGSL kernels, in browsers (`navigator.gpu`) and in Node
 * (the `webgpu` package, Dawn).
 *
 * @packageDocumentation
 */
export { createWebgpuBackend, maxHiddenFor } from './create-webgpu-backend.js';
export { explainDawnOutput } from './dawn-diagnostics.js';
export { registerWebgpuBackend, probeWebgpu, WEBGPU_PRIORITY, SOFTWARE_ADAPTER_PRIORITY } from './register.js';
export type { WebgpuBackendOptions } from './acquire-device.js';
export { BackendDestroyedError, DeviceLimitError, WebgpuError } from './errors.js';
export { bucketSize } from './buffer-pool.js';
export { BACKEND_PACKAGE_INFO, WEBGPU_CAPABILITIES } from './package-info.js';
