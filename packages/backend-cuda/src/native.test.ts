// Loading the addon never throws: a missing file reports the reason the build recorded, and a file
// that is not a loadable addon reports the loader's error.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addonPaths, loadAddonFrom } from './native.js';

const dir = mkdtempSync(join(tmpdir(), 'recur-cuda-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadAddonFrom', () => {
  it('reports the build status reason when the addon file is missing', () => {
    const status = join(dir, 'addon-status.json');
    writeFileSync(status, JSON.stringify({ built: false, reason: 'cuBLAS was not found in the CUDA toolkit at /usr/local/cuda' }));
    const r = loadAddonFrom(join(dir, 'Release', 'recur_cuda.node'), status);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe('the native addon is not built (cuBLAS was not found in the CUDA toolkit at /usr/local/cuda)');
  });

  it('says how to build when there is neither an addon nor a status file', () => {
    const r = loadAddonFrom(join(dir, 'nowhere', 'recur_cuda.node'), join(dir, 'nowhere', 'addon-status.json'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/does not exist; run `pnpm --filter @recur\/backend-cuda build` on a machine with nvcc and cuBLAS/);
  });

  it('ignores a corrupt status file', () => {
    const status = join(dir, 'bad-status.json');
    writeFileSync(status, '{ not json');
    const r = loadAddonFrom(join(dir, 'missing.node'), status);
    expect(!r.ok && r.reason).toMatch(/does not exist/);
  });

  it('reports a file that is not a shared library as a load failure, not a crash', () => {
    mkdirSync(join(dir, 'Release'), { recursive: true });
    const bogus = join(dir, 'Release', 'bogus.node');
    writeFileSync(bogus, 'this is not an ELF file');
    const r = loadAddonFrom(bogus, join(dir, 'addon-status.json'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^the native addon at .*bogus\.node failed to load: /);
  });

  it('resolves the addon inside the package, or where RECUR_CUDA_ADDON points', () => {
    const old = process.env.RECUR_CUDA_ADDON;
    try {
      delete process.env.RECUR_CUDA_ADDON;
      expect(addonPaths().addon).toMatch(/backend-cuda[/\\]build[/\\]Release[/\\]recur_cuda\.node$/);
      expect(addonPaths().status).toMatch(/backend-cuda[/\\]build[/\\]addon-status\.json$/);
      process.env.RECUR_CUDA_ADDON = join(dir, 'x', 'Release', 'recur_cuda.node');
      expect(addonPaths().status).toBe(join(dir, 'x', 'addon-status.json'));
    } finally {
      if (old === undefined) delete process.env.RECUR_CUDA_ADDON;
      else process.env.RECUR_CUDA_ADDON = old;
    }
  });
});
