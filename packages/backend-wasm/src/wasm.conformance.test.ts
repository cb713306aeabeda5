// The WASM backend passes the shared conformance suite in full (it declares training, fused
// sequences and variable lengths, so nothing is skipped), with both kernel builds: baseline SIMD
// (recur.wasm) and relaxed SIMD (recur-relaxed.wasm, enabled for this process where Node needs a
// flag). The kernels come from dist/, rebuilt first when missing or stale (testing/ensure-wasm.ts).
import { describeBackendConformance } from '@recur/conformance';
import { createWasmBackend } from './index.js';
import { kernelBuilds } from './testing/kernel-builds.js';

for (const build of kernelBuilds()) {
  describeBackendConformance({
    name: build.name === 'baseline' ? 'wasm' : `wasm (${build.name} build)`,
    create: () => createWasmBackend({ wasm: build.path }),
  });
}
