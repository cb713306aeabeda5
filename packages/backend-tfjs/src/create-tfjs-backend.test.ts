/**
 * The adapter itself: memory handles over tfjs tensors, exact accounting, no tfjs tensor leaks,
 * several instances on different engines sharing tfjs's one global engine, and typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, SPECIFICATION_VERSION, ShapeError, type Tensor } from '@recur/backend';
import { createTfjsBackend, TfjsBackendDestroyedError, type TfjsBackend } from './index.js';

let cpu: TfjsBackend;

beforeAll(async () => {
  cpu = await createTfjsBackend({ engine: 'cpu' });
});
afterAll(() => cpu.destroy());

describe('createTfjsBackend', () => {
  it('makes a contract-version-1 backend with honest capabilities', () => {
    expect(cpu.specificationVersion).toBe(SPECIFICATION_VERSION);
    expect(cpu.name).toBe('tfjs-cpu');
    expect(cpu.engine).toBe('cpu');
    expect(cpu.tf.getBackend()).toBe('cpu');
    expect(cpu.capabilities).toMatchObject({
      precision: 'float32',
      float64: false,
      training: true,
      fusedSequence: true,
      variableLength: true,
      async: false,
    });
  });

  it('rejects an unknown engine with a typed error', async () => {
    await expect(createTfjsBackend({ engine: 'cuda' as never })).rejects.toThrow(InvalidArgumentError);
  });

  it('gives every instance its own id', async () => {
    const other = await createTfjsBackend({ engine: 'cpu', tf: cpu.tf });
    expect(other.id).not.toBe(cpu.id);
    const t = other.alloc([2]);
    expect(() => cpu.scale(t, 2)).toThrow(/belongs to backend/);
    other.destroy();
  });
});

describe('memory', () => {
  it('upload, partial write and read round-trip; write replaces the wrapped tensor without leaking', async () => {
    const numTensors = cpu.tf.memory().numTensors;
    const t = cpu.upload([1, 2, 3, 4, 5], [5]);
    expect(cpu.tf.memory().numTensors).toBe(numTensors + 1);
    cpu.write(t, [9, 8], 2);
    cpu.write(t, [7]);
    expect(Array.from(await cpu.read(t))).toEqual([7, 2, 9, 8, 5]);
    expect(cpu.tf.memory().numTensors).toBe(numTensors + 1);
    const r = await cpu.read(t);
    r[0] = 100; // a copy: mutating it does not change the tensor
    expect((await cpu.read(t))[0]).toBe(7);
    cpu.dispose(t);
    cpu.dispose(t); // no-op
    expect(cpu.tf.memory().numTensors).toBe(numTensors);
  });

  it('reports live handles and bytes exactly', () => {
    const before = cpu.memory();
    const a = cpu.alloc([3, 4]);
    const b = cpu.upload(new Float32Array(5), [5]);
    expect(cpu.memory()).toEqual({ liveTensors: before.liveTensors + 2, liveBytes: before.liveBytes + 17 * 4 });
    cpu.dispose(a);
    cpu.dispose(b);
    expect(cpu.memory()).toEqual(before);
  });

  it('rejects bad shapes, sizes and offsets with typed errors', () => {
    expect(() => cpu.alloc([2, -1])).toThrow(ShapeError);
    expect(() => cpu.upload([1, 2, 3], [2, 2])).toThrow(ShapeError);
    const t = cpu.alloc([3]);
    expect(() => cpu.write(t, [1, 2], 2)).toThrow(ShapeError);
    expect(() => cpu.write(t, [1], 0.5)).toThrow(InvalidArgumentError);
    cpu.dispose(t);
  });

  it("kernels called inside the app's own tf.tidy keep recur's tensors alive", async () => {
    const t = cpu.upload([1, 2], [2]);
    cpu.tf.tidy(() => {
      cpu.scale(t, 3);
    });
    expect(Array.from(await cpu.read(t))).toEqual([3, 6]);
    cpu.dispose(t);
  });

  it('destroy frees every tensor and makes the backend refuse further use', async () => {
    const b = await createTfjsBackend({ engine: 'cpu', tf: cpu.tf });
    const numTensors = b.tf.memory().numTensors;
    const t = b.alloc([4]);
    b.alloc([8]);
    b.destroy();
    expect(b.tf.memory().numTensors).toBe(numTensors);
    expect(b.memory()).toEqual({ liveTensors: 0, liveBytes: 0 });
    expect(t.disposed).toBe(true);
    expect(() => b.alloc([1])).toThrow(TfjsBackendDestroyedError);
    b.destroy(); // no-op
  });
});

describe('one global tfjs engine, several instances', () => {
  let wasm: TfjsBackend;
  beforeAll(async () => {
    wasm = await createTfjsBackend({ engine: 'wasm', tf: cpu.tf });
  });
  afterAll(() => wasm.destroy());

  it('each instance switches the global engine to its own before running kernels', async () => {
    const a = cpu.upload([1, 2, 3], [3]);
    const b = wasm.upload([4, 5, 6], [3]);
    expect(cpu.tf.getBackend()).toBe('wasm');
    cpu.scale(a, 2);
    expect(cpu.tf.getBackend()).toBe('cpu');
    wasm.scale(b, 3);
    expect(cpu.tf.getBackend()).toBe('wasm');
    // The app switches tfjs behind recur's back: the next kernel switches back.
    await cpu.tf.setBackend('cpu');
    wasm.axpy(b, b, 1);
    expect(cpu.tf.getBackend()).toBe('wasm');
    expect(Array.from(await cpu.read(a))).toEqual([2, 4, 6]);
    expect(Array.from(await wasm.read(b))).toEqual([24, 30, 36]);
    cpu.dispose(a);
    wasm.dispose(b);
  });

  it('gemm with every transpose combination agrees across engines, also after the operands change', async () => {
    const m = 3;
    const n = 4;
    const k = 5;
    const vals = (len: number, s: number) => Array.from({ length: len }, (_, i) => Math.cos(i * s));
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const out: number[][] = [];
        for (const be of [cpu, wasm]) {
          const a = be.upload(vals(m * k, 0.3), transA ? [k, m] : [m, k]);
          const b = be.upload(vals(k * n, 0.7), transB ? [n, k] : [k, n]);
          const c = be.alloc([m, n]);
          be.gemm({ a, b, c, m, n, k, transA, transB });
          const first = Array.from(await be.read(c));
          be.write(b, [2, -3], 3); // the cached transpose (wasm) must follow
          be.scale(a, -0.5);
          be.gemm({ a, b, c, m, n, k, transA, transB, beta: 1 });
          out.push([...first, ...(await be.read(c))]);
          for (const t of [a, b, c]) be.dispose(t);
        }
        const [x, y] = out as [number[], number[]];
        for (let i = 0; i < x.length; i++) expect(Math.abs((x[i] as number) - (y[i] as number))).toBeLessThan(1e-5);
      }
    }
  });

  it('runs a whole LSTM sequence on each engine with the same result', async () => {
    const T = 4;
    const B = 2;
    const I = 3;
    const H = 5;
    const data = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.5);
    const run = async (be: TfjsBackend): Promise<Float32Array | Float64Array> => {
      const ts: Tensor[] = [];
      const up = (n: number, k: number, shape: number[]) => {
        const t = be.upload(data(n, k), shape);
        ts.push(t);
        return t;
      };
      const y = be.alloc([T, B, H]);
      const hN = be.alloc([B, H]);
      const cN = be.alloc([B, H]);
      be.cellForward({
        cell: 'lstm', T, B, I, H,
        x: up(T * B * I, 0.7, [T, B, I]),
        wIh: up(4 * H * I, 1.3, [4 * H, I]),
        wHh: up(4 * H * H, 0.9, [4 * H, H]),
        bIh: up(4 * H, 2.1, [4 * H]),
        bHh: null,
        h0: null,
        y, hN, cN,
      });
      const out = await be.read(y);
      for (const t of [...ts, y, hN, cN]) be.dispose(t);
      return out;
    };
    const a = await run(cpu);
    const b = await run(wasm);
    for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(1e-5);
  });
});
