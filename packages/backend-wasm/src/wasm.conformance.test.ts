// The WASM backend passes the shared conformance suite in full (it declares training, fused
// sequences and variable lengths, so nothing is skipped), with both kernel builds: baseline SIMD
// (recur.wasm) and relaxed SIMD (recur-relaxed.wasm, enabled for this process where Node needs a
// flag), and on 1, 2 and 4 threads (the shared-memory builds with a worker pool; the threshold is
// set to 0 so the suite's small sequences really run on the threads). The kernels come from dist/,
// rebuilt first when missing or stale (testing/ensure-wasm.ts).
import { describeBackendConformance } from '@recur/conformance';
import { createWasmBackend } from './index.js';
import { kernelBuilds } from './testing/kernel-builds.js';

for (const build of kernelBuilds()) {
  for (const threads of [1, 2, 4]) {
    describeBackendConformance({
      name: `wasm (${build.name} build, ${threads} thread${threads > 1 ? 's' : ''})`,
      create: () => createWasmBackend({ wasm: build.path, wasmThreads: build.threadsPath, threads, parallelMinStepFlops: 0 }),
    });
  }
}
