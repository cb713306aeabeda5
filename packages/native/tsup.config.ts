import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // loadAddon requires the addon through createRequire(import.meta.url); shims provide it in the CJS build.
  shims: true,
});
