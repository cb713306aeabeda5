// Bundled by Vite in vite-bundle.browser.test.ts: the default loader must find recur.wasm through
// `new URL('./recur.wasm', import.meta.url)` after bundling, with no options. Then the threaded
// build: a sequence large enough to split (threshold 0) on the default thread count (the browser's
// cores, on this page's main thread: spin-only barriers), which must equal the 1-thread result bit
// for bit. Without cross-origin isolation the backend falls back to 1 thread and says why.
import { createWasmBackend } from '@recur/backend-wasm';

const out = document.getElementById('out');

/** An LSTM forward of B=8, T=6, I=4, H=64 on `b`; returns hN. */
async function lstm(b) {
  const T = 6, B = 8, I = 4, H = 64;
  const f = (n, shape, k) => b.upload(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k) * 0.3), shape);
  const y = b.alloc([T, B, H]);
  const hN = b.alloc([B, H]);
  const cN = b.alloc([B, H]);
  b.cellForward({ cell: 'lstm', T, B, I, H, x: f(T * B * I, [T, B, I], 1), wIh: f(4 * H * I, [4 * H, I], 2), wHh: f(4 * H * H, [4 * H, H], 3), bIh: f(4 * H, [4 * H], 4), bHh: f(4 * H, [4 * H], 5), h0: null, y, hN, cN });
  return Array.from(await b.read(hN));
}

try {
  const b = await createWasmBackend();
  const a = b.upload([1, 2, 3, 4], [2, 2]);
  const c = b.alloc([2, 2]);
  b.gemm({ a, b: a, c, m: 2, n: 2, k: 2 });
  const x = b.upload(new Float32Array(3 * 2 * 4).fill(0.5), [3, 2, 4]);
  const wIh = b.upload(new Float32Array(16 * 4).fill(0.1), [16, 4]);
  const wHh = b.upload(new Float32Array(16 * 4).fill(0.1), [16, 4]);
  const y = b.alloc([3, 2, 4]);
  const hN = b.alloc([2, 4]);
  const cN = b.alloc([2, 4]);
  b.cellForward({ cell: 'lstm', T: 3, B: 2, I: 4, H: 4, x, wIh, wHh, bIh: null, bHh: null, h0: null, y, hN, cN });
  const threaded = await createWasmBackend({ parallelMinStepFlops: 0 });
  const one = await createWasmBackend({ threads: 1 });
  const hThreads = await lstm(threaded);
  const hOne = await lstm(one);
  out.textContent = JSON.stringify({
    build: b.kernelBuild,
    gemm: Array.from(await b.read(c)),
    h: Array.from(await b.read(hN)),
    isolated: globalThis.crossOriginIsolated === true,
    cores: navigator.hardwareConcurrency,
    threads: threaded.threads,
    threadsUnavailable: threaded.threadsUnavailable,
    parallelRuns: threaded.parallelRuns,
    threadedEqualsOne: hThreads.length === hOne.length && hThreads.every((v, i) => Object.is(v, hOne[i])),
  });
  threaded.destroy();
} catch (e) {
  out.textContent = `ERROR ${e instanceof Error ? e.message : String(e)}`;
}
