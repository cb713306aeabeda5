/**
 * @recur/backend-cuda: a native CUDA backend for Node. A Node-API addon with recur's CUDA kernels
 * (fused RNN / LSTM / GRU sequences, elementwise, reductions, losses, optimizers) and cuBLAS GEMMs.
 * The addon is optional: where it is not built, or no GPU is usable, the backend reports itself
 * unavailable with the reason.
 *
 * @packageDocumentation
 */
export { createCudaBackend, type CudaBackend, type CudaBackendOptions } from './backend.js';
export { probeCuda, registerCudaBackend } from './register.js';
export { BackendDestroyedError, CudaError } from './cuda-errors.js';
export type { NativeInfo as CudaDeviceInfo } from './native.js';
export { BACKEND_PACKAGE_INFO, CUDA_CAPABILITIES } from './package-info.js';
