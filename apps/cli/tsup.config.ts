import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library entry: the command definitions (plain data) and the programmatic runner.
    entry: ['src/index.ts', 'src/spec.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
  },
  {
    // The `recur` executable, and the child process that probes GPU backends (backends.ts).
    entry: ['src/bin.ts', 'src/probe-child.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
