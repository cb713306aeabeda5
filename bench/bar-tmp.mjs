import { createWasmBackend } from '@recur/backend-wasm';
const threads = Number(process.argv[2] ?? 1), B = Number(process.argv[3] ?? 4);
const b = await createWasmBackend({ threads, parallelMinStepFlops: 0 });
const T = 200, I = 8, H = 128, G = 4;
const f = (n, s) => b.upload(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.1), s);
const x = f(T * B * I, [T, B, I]), wIh = f(G * H * I, [G * H, I]), wHh = f(G * H * H, [G * H, H]);
const y = b.alloc([T, B, H]), hN = b.alloc([B, H]), cN = b.alloc([B, H]);
const run = () => b.cellForward({ cell: 'lstm', T, B, I, H, x, wIh, wHh, bIh: null, bHh: null, h0: null, c0: null, y, hN, cN });
for (let i = 0; i < 5; i++) run();
const s = []; for (let i = 0; i < 30; i++) { const t = performance.now(); run(); s.push(performance.now() - t); }
s.sort((a, b) => a - b);
console.log('B', B, 'threads', b.threads, 'per step µs median', (s[15] / T * 1000).toFixed(2), 'min', (s[0] / T * 1000).toFixed(2));
b.destroy(); process.exit(0);
