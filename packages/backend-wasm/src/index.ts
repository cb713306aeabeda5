/**
 * @recur/backend-wasm: recur's own WASM-SIMD kernels (AssemblyScript).
 *
 * @packageDocumentation
 */
export {};
