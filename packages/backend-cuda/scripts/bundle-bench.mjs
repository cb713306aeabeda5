#!/usr/bin/env node
// Bundles bench/cuda-bench.mjs with this package and its workspace dependencies into one file,
// build/gpu-check/cuda-bench.js, so a GPU machine without the installed workspace (no node_modules)
// needs only node, this file and build/Release/recur_cuda.node (set RECUR_CUDA_ADDON to it).
// Run after `pnpm --filter @recur/backend-cuda build` (the bench imports dist/index.js).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = (name) => join(pkg, '..', name, 'src', 'index.ts');
await build({
  entry: { 'cuda-bench': join(pkg, 'bench', 'cuda-bench.mjs') },
  outDir: join(pkg, 'build', 'gpu-check'),
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: false,
  dts: false,
  clean: true,
  silent: true,
  noExternal: [/.*/],
  esbuildOptions(options) {
    options.alias = {
      '@recur/backend': src('backend'),
      '@recur/backend-cpu': src('backend-cpu'),
    };
  },
});
console.log(`bundled ${join(pkg, 'build', 'gpu-check', 'cuda-bench.js')}`);
