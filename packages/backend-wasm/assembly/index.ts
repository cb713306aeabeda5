/**
 * recur's WASM-SIMD kernels (AssemblyScript, built with `asc --enable simd -O3 --runtime stub`).
 * Memory is imported from the host, which owns allocation; every pointer argument is a byte offset
 * into it. Nothing here allocates.
 */
export { gemm, gemmScratchBytes } from './gemm';
export { cacheFloats, cellForward, forwardScratchBytes } from './cells';
export { backwardScratchBytes, cellBackward } from './cells-backward';
export { activation, activationBackward, axpy, clip, copy2d, fill, mul, scale, softmax, sumRows, sumSquares } from './elementwise';
export { loss } from './losses';
export { adam, rmsprop, sgd } from './optimizers';

/** First free byte after the module's static data: the host's heap starts here. */
export function heapBase(): usize {
  return __heap_base;
}
