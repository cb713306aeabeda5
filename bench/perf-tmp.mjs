import { createWasmBackend } from '@recur/backend-wasm';
import { createModel, trainStep, Optimizer } from '@recur/core';
const which = process.argv[2] ?? 'W3';
const threads = Number(process.argv[3] ?? 1);
const be = await createWasmBackend({ threads });
const W = { W1: { cell: 'lstm', T: 50, B: 64, I: 8, H: 128, train: true }, W2: { cell: 'gru', T: 50, B: 64, I: 8, H: 128, train: true }, W3: { cell: 'lstm', T: 50, B: 64, I: 8, H: 128 }, W5: { cell: 'lstm', T: 24, B: 32, I: 1, H: 32, train: true }, W4: { cell: 'lstm', B: 1, I: 8, H: 128, stream: true } }[which];
const m = createModel({ kind: W.train ? 'seq2one' : 'seq2seq', cell: W.cell, inputSize: W.I, hiddenSize: W.H, numLayers: 1, bidirectional: false, dropout: 0, bias: true, outputSize: W.train ? 1 : null, headActivation: 'identity' }, { backend: be, seed: 1 });
const rnd = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i));
let fn;
if (W.stream) { const x = rnd(W.I); fn = async () => { for (let i = 0; i < 200; i++) await m.step(x, 1); }; }
else { const batch = { inputs: rnd(W.T * W.B * W.I), T: W.T, B: W.B, targets: rnd(W.B) };
  if (W.train) { const opt = new Optimizer(m, { kind: 'adam', lr: 1e-3 }); fn = () => trainStep(m, opt, batch, { loss: 'mse' }); }
  else fn = () => m.predict(batch); }
for (let i = 0; i < 3; i++) await fn();
const s = []; const c0 = process.cpuUsage();
for (let i = 0; i < 15; i++) { const t = performance.now(); await fn(); s.push(performance.now() - t); }
const cpu = process.cpuUsage(c0);
s.sort((a, b) => a - b);
const u = W.stream ? 200 : 1;
console.log(which, 'threads', be.threads, 'median', (s[7] / u).toFixed(4), 'min', (s[0] / u).toFixed(4), 'ms; cpu/iter', ((cpu.user + cpu.system) / 1000 / 15 / u).toFixed(4));
be.destroy(); process.exit(0);
