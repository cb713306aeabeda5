/**
 * @recur/backend-wasm: recur's own WASM-SIMD kernels (AssemblyScript), implementing the Backend
 * contract with a packed SIMD GEMM, whole-sequence fused RNN/LSTM/GRU kernels, and fused
 * losses and optimizer updates, all inside one linear memory.
 *
 * @packageDocumentation
 */
export { createWasmBackend } from './create-wasm-backend.js';
export { DEFAULT_PARALLEL_MIN_STEP_FLOPS, type WasmBackend, type WasmBackendOptions } from './wasm-options.js';
export { registerWasmBackend, probeWasmBackend, WASM_BACKEND_PRIORITY } from './register.js';
export { relaxedSimdSupported, type KernelBuild, type WasmSource } from './load-wasm.js';
export { WASM_CAPABILITIES } from './capabilities.js';
export { BACKEND_PACKAGE_INFO } from './package-info.js';
export { WorkerKernelError, DEFAULT_THREAD_TIMEOUT_MS } from './worker-pool.js';
