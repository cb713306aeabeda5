import { describe, expect, it } from 'vitest';
import {
  BackendDestroyedError,
  BackendMismatchError,
  DisposedTensorError,
  InvalidArgumentError,
  SPECIFICATION_VERSION,
  ShapeError,
  checked,
  defineBackend,
  getBackend,
  isChecked,
  registerBackend,
  resetRegistry,
  shapeSize,
  type Backend,
  type KernelName,
  type KernelTable,
  type Tensor,
} from './index.js';

/** A host-memory tensor store with a kernel table that only records which kernels ran. */
function recordingBackend(id = 'rec#1') {
  const calls: string[] = [];
  const live = new Set<Tensor>();
  const make = (shape: readonly number[]): Tensor => {
    const t = { backendId: id, shape: [...shape], size: shapeSize(shape), disposed: false };
    live.add(t);
    return t;
  };
  const names: KernelName[] = [
    'gemm', 'copy', 'fill', 'axpy', 'scale', 'mul', 'clipByValue', 'sumSquares', 'sumRows',
    'activation', 'activationBackward', 'softmax', 'cellForward', 'cellBackward', 'loss', 'optimizerStep', 'gather', 'scatterAdd',
  ];
  const kernels = Object.fromEntries(
    names.map((n) => [n, (ctx: { calls: string[] }) => {
      ctx.calls.push(n);
      return null;
    }]),
  ) as unknown as KernelTable<{ calls: string[] }>;
  const backend = defineBackend({
    name: 'rec',
    id,
    factory: 'recordingBackend',
    capabilities: { precision: 'float32' },
    context: { calls },
    memory: {
      alloc: (shape) => make(shape),
      upload: (_data, shape) => make(shape),
      write: () => undefined,
      read: (t) => Promise.resolve(new Float32Array(t.size)),
      dispose: (t) => {
        (t as { disposed: boolean }).disposed = true;
        live.delete(t);
      },
      memory: () => ({ liveTensors: live.size, liveBytes: 0 }),
      sync: () => Promise.resolve(),
      destroy: () => live.clear(),
    },
    kernels,
  });
  return { backend, calls };
}

describe('defineBackend', () => {
  it('builds a contract-versioned backend whose kernels get the context', () => {
    const { backend, calls } = recordingBackend();
    expect(backend.specificationVersion).toBe(SPECIFICATION_VERSION);
    expect(backend.capabilities.training).toBe(false);
    const x = backend.alloc([2, 3]);
    backend.scale(x, 2);
    backend.fill(x, 0);
    expect(calls).toEqual(['scale', 'fill']);
    expect(isChecked(backend)).toBe(true);
  });

  it('runs the shared checks before any kernel', () => {
    const { backend, calls } = recordingBackend();
    const y = backend.alloc([4]);
    const x = backend.alloc([3]);
    expect(() => backend.axpy(y, x, 1)).toThrow(ShapeError);
    expect(() => backend.scale(y, Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => backend.upload([1, 2], [3])).toThrow(ShapeError);
    expect(() => backend.gemm({ a: y, b: y, c: y, m: 0, n: 2, k: 2 })).toThrow(InvalidArgumentError);
    backend.dispose(x);
    expect(() => backend.fill(x, 1)).toThrow(DisposedTensorError);
    const other = recordingBackend('rec#2').backend.alloc([4]);
    expect(() => backend.mul(y, y, other)).toThrow(BackendMismatchError);
    expect(calls).toEqual([]);
  });

  it('answers empty work (zero rows, zero columns, zero indices) without calling the kernel', () => {
    const { backend, calls } = recordingBackend();
    const t = backend.alloc([4]);
    backend.copy({ src: t, dst: t, rows: 0, cols: 4 });
    backend.copy({ src: t, dst: t, rows: 2, cols: 0 });
    const empty = backend.alloc([0, 4]);
    backend.softmax({ x: empty, out: empty, rows: 0, cols: 4 });
    backend.sumRows(backend.alloc([0]), 4, 0, backend.alloc([0]));
    backend.gather({ table: t, indices: new Int32Array(0), dim: 2, out: backend.alloc([0]) });
    expect(calls).toEqual([]);
    // Still validated: a negative count or a dead tensor is an error even when the work is empty.
    expect(() => backend.copy({ src: t, dst: t, rows: -1, cols: 4 })).toThrow(InvalidArgumentError);
    backend.dispose(t);
    expect(() => backend.copy({ src: t, dst: t, rows: 0, cols: 4 })).toThrow(DisposedTensorError);
  });

  it('throws BackendDestroyedError after destroy(), keeps dispose and memory safe', async () => {
    const { backend } = recordingBackend();
    const t = backend.alloc([1]);
    backend.destroy();
    backend.destroy();
    expect(() => backend.alloc([1])).toThrow(BackendDestroyedError);
    expect(() => backend.fill(t, 0)).toThrow(BackendDestroyedError);
    await expect(backend.sync()).rejects.toThrow(BackendDestroyedError);
    await expect(backend.read(t)).rejects.toThrow(/recordingBackend/);
    expect(() => backend.dispose(t)).not.toThrow();
    expect(backend.memory().liveTensors).toBe(0);
  });
});

describe('checked', () => {
  it('wraps a hand-written backend once, keeping its other properties', () => {
    const { backend: inner } = recordingBackend();
    const plain: Backend & { engine: string } = { ...inner, engine: 'x' };
    expect(isChecked(plain)).toBe(false);
    const wrapped = checked(plain);
    expect(wrapped.engine).toBe('x');
    expect(checked(wrapped)).toBe(wrapped);
  });

  it('is applied by the registry on instantiation', async () => {
    resetRegistry();
    let made: Backend | undefined;
    registerBackend('rec-plain', () => {
      const { backend } = recordingBackend('rec#plain');
      // A plain object copy of the methods: not marked as checked.
      made = { ...backend } as Backend;
      return made;
    });
    const be = await getBackend('rec-plain');
    expect(made && isChecked(made)).toBe(false);
    expect(isChecked(be)).toBe(true);
    resetRegistry();
  });
});
