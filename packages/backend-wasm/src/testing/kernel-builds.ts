/**
 * Test support: the kernel builds to run the numeric tests against. The relaxed-SIMD build needs a
 * runtime with relaxed SIMD; Node 20 has it behind `--experimental-wasm-relaxed-simd`, which is
 * switched on here (for this test process only) so both builds are always tested.
 */
import { setFlagsFromString } from 'node:v8';
import { relaxedSimdSupported } from '../load-wasm.js';
import { ensureWasmBuilt, RELAXED_THREADS_WASM_PATH, RELAXED_WASM_PATH, THREADS_WASM_PATH } from './ensure-wasm.js';

export interface KernelBuildUnderTest {
  readonly name: 'baseline' | 'relaxed';
  readonly path: string;
  /** The shared-memory build of the same kernels (for `wasmThreads`). */
  readonly threadsPath: string;
}

/** Baseline always; relaxed where the runtime can be made to validate it. */
export function kernelBuilds(): KernelBuildUnderTest[] {
  const baseline = ensureWasmBuilt();
  if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  const builds: KernelBuildUnderTest[] = [{ name: 'baseline', path: baseline, threadsPath: THREADS_WASM_PATH }];
  if (relaxedSimdSupported()) builds.push({ name: 'relaxed', path: RELAXED_WASM_PATH, threadsPath: RELAXED_THREADS_WASM_PATH });
  return builds;
}
