import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverBackendPackages } from './discover-backends.js';
import { repoRoot } from './paths.js';

describe('backend discovery', () => {
  it('finds every built backend package of the repository through its BACKEND_PACKAGE_INFO', async () => {
    const found = await discoverBackendPackages(repoRoot);
    const names = found.flatMap((f) => ('info' in f ? f.info.variants.map((v) => v.name) : []));
    for (const name of ['cpu', 'wasm', 'webgpu', 'cuda', 'onednn', 'onednn-1thread', 'tfjs-cpu', 'tfjs-wasm']) expect(names).toContain(name);
    for (const f of found) if (!('info' in f)) console.warn(`[bench] ${f.name}: ${f.problem}`);
  });

  it('reports a backend package that is not built, or declares nothing, instead of skipping it silently', async () => {
    const root = mkdtempSync(join(tmpdir(), 'recur-discover-'));
    try {
      const pkg = (dir: string, manifest: object, entry?: string) => {
        mkdirSync(join(root, 'packages', dir, 'dist'), { recursive: true });
        writeFileSync(join(root, 'packages', dir, 'package.json'), JSON.stringify(manifest));
        if (entry) writeFileSync(join(root, 'packages', dir, 'dist', 'index.js'), entry);
      };
      pkg('backend-a', { name: '@recur/backend-a', exports: { '.': { import: './dist/index.js' } } });
      pkg('backend-b', { name: '@recur/backend-b', module: './dist/index.js' }, 'export const x = 1;\n');
      pkg('backend-c', { name: '@recur/backend-c', module: './dist/index.js' }, "export const BACKEND_PACKAGE_INFO = { package: '@recur/backend-c', variants: [{ name: 'c' }], register() {} };\n");
      pkg('data', { name: '@recur/data', module: './dist/index.js' }, 'export const y = 2;\n');
      const found = await discoverBackendPackages(root);
      expect(found.map((f) => ('info' in f ? f.info.package : `${f.name}: ${f.problem}`))).toEqual([
        '@recur/backend-a: not built (packages/backend-a/dist/index.js is missing): run `pnpm build`',
        '@recur/backend-b: exports no BACKEND_PACKAGE_INFO (see docs/contributing/add-a-backend.md)',
        '@recur/backend-c',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
