// Throwaway timing script (not a test, not a benchmark of record): W1-like LSTM training
// (cellForward + cellBackward) and W3 (forward only), I=8, H=128, B=64, T=50, on whatever
// adapter Dawn finds. On a machine without a GPU that is SwiftShader: CPU emulation, NOT GPU timings.
// Usage: pnpm --filter @recur/backend-webgpu build && node scripts/time-swiftshader.mjs [iterations]
import { existsSync } from 'node:fs';

if (!process.env.VK_ICD_FILENAMES && existsSync('/usr/lib/chromium/vk_swiftshader_icd.json')) {
  process.env.VK_ICD_FILENAMES = '/usr/lib/chromium/vk_swiftshader_icd.json';
}
const { createWebgpuBackend } = await import('../dist/index.js');
const iterations = Number(process.argv[2] ?? 5);
const be = await createWebgpuBackend();
const [T, B, I, H] = (process.env.SHAPE ?? "50,64,8,128").split(",").map(Number);
const G = 4;
const rnd = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.1);
const x = be.upload(rnd(T * B * I), [T, B, I]);
const wIh = be.upload(rnd(G * H * I), [G * H, I]);
const wHh = be.upload(rnd(G * H * H), [G * H, H]);
const bIh = be.upload(rnd(G * H), [G * H]);
const bHh = be.upload(rnd(G * H), [G * H]);
const y = be.alloc([T, B, H]);
const hN = be.alloc([B, H]);
const cN = be.alloc([B, H]);
const dy = be.upload(rnd(T * B * H), [T, B, H]);
const grads = { dx: be.alloc([T, B, I]), dWih: be.alloc([G * H, I]), dWhh: be.alloc([G * H, H]), dbIh: be.alloc([G * H]), dbHh: be.alloc([G * H]) };
const shape = { cell: 'lstm', T, B, I, H, x, wIh, wHh, bIh, bHh, h0: null, c0: null };

async function w3() {
  be.cellForward({ ...shape, y, hN, cN });
  await be.read(hN);
}
async function w1() {
  const cache = be.cellForward({ ...shape, y, hN, cN, training: true });
  be.cellBackward({ ...shape, cache, dy, ...grads });
  await be.read(grads.dWhh);
  be.dispose(cache);
}
for (const [name, fn] of [['W3 infer-seq (forward)', w3], ['W1 train (forward + backward)', w1]]) {
  await fn(); // warm-up (pipeline compilation)
  const times = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / iterations;
  times.sort((a, b) => a - b);
  console.log(`${name}: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, min ${times[0].toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU (all threads) per iteration, over ${iterations} (SwiftShader = CPU emulation, not GPU timings)`);
}
be.destroy();
