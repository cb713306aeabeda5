import { defineConfig } from 'tsup';

// recur.wasm is written into dist/ by scripts/build-wasm.mjs after tsup (tsup's `clean` empties
// dist/ first). `shims: true` gives the CJS build a working `import.meta.url`, which locates it.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
});
