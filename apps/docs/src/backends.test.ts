import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '@recur/backend';
import { withAvailableBackends } from './backends.js';

describe('demo backends: an unavailable one names those that run', () => {
  it('fills the empty list a factory throws with with the demo backends that run here', async () => {
    const fromFactory = new BackendUnavailableError('webgpu', 'navigator.gpu granted no WebGPU adapter', []);
    const e = (await withAvailableBackends(fromFactory, async (n) => n !== 'webgpu')) as BackendUnavailableError;
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect(e.name).toBe('BackendUnavailableError');
    expect(e.available).toEqual(['cpu', 'wasm']);
    expect(`${e.name}: ${e.message}`).toBe('BackendUnavailableError: Backend "webgpu" is unavailable: navigator.gpu granted no WebGPU adapter. Available backends: cpu, wasm.');
  });

  it('leaves other errors, and lists that are already filled, alone', async () => {
    const other = new Error('boom');
    expect(await withAvailableBackends(other, async () => true)).toBe(other);
    const filled = new BackendUnavailableError('wasm', 'no SIMD', ['cpu']);
    expect(await withAvailableBackends(filled, async () => true)).toBe(filled);
  });
});
