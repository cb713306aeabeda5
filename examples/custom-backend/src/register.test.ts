import { afterEach, describe, expect, it } from 'vitest';
import { listBackends, resetRegistry, useBackend } from '@recur/backend';
import { registerFloat64Backend } from './index.js';

afterEach(() => resetRegistry());

describe('custom backend registration', () => {
  it('registers itself and useBackend selects it', async () => {
    registerFloat64Backend();
    const rows = await listBackends();
    expect(rows.find((r) => r.name === 'naive-f64')).toMatchObject({ available: true });
    const backend = await useBackend('naive-f64');
    expect(backend.name).toBe('naive-f64');
    expect(backend.capabilities.precision).toBe('float64');
    const t = backend.upload([1, 2, 3], [3]);
    expect(Array.from(await backend.read(t))).toEqual([1, 2, 3]);
    backend.dispose(t);
    expect(backend.memory().liveTensors).toBe(0);
  });
});
