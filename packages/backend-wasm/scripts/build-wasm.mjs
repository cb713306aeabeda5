#!/usr/bin/env node
// Compiles the AssemblyScript kernels in assembly/ to dist/recur.wasm (SIMD128, -O3, no GC runtime).
// Run by `pnpm build` (after tsup, whose `clean` empties dist/) and by the tests when the file is
// missing or older than its sources. Usage: node scripts/build-wasm.mjs
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist'), { recursive: true });
const { error, stderr } = await asc.main(
  [
    join(root, 'assembly/index.ts'),
    '--outFile', join(root, 'dist/recur.wasm'),
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    '--runtime', 'stub',
    '--noAssert',
    '--importMemory',
    '--enable', 'simd',
  ],
  {},
);
if (error) {
  console.error(stderr.toString());
  console.error(`build-wasm: ${error.message}`);
  process.exit(1);
}
console.log('build-wasm: wrote dist/recur.wasm');
