#!/usr/bin/env node
// Compiles the AssemblyScript kernels in assembly/ (SIMD128, -O3, no GC runtime) into two files:
//   dist/recur.wasm          baseline WebAssembly SIMD (every runtime with SIMD128)
//   dist/recur-relaxed.wasm  the same kernels with relaxed SIMD (fused multiply-add in the GEMM
//                            inner loops); loaded instead where the runtime validates it.
// Run by `pnpm build` (after tsup, whose `clean` empties dist/) and by the tests when a file is
// missing or older than its sources. Usage: node scripts/build-wasm.mjs
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist'), { recursive: true });
const targets = [
  { file: 'recur.wasm', features: ['simd', 'threads'], shared: false },
  { file: 'recur-relaxed.wasm', features: ['simd', 'relaxed-simd', 'threads'], shared: false },
  { file: 'recur-threads.wasm', features: ['simd', 'threads'], shared: true },
  { file: 'recur-relaxed-threads.wasm', features: ['simd', 'relaxed-simd', 'threads'], shared: true },
];
for (const { file, features, shared } of targets) {
  // write to a temporary name and rename: test workers that build concurrently never read a partial file
  const tmp = join(root, 'dist', `.${file}.${process.pid}.tmp`);
  const { error, stderr } = await asc.main(
    [
      join(root, 'assembly/index.ts'),
      '--outFile', tmp,
      '--optimizeLevel', '3',
      '--shrinkLevel', '0',
      '--runtime', 'stub',
      '--noAssert',
      '--importMemory',
      // shared memory must declare a maximum: the wasm32 limit (the host picks its own, lower one)
      ...(shared ? ['--sharedMemory', '--maximumMemory', '65536'] : []),
      ...features.flatMap((f) => ['--enable', f]),
    ],
    {},
  );
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${file}: ${error.message}`);
    process.exit(1);
  }
  renameSync(tmp, join(root, 'dist', file));
  console.log(`build-wasm: wrote dist/${file}`);
}
