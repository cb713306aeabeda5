import { defineConfig } from 'tsup';

// ESM only: the suite imports vitest, which cannot be loaded with require().
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
