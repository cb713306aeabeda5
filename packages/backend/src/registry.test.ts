import { afterEach, describe, expect, it } from 'vitest';
import { normalizeCapabilities } from './capabilities.js';
import { BackendUnavailableError, SpecificationVersionError } from './errors.js';
import {
  currentBackend,
  getBackendRegistration,
  listBackends,
  registerBackend,
  resetRegistry,
  selectBackend,
  useBackend,
} from './registry.js';
import { SPECIFICATION_VERSION, type Backend } from './spec.js';

function fakeBackend(name: string, version: number = SPECIFICATION_VERSION): Backend {
  return {
    specificationVersion: version,
    name,
    id: `${name}#1`,
    capabilities: normalizeCapabilities({}),
    destroy() {},
  } as unknown as Backend;
}

afterEach(() => resetRegistry());

describe('registry', () => {
  it('lists registered backends with availability and reasons, by priority', async () => {
    registerBackend('a', { create: () => fakeBackend('a'), priority: 1 });
    registerBackend('b', { create: () => fakeBackend('b'), priority: 5 });
    registerBackend('gpu', { create: () => fakeBackend('gpu'), probe: () => ({ available: false, reason: 'no adapter' }) });
    const rows = await listBackends();
    expect(rows.map((r) => r.name)).toEqual(['b', 'a', 'gpu']);
    expect(rows[2]).toMatchObject({ available: false, reason: 'no adapter' });
  });

  it('getBackendRegistration returns what was registered, so an application can wrap it', async () => {
    expect(getBackendRegistration('a')).toBeUndefined();
    const create = () => fakeBackend('a');
    registerBackend('a', create);
    expect(getBackendRegistration('a')).toEqual({ create });
    const real = getBackendRegistration('a')!;
    registerBackend('a', { ...real, probe: () => ({ available: false, reason: 'probed elsewhere' }), priority: 7, description: 'wrapped' });
    expect(await listBackends()).toEqual([{ name: 'a', available: false, reason: 'probed elsewhere', priority: 7, description: 'wrapped' }]);
  });

  it('useBackend makes a backend current and reuses the instance', async () => {
    registerBackend('a', () => fakeBackend('a'));
    const first = await useBackend('a');
    expect(currentBackend()).toBe(first);
    expect(await useBackend('a')).toBe(first);
  });

  it('an unknown backend throws BackendUnavailableError listing what is available', async () => {
    registerBackend('a', () => fakeBackend('a'));
    const err = await useBackend('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as BackendUnavailableError).available).toEqual(['a']);
    expect((err as Error).message).toMatch(/Available backends: a/);
  });

  it('a factory that throws BackendUnavailableError is reported with its reason, not its whole message, and the real list', async () => {
    registerBackend('a', () => fakeBackend('a'));
    registerBackend('gpu', () => {
      throw new BackendUnavailableError('gpu', 'no adapter', []);
    });
    const err = (await useBackend('gpu').catch((e: unknown) => e)) as BackendUnavailableError;
    expect(err.message).toBe('Backend "gpu" is unavailable: no adapter. Available backends: a.');
    expect(err.name).toBe('BackendUnavailableError');
  });

  it('a backend whose factory throws is reported unavailable with the reason', async () => {
    registerBackend('broken', () => {
      throw new Error('driver too old (error 35)');
    });
    const rows = await listBackends();
    expect(rows[0]).toMatchObject({ available: false, reason: 'driver too old (error 35)' });
    await expect(useBackend('broken')).rejects.toThrow(/driver too old/);
  });

  it('rejects a backend implementing another contract version', async () => {
    registerBackend('old', () => fakeBackend('old', 0));
    const err = await useBackend('old').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/contract version 0/);
    expect(new SpecificationVersionError('x', 0, 1).code).toBe('E_SPEC_VERSION');
  });

  it('selectBackend takes the first available preference, and auto follows priority', async () => {
    registerBackend('slow', { create: () => fakeBackend('slow'), priority: 0 });
    registerBackend('fast', { create: () => fakeBackend('fast'), priority: 10 });
    registerBackend('gone', { create: () => fakeBackend('gone'), probe: () => ({ available: false, reason: 'missing' }) });
    expect((await selectBackend(['gone', 'slow'])).name).toBe('slow');
    expect((await selectBackend(['auto'])).name).toBe('fast');
    await expect(selectBackend(['gone'])).rejects.toThrow(/gone: missing/);
  });
});

describe('probe-revised priority', () => {
  it('lets a probe demote a backend on this machine, which auto then respects', async () => {
    registerBackend('wasm', { create: () => fakeBackend('wasm'), priority: 10 });
    registerBackend('webgpu', {
      create: () => fakeBackend('webgpu'),
      priority: 20,
      probe: () => ({ available: true, priority: -5, note: 'software adapter' }),
    });
    const rows = await listBackends();
    expect(rows.map((r) => [r.name, r.priority])).toEqual([['wasm', 10], ['webgpu', -5]]);
    expect(rows[1]?.note).toBe('software adapter');
    expect((await selectBackend(['auto'])).name).toBe('wasm');
  });
});

describe('capabilities', () => {
  it('normalises with false defaults', () => {
    expect(normalizeCapabilities({})).toEqual({
      precision: 'float32',
      float64: false,
      training: false,
      fusedSequence: false,
      variableLength: false,
      maxHidden: Number.POSITIVE_INFINITY,
      async: false,
    });
    expect(normalizeCapabilities({ float64: true }).precision).toBe('float64');
  });
});
