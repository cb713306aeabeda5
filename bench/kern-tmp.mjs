import { createWasmBackend } from '@recur/backend-wasm';
const threads = Number(process.argv[2] ?? 1);
const b = await createWasmBackend({ threads });
const T = 50, B = 64, I = 8, H = 128, G = 4;
const f = (n, s) => b.upload(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.1), s);
const x = f(T * B * I, [T, B, I]), wIh = f(G * H * I, [G * H, I]), wHh = f(G * H * H, [G * H, H]), bIh = f(G * H, [G * H]), bHh = f(G * H, [G * H]);
const y = b.alloc([T, B, H]), hN = b.alloc([B, H]), cN = b.alloc([B, H]);
const run = () => b.cellForward({ cell: 'lstm', T, B, I, H, x, wIh, wHh, bIh, bHh, h0: null, c0: null, y, hN, cN });
for (let i = 0; i < 5; i++) run();
const s = []; const c0 = process.cpuUsage();
for (let i = 0; i < 30; i++) { const t = performance.now(); run(); s.push(performance.now() - t); }
const cpu = process.cpuUsage(c0); s.sort((a, b) => a - b);
let r = []; for (let i = 0; i < 10; i++) { const t = performance.now(); await b.read(y); r.push(performance.now() - t); } r.sort((a,b)=>a-b);
console.log('threads', b.threads, 'fwd median', s[15].toFixed(3), 'min', s[0].toFixed(3), 'cpu', ((cpu.user + cpu.system) / 30000).toFixed(3), 'read y', r[5].toFixed(3));
b.destroy(); process.exit(0);
