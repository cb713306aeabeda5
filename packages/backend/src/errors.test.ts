import { describe, expect, it } from 'vitest';
import { BackendDestroyedError, RecurError } from './index.js';

describe('BackendDestroyedError', () => {
  it('is a RecurError with code E_BACKEND_DESTROYED that names the backend and the factory', () => {
    const e = new BackendDestroyedError('cpu#3', 'createCpuBackend');
    expect(e).toBeInstanceOf(RecurError);
    expect(e.code).toBe('E_BACKEND_DESTROYED');
    expect(e.name).toBe('BackendDestroyedError');
    expect(e.backend).toBe('cpu#3');
    expect(e.message).toContain('"cpu#3"');
    expect(e.message).toContain('createCpuBackend');
  });

  it('still says how to recover when no factory is named', () => {
    expect(new BackendDestroyedError('x#1').message).toMatch(/Create a new one .*useBackend/);
  });
});
