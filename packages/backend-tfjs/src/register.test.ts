/**
 * Registration and availability: engines whose package or runtime is missing report themselves
 * unavailable, and say exactly what to install.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, listBackends, resetRegistry, useBackend } from '@recur/backend';
import { createTfjsBackend, probeTfjsEngine, registerTfjsBackends, TfjsUnavailableError } from './index.js';
import { importOptional } from './load-tfjs.js';

afterAll(() => resetRegistry());

const tfjsNodeImportable = (await importOptional('@tensorflow/tfjs-node')).ok || (await importOptional('@tensorflow/tfjs-node-gpu')).ok;

describe('registerTfjsBackends', () => {
  it('registers the five engines with probes that say why one cannot run', async () => {
    registerTfjsBackends();
    const rows = await listBackends();
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect([...byName.keys()].sort()).toEqual(['tfjs-cpu', 'tfjs-tensorflow', 'tfjs-wasm', 'tfjs-webgl', 'tfjs-webgpu']);
    expect(byName.get('tfjs-cpu')?.available).toBe(true);
    expect(byName.get('tfjs-wasm')?.available).toBe(true);
    // Node has no WebGL, and (without the `webgpu` package set up) no navigator.gpu.
    expect(byName.get('tfjs-webgl')).toMatchObject({ available: false, reason: expect.stringMatching(/WebGL/) });
    if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
      expect(byName.get('tfjs-webgpu')).toMatchObject({ available: false, reason: expect.stringMatching(/navigator\.gpu/) });
    }
    if (!tfjsNodeImportable) {
      expect(byName.get('tfjs-tensorflow')?.available).toBe(false);
      expect(byName.get('tfjs-tensorflow')?.reason).toContain('npm install @tensorflow/tfjs-node-gpu');
      expect(byName.get('tfjs-tensorflow')?.reason).toContain('npm install @tensorflow/tfjs-node');
    }
    // Priorities keep recur's own fused backends (priority ≥ 0) ahead under 'auto'.
    for (const r of rows) expect(r.priority).toBeLessThan(0);
  });

  it('useBackend creates an available engine', async () => {
    registerTfjsBackends({ engines: ['cpu'] });
    const b = await useBackend('tfjs-cpu');
    expect(b.name).toBe('tfjs-cpu');
    const t = b.upload([1, 2], [2]);
    b.scale(t, 2);
    expect(Array.from(await b.read(t))).toEqual([2, 4]);
    b.dispose(t);
  });

  it('rejects an unknown engine name', () => {
    expect(() => registerTfjsBackends({ engines: ['cuda' as never] })).toThrow(/unknown TensorFlow\.js engine/);
  });
});

describe.skipIf(tfjsNodeImportable)('a missing engine package', () => {
  it('createTfjsBackend names the package to npm install', async () => {
    const err = await createTfjsBackend({ engine: 'tensorflow' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TfjsUnavailableError);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    const e = err as TfjsUnavailableError;
    expect(e.code).toBe('E_BACKEND_UNAVAILABLE');
    expect(e.backend).toBe('tfjs-tensorflow');
    expect(e.missingPackage).toBe('@tensorflow/tfjs-node-gpu');
    expect(e.message).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
  });

  it('useBackend reports it unavailable with the reason', async () => {
    registerTfjsBackends({ engines: ['tensorflow'] });
    await expect(useBackend('tfjs-tensorflow')).rejects.toThrow(/npm install @tensorflow\/tfjs-node/);
  });

  it('probeTfjsEngine says so without throwing', async () => {
    const a = await probeTfjsEngine('tensorflow');
    expect(a.available).toBe(false);
  });
});

describe('importOptional', () => {
  it('tells a missing package from one that loads', async () => {
    const missing = await importOptional('@tensorflow/tfjs-backend-does-not-exist');
    expect(missing).toMatchObject({ ok: false, missing: true });
    expect((await importOptional('@tensorflow/tfjs-core')).ok).toBe(true);
  });
});
