import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The loaders locate data files with createRequire(import.meta.url); shims give the CJS
  // build an import.meta.url.
  shims: true,
});
