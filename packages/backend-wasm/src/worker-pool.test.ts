// A threaded run never hangs: a worker that stops (here: terminated under the pool's feet) turns
// into a WorkerKernelError within threadTimeoutMs, naming the worker, and the pool is closed.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Tensor } from '@recur/backend';
import { createWasmBackendWithContext } from './create-wasm-backend.js';
import { createWasmBackend, WorkerKernelError, type WasmBackend } from './index.js';

/** One LSTM forward over a shape that runs on the pool (parallelMinStepFlops: 0, H > 8·threads). */
function forward(backend: WasmBackend): void {
  const T = 3, B = 4, I = 2, H = 32, GH = 4 * H;
  const t: Tensor[] = [];
  const up = (n: number, shape: number[]) => {
    const x = backend.upload(new Float32Array(n).fill(0.01), shape);
    t.push(x);
    return x;
  };
  try {
    backend.cellForward({
      cell: 'lstm', T, B, I, H, reverse: false, lengths: null, training: false,
      x: up(T * B * I, [T, B, I]), wIh: up(GH * I, [GH, I]), wHh: up(GH * H, [GH, H]), bIh: null, bHh: null,
      h0: null, c0: null, y: up(T * B * H, [T, B, H]), hN: up(B * H, [B, H]), cN: up(B * H, [B, H]),
    });
  } finally {
    for (const x of t) backend.dispose(x);
  }
}

describe('worker pool: a stopped worker gives a typed error, never a hang', () => {
  it('runs on the pool while the workers are healthy', async () => {
    const backend = await createWasmBackend({ threads: 2, parallelMinStepFlops: 0, threadTimeoutMs: 500 });
    try {
      expect(backend.threads).toBe(2);
      forward(backend);
      expect(backend.parallelRuns).toBe(1);
    } finally {
      backend.destroy();
    }
  });

  it('throws WorkerKernelError naming the missing worker within the limit, then refuses further runs', async () => {
    const { backend, context } = await createWasmBackendWithContext({ threads: 2, parallelMinStepFlops: 0, threadTimeoutMs: 300 });
    try {
      forward(backend); // job 1 finishes on both threads
      const workers = (context.pool as unknown as { workers: { terminate(): Promise<number> }[] }).workers;
      await workers[0]!.terminate();
      const t0 = performance.now();
      let error: unknown = null;
      try {
        forward(backend);
      } catch (e) {
        error = e;
      }
      const ms = performance.now() - t0;
      expect(error).toBeInstanceOf(WorkerKernelError);
      expect((error as Error).message).toMatch(/cellForward: a thread waited more than 300 ms at a per-step barrier/);
      expect((error as Error).message).toMatch(/worker 1 last finished job 1\b/);
      expect(ms).toBeGreaterThanOrEqual(300);
      expect(ms).toBeLessThan(20_000);
      expect(() => forward(backend)).toThrow(/pool was shut down/);
    } finally {
      backend.destroy();
    }
  });

  it('checks threadTimeoutMs', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      await expect(createWasmBackend({ threads: 2, threadTimeoutMs: bad })).rejects.toThrow(InvalidArgumentError);
    }
  });
});
