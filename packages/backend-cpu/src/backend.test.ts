/**
 * The backend object itself: capabilities, memory accounting, typed errors, registration.
 */
import {
  BackendMismatchError,
  DisposedTensorError,
  InvalidArgumentError,
  ShapeError,
  SPECIFICATION_VERSION,
  listBackends,
  resetRegistry,
  useBackend,
} from '@recur/backend';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendDestroyedError, createCpuBackend, registerCpuBackend } from './index.js';

describe('createCpuBackend', () => {
  it('declares its capabilities for both precisions', () => {
    const f32 = createCpuBackend();
    expect(f32.specificationVersion).toBe(SPECIFICATION_VERSION);
    expect(f32.name).toBe('cpu');
    expect(f32.capabilities).toMatchObject({ precision: 'float32', float64: false, training: true, fusedSequence: true, variableLength: true, async: false });
    const f64 = createCpuBackend({ precision: 'float64' });
    expect(f64.capabilities).toMatchObject({ precision: 'float64', float64: true });
    expect(f64.id).not.toBe(f32.id);
    expect(() => createCpuBackend({ precision: 'float16' as 'float32' })).toThrow(InvalidArgumentError);
  });

  it('reads back copies of the storage type', async () => {
    const f32 = createCpuBackend();
    const t = f32.upload([1, 2, 3.5], [3]);
    const r = await f32.read(t);
    expect(r).toBeInstanceOf(Float32Array);
    r[0] = 100;
    expect(Array.from(await f32.read(t))).toEqual([1, 2, 3.5]);
    const f64 = createCpuBackend({ precision: 'float64' });
    expect(await f64.read(f64.upload([0.1], [1]))).toBeInstanceOf(Float64Array);
    expect((await f64.read(f64.upload([0.1], [1])))[0]).toBe(0.1);
  });

  it('write puts data at an offset and refuses to overflow', async () => {
    const be = createCpuBackend();
    const t = be.alloc([2, 2]);
    be.write(t, [5, 6], 2);
    expect(Array.from(await be.read(t))).toEqual([0, 0, 5, 6]);
    expect(() => be.write(t, [1, 2, 3], 2)).toThrow(ShapeError);
  });

  it('counts live tensors and bytes exactly', () => {
    const be = createCpuBackend();
    expect(be.memory()).toEqual({ liveTensors: 0, liveBytes: 0 });
    const a = be.alloc([3, 4]);
    const b = be.upload([1, 2], [2]);
    expect(be.memory()).toEqual({ liveTensors: 2, liveBytes: (12 + 2) * 4 });
    be.dispose(a);
    be.dispose(a); // twice is a no-op
    expect(be.memory()).toEqual({ liveTensors: 1, liveBytes: 8 });
    be.dispose(b);
    expect(be.memory()).toEqual({ liveTensors: 0, liveBytes: 0 });
    const f64 = createCpuBackend({ precision: 'float64' });
    f64.alloc([5]);
    expect(f64.memory().liveBytes).toBe(40);
  });

  it('cellForward leaves no scratch tensors behind', () => {
    const be = createCpuBackend();
    const [T, B, I, H] = [3, 2, 2, 4];
    const ts = [be.alloc([T, B, I]), be.alloc([3 * H, I]), be.alloc([3 * H, H]), be.alloc([T, B, H]), be.alloc([B, H])] as const;
    const before = be.memory();
    be.cellForward({ cell: 'gru', T, B, I, H, x: ts[0], wIh: ts[1], wHh: ts[2], bIh: null, bHh: null, h0: null, y: ts[3], hN: ts[4] });
    expect(be.memory()).toEqual(before);
  });

  it('refuses disposed and foreign tensors with typed errors', () => {
    const be = createCpuBackend();
    const other = createCpuBackend();
    const t = be.alloc([2]);
    be.dispose(t);
    expect(t.disposed).toBe(true);
    expect(() => be.fill(t, 1)).toThrow(DisposedTensorError);
    return Promise.all([
      expect(be.read(t)).rejects.toThrow(DisposedTensorError),
      expect(Promise.resolve().then(() => be.scale(other.alloc([2]), 2))).rejects.toThrow(BackendMismatchError),
      expect(Promise.resolve().then(() => be.axpy(be.alloc([2]), other.alloc([2]), 1))).rejects.toThrow(/axpy\.x/),
    ]);
  });

  it('rejects bad shapes and sizes', () => {
    const be = createCpuBackend();
    expect(() => be.alloc([2, -1])).toThrow(ShapeError);
    expect(() => be.upload([1, 2, 3], [2, 2])).toThrow(ShapeError);
  });

  it('cellForward / cellBackward name the tensor that is wrong', () => {
    const be = createCpuBackend();
    const [T, B, I, H] = [2, 2, 3, 4];
    const base = {
      cell: 'lstm' as const,
      T,
      B,
      I,
      H,
      x: be.alloc([T, B, I]),
      wIh: be.alloc([4 * H, I]),
      wHh: be.alloc([4 * H, H]),
      bIh: null,
      bHh: null,
      h0: null,
      y: be.alloc([T, B, H]),
      hN: be.alloc([B, H]),
      cN: be.alloc([B, H]),
    };
    expect(() => be.cellForward({ ...base, wHh: be.alloc([4 * H, H + 1]) })).toThrow(/weight_hh/);
    expect(() => be.cellForward({ ...base, x: be.alloc([T, B, I + 1]) })).toThrow(ShapeError);
    expect(() => be.cellForward({ ...base, cN: null })).toThrow(/cN/);
    const cache = be.cellForward({ ...base, training: true })!;
    const grads = { dy: null, dx: null, dWih: be.alloc([4 * H, I]), dWhh: be.alloc([4 * H, H]), dbIh: null, dbHh: null };
    expect(() => be.cellBackward({ ...base, ...grads, cache, dWhh: be.alloc([H, H]) })).toThrow(/dWhh/);
    expect(() => be.cellBackward({ ...base, ...grads, cache, reverse: true })).toThrow(/cache/);
    expect(() => be.cellBackward({ ...base, ...grads, cache: be.alloc([10]) })).toThrow(InvalidArgumentError);
    expect(() => be.cellBackward({ ...base, ...grads, cache, lengths: Int32Array.from([2, 1]) })).toThrow(/lengths/);
    be.dispose(cache);
    expect(() => be.cellBackward({ ...base, ...grads, cache })).toThrow(DisposedTensorError);
  });

  it('destroy frees everything and makes the backend unusable', async () => {
    const be = createCpuBackend();
    const t = be.alloc([4]);
    be.destroy();
    expect(be.memory()).toEqual({ liveTensors: 0, liveBytes: 0 });
    expect(t.disposed).toBe(true);
    expect(() => be.alloc([1])).toThrow(BackendDestroyedError);
    await expect(be.sync()).rejects.toThrow(BackendDestroyedError);
    be.destroy();
  });
});

describe('registerCpuBackend', () => {
  afterEach(() => resetRegistry());

  it('registers "cpu" on request only', async () => {
    resetRegistry();
    expect((await listBackends()).map((b) => b.name)).not.toContain('cpu');
    registerCpuBackend({ precision: 'float64' });
    const list = await listBackends();
    expect(list.find((b) => b.name === 'cpu')).toMatchObject({ available: true, priority: 0 });
    const be = await useBackend('cpu');
    expect(be.capabilities.float64).toBe(true);
  });
});
