// Bundled by Vite in vite-bundle.browser.test.ts: the default loader must find recur.wasm through
// `new URL('./recur.wasm', import.meta.url)` after bundling, with no options.
import { createWasmBackend } from '@recur/backend-wasm';

const out = document.getElementById('out');
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
  out.textContent = JSON.stringify({ build: b.kernelBuild, gemm: Array.from(await b.read(c)), h: Array.from(await b.read(hN)) });
} catch (e) {
  out.textContent = `ERROR ${e instanceof Error ? e.message : String(e)}`;
}
