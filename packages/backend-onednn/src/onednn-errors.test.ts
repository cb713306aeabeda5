// Native failures become typed recur errors carrying the oneDNN status name; nothing crashes.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfMemoryError, ShapeError } from '@recur/backend';
import { createOnednnBackend, OnednnError, probeOnednn } from './index.js';
import { loadAddon } from './native.js';
import { BackendDestroyedError, mapNativeError } from './onednn-errors.js';

describe('mapNativeError', () => {
  it('maps dnnl_out_of_memory to OutOfMemoryError naming the status', () => {
    const e = mapNativeError({ message: 'oneDNN returned dnnl_out_of_memory', source: 'onednn', status: 1, statusName: 'dnnl_out_of_memory', where: 'lstm_forward' }, 'onednn');
    expect(e).toBeInstanceOf(OutOfMemoryError);
    expect(e.message).toMatch(/dnnl_out_of_memory in lstm_forward/);
  });

  it('maps other oneDNN statuses to OnednnError with the status name and value', () => {
    const e = mapNativeError({ message: 'oneDNN returned dnnl_unimplemented', source: 'onednn', status: 3, statusName: 'dnnl_unimplemented' }, 'onednn');
    expect(e).toBeInstanceOf(OnednnError);
    expect((e as OnednnError).statusName).toBe('dnnl_unimplemented');
    expect((e as OnednnError).status).toBe(3);
    expect((e as OnednnError).code).toBe('E_ONEDNN');
    expect(e.name).toBe('OnednnError');
    expect(mapNativeError({ source: 'recur', statusName: 'E_BACKEND_DESTROYED', message: 'x' }, 'onednn').name).toBe('BackendDestroyedError');
  });

  it('maps the addon’s own codes', () => {
    expect(mapNativeError({ source: 'recur', statusName: 'E_HOST_OUT_OF_MEMORY', message: 'host memory allocation failed' }, 'onednn')).toBeInstanceOf(OutOfMemoryError);
    expect(mapNativeError({ source: 'recur', statusName: 'E_INVALID_TARGET', message: 'row 0 has class 7' }, 'onednn')).toBeInstanceOf(InvalidArgumentError);
    expect(mapNativeError({ source: 'recur', statusName: 'E_BACKEND_DESTROYED', message: 'x' }, 'onednn')).toBeInstanceOf(BackendDestroyedError);
    expect(mapNativeError({ source: 'recur', statusName: 'E_NATIVE_ARGUMENT', message: 'x must be a Float32Array' }, 'onednn')).toBeInstanceOf(OnednnError);
  });
});

describe.skipIf(!probeOnednn().available)('errors from the real addon', () => {
  it('a oneDNN error status from the library surfaces as OnednnError("dnnl_invalid_arguments")', () => {
    const load = loadAddon();
    if (!load.ok) throw new Error(load.reason);
    const ctx = load.addon.create(1);
    let caught: unknown;
    try {
      load.addon.provokeError(ctx);
    } catch (e) {
      caught = mapNativeError(e, 'onednn');
    }
    expect(caught).toBeInstanceOf(OnednnError);
    expect((caught as OnednnError).statusName).toBe('dnnl_invalid_arguments');
    expect((caught as OnednnError).status).toBe(2);
    load.addon.destroy(ctx);
  });

  it('a wrong call into the addon is an error, not an out-of-bounds access', () => {
    const load = loadAddon();
    if (!load.ok) throw new Error(load.reason);
    const ctx = load.addon.create(1);
    const small = new Float32Array(3);
    expect(() => load.addon.gemm(ctx, { transA: false, transB: false, m: 4, n: 4, k: 4, alpha: 1, beta: 0, a: small, b: small, c: small, bias: null })).toThrow(/a has 3 elements, needs 16/);
    load.addon.destroy(ctx);
    expect(() => load.addon.fill(ctx, small, small.length, 1)).toThrow(/destroyed/);
  });

  it('a host allocation that fails is OutOfMemoryError', async () => {
    const b = await createOnednnBackend({ threads: 1 });
    expect(() => b.alloc([1 << 20, 1 << 20, 4])).toThrow(OutOfMemoryError);
    b.destroy();
  });

  it('an invalid cross-entropy class is InvalidArgumentError, thrown synchronously', async () => {
    const b = await createOnednnBackend({ threads: 1 });
    const pred = b.upload([0.1, 0.2, 0.3], [1, 3]);
    const target = b.upload([5], [1]);
    const out = b.alloc([1]);
    expect(() => b.loss({ kind: 'cross-entropy', pred, target, n: 1, c: 3, loss: out, grad: null })).toThrow(InvalidArgumentError);
    b.destroy();
  });

  it('shape errors are thrown before the native call, and use after destroy is typed', async () => {
    const b = await createOnednnBackend({ threads: 1 });
    const x = b.alloc([6, 1, 3]);
    const w = b.alloc([8, 3]);
    const u = b.alloc([8, 2]);
    const y = b.alloc([6, 1, 2]);
    const h = b.alloc([1, 2]);
    const before = b.cachedPrimitives();
    // weight_ih for an LSTM must be [4H, I] = [8, 3]; a [8, 2] one is rejected by the shared checks.
    expect(() => b.cellForward({ cell: 'lstm', T: 6, B: 1, I: 3, H: 2, x, wIh: u, wHh: u, bIh: null, bHh: null, h0: null, y, hN: h, cN: h })).toThrow(ShapeError);
    expect(b.cachedPrimitives()).toBe(before);
    b.cellForward({ cell: 'lstm', T: 6, B: 1, I: 3, H: 2, x, wIh: w, wHh: u, bIh: null, bHh: null, h0: null, y, hN: h, cN: b.alloc([1, 2]) });
    expect(b.cachedPrimitives()).toBe(before + 1);
    b.destroy();
    expect(() => b.fill(x, 0)).toThrow(BackendDestroyedError);
  });
});
