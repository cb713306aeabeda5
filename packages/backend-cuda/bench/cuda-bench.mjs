#!/usr/bin/env node
// GPU benchmark of @recur/backend-cuda on W1 (LSTM train step), W3 (LSTM forward) and a large LSTM
// (B=256, T=100, I=256, H=1024), with an optional PyTorch cuDNN column for the same shapes.
//
//   node bench/cuda-bench.mjs                      # recur only, prints a table
//   node bench/cuda-bench.mjs --torch torch.json   # adds PyTorch cuDNN (from bench/torch_cudnn.py --json)
//   node bench/cuda-bench.mjs --json out.json      # also writes the results as JSON
//   node bench/cuda-bench.mjs --backend cpu --only W3   # smoke-test this script on @recur/backend-cpu
//   node bench/cuda-bench.mjs --probe              # only say whether cuda is usable (exit 0) or why not (exit 2)
//
// Needs the built package (pnpm --filter @recur/backend-cuda build) and a usable NVIDIA GPU.
// Timing: after warm-up, N iterations are queued back to back and timed to the final sync (the
// same as torch.cuda.synchronize() around the PyTorch loop), reported as ms per iteration.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { WORKLOADS, workloadFlops } from './workloads.mjs';

const args = process.argv.slice(2);
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = argValue('--only')?.split(',');

let be;
let info;
if (argValue('--backend') === 'cpu') {
  const { createCpuBackend } = await import('@recur/backend-cpu');
  be = createCpuBackend();
  info = { name: 'CPU (smoke test of this script)', major: 0, minor: 0, totalMem: 0 };
} else {
  const { createCudaBackend, probeCuda } = await import('../dist/index.js');
  const availability = probeCuda();
  if (!availability.available) {
    console.error(`cuda is unavailable here: ${availability.reason}`);
    process.exit(2);
  }
  be = await createCudaBackend();
  info = be.deviceInfo();
  if (args.includes('--probe')) {
    console.log(`cuda is available: ${info.name} (sm_${info.major}${info.minor}, ${(info.totalMem / 2 ** 30).toFixed(0)} GiB)`);
    be.destroy();
    process.exit(0);
  }
}

/** Deterministic data in [−scale, scale] (mulberry32). */
function randomData(n, seed, scale = 1) {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

function setup(w) {
  const { B, T, I, H, O } = w;
  const G = 4;
  const k = 1 / Math.sqrt(H);
  const t = [];
  const up = (data, shape) => {
    const x = be.upload(data, shape);
    t.push(x);
    return x;
  };
  const zeros = (shape) => {
    const x = be.alloc(shape);
    t.push(x);
    return x;
  };
  const params = {
    wIh: up(randomData(G * H * I, 1, k), [G * H, I]),
    wHh: up(randomData(G * H * H, 2, k), [G * H, H]),
    bIh: up(randomData(G * H, 3, k), [G * H]),
    bHh: up(randomData(G * H, 4, k), [G * H]),
  };
  const s = {
    params,
    x: up(randomData(T * B * I, 5), [T, B, I]),
    y: zeros([T, B, H]),
    hN: zeros([B, H]),
    cN: zeros([B, H]),
    tensors: t,
  };
  if (w.kind === 'train') {
    s.head = { w: up(randomData(O * H, 6, k), [O, H]), b: up(randomData(O, 7, k), [O]) };
    s.target = up(randomData(B * O, 8), [B, O]);
    s.pred = zeros([B, O]);
    s.loss = zeros([1]);
    s.dPred = zeros([B, O]);
    s.dhN = zeros([B, H]);
    const all = [params.wIh, params.wHh, params.bIh, params.bHh, s.head.w, s.head.b];
    s.grads = all.map((p) => zeros([p.size]));
    s.adam = all.map((p) => [zeros([p.size]), zeros([p.size])]);
    s.all = all;
    s.step = 0;
  }
  return s;
}

function iteration(w, s) {
  const { B, T, I, H, O } = w;
  const shape = { cell: 'lstm', T, B, I, H };
  if (w.kind === 'infer') {
    be.cellForward({ ...shape, ...s.params, x: s.x, h0: null, c0: null, y: s.y, hN: s.hN, cN: s.cN });
    return;
  }
  const cache = be.cellForward({ ...shape, ...s.params, x: s.x, h0: null, c0: null, y: s.y, hN: s.hN, cN: s.cN, training: true });
  // head: pred[B, O] = hN·Wᵀ + b;  MSE loss and dPred
  be.gemm({ a: s.hN, b: s.head.w, c: s.pred, m: B, n: O, k: H, transB: true, bias: s.head.b });
  be.loss({ kind: 'mse', pred: s.pred, target: s.target, n: B, c: O, loss: s.loss, grad: s.dPred });
  for (const g of s.grads) be.fill(g, 0);
  const [dWih, dWhh, dbIh, dbHh, dHw, dHb] = s.grads;
  // dW_head += dPredᵀ·hN, db_head += Σ dPred, dhN = dPred·W_head
  be.gemm({ a: s.dPred, b: s.hN, c: dHw, m: O, n: H, k: B, transA: true, beta: 1 });
  be.sumRows(s.dPred, B, O, dHb, true);
  be.gemm({ a: s.dPred, b: s.head.w, c: s.dhN, m: B, n: H, k: O });
  be.cellBackward({ ...shape, ...s.params, x: s.x, h0: null, c0: null, cache, dy: null, dhN: s.dhN, dcN: null, dx: null, dWih, dWhh, dbIh, dbHh });
  be.dispose(cache);
  s.step++;
  s.all.forEach((p, i) => be.optimizerStep({ kind: 'adam', param: p, grad: s.grads[i], state: s.adam[i], lr: 1e-3, step: s.step }));
}

const results = [];
for (const w of WORKLOADS) {
  if (only && !only.includes(w.id)) continue;
  const s = setup(w);
  for (let i = 0; i < w.warmup; i++) iteration(w, s);
  await be.sync();
  const t0 = performance.now();
  for (let i = 0; i < w.iterations; i++) iteration(w, s);
  await be.sync();
  const ms = (performance.now() - t0) / w.iterations;
  let loss = null;
  if (w.kind === 'train') loss = (await be.read(s.loss))[0];
  const finite = Array.from(await be.read(s.hN)).every(Number.isFinite);
  results.push({ id: w.id, title: w.title, ms, gflops: workloadFlops(w) / (ms * 1e6), loss, finite });
  for (const t of s.tensors) be.dispose(t);
}
be.destroy();

const torchPath = argValue('--torch');
const torch = torchPath ? JSON.parse(readFileSync(torchPath, 'utf8')) : null;
const pad = (s, n) => String(s).padEnd(n);
const num = (v, d = 3) => (typeof v === 'number' ? v.toFixed(d) : '—');
console.log(`\n@recur/backend-cuda on ${info.name} (sm_${info.major}${info.minor}, ${(info.totalMem / 2 ** 30).toFixed(0)} GiB)${torch ? ` vs PyTorch ${torch.torch} cuDNN ${torch.cudnn}` : ''}`);
console.log(`| ${pad('workload', 8)} | ${pad('shape (B, T, I, H)', 20)} | ${pad('recur ms/iter', 13)} | ${pad('recur GFLOP/s', 13)} | ${pad('cuDNN ms/iter', 13)} | ${pad('recur / cuDNN', 13)} |`);
console.log(`|${'-'.repeat(10)}|${'-'.repeat(22)}|${'-'.repeat(15)}|${'-'.repeat(15)}|${'-'.repeat(15)}|${'-'.repeat(15)}|`);
for (const r of results) {
  const w = WORKLOADS.find((x) => x.id === r.id);
  const t = torch?.results?.[r.id];
  const tms = t && typeof t.ms === 'number' ? t.ms : null;
  console.log(
    `| ${pad(r.id, 8)} | ${pad(`${w.B}, ${w.T}, ${w.I}, ${w.H}`, 20)} | ${pad(num(r.ms), 13)} | ${pad(num(r.gflops, 1), 13)} | ${pad(tms === null ? (t?.skip ?? '—') : num(tms), 13)} | ${pad(tms === null ? '—' : `${(r.ms / tms).toFixed(2)}×`, 13)} |`,
  );
}
for (const r of results) if (!r.finite) console.log(`warning: ${r.id} produced non-finite states`);
const jsonOut = argValue('--json');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ device: info, results, torch }, null, 2) + '\n');
