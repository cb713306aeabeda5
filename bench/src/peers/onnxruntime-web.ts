/**
 * Peer: onnxruntime-web (its WASM build with SIMD, run in Node) on 1 and 2 threads: the browser
 * inference peer. Inference workloads W3 and W4 only, with the PyTorch `nn.LSTM(8, 128)` exports in
 * bench/fixtures. Each run is a child process (dist/ort-web-child.js), because ort-web fixes its
 * thread count when its runtime starts. Before timing, the child's outputs are checked against
 * recur's CPU backend with the same weights (read from the ONNX file): a peer that computes
 * something else is reported as failed, not timed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createCpuBackend } from '@recur/backend-cpu';
import type { RunPlan, Timing } from '../measure.js';
import { benchFile } from '../paths.js';
import { STREAM_STEPS_PER_SAMPLE, randomData, type Workload } from '../workloads.js';
import { readOnnxLstmWeights } from './onnx-weights.js';
import type { Contender } from './types.js';

/** Largest |ort − recur| accepted by the check (float32 LSTM, |h| ≤ 1). */
const CHECK_ATOL = 1e-4;
const CHECK_STEPS = 5;
const child = benchFile('dist', 'ort-web-child.js');

/** recur's float32 LSTM forward (cpu backend) with an ONNX model's weights: y [T, B, H]. */
async function recurLstm(model: string, T: number, B: number, x: Float32Array): Promise<ArrayLike<number>> {
  const w = readOnnxLstmWeights(benchFile('fixtures', model));
  const be = createCpuBackend();
  try {
    const H = w.H;
    const y = be.alloc([T, B, H]);
    be.cellForward({
      cell: 'lstm', T, B, I: w.I, H,
      x: be.upload(x, [T, B, w.I]),
      wIh: be.upload(w.wIh, [4 * H, w.I]), wHh: be.upload(w.wHh, [4 * H, H]),
      bIh: be.upload(w.bIh, [4 * H]), bHh: be.upload(w.bHh, [4 * H]),
      h0: null, c0: null, y, hN: be.alloc([B, H]), cN: be.alloc([B, H]),
    });
    return await be.read(y);
  } finally {
    be.destroy();
  }
}

/** The onnxruntime-web contenders (1 and 2 threads), or why they cannot run. */
export async function createOnnxWebPeers(threadCounts: readonly number[] = [1, 2]): Promise<Contender[] | string> {
  if (!existsSync(child)) return `${child} is missing: build the bench first (pnpm --filter @recur/bench build)`;
  await import('onnxruntime-web'); // fails here, with its message, when the package is absent
  return threadCounts.map((threads) => ({
    name: `onnxruntime-web/wasm ×${threads}`,
    family: 'peer' as const,
    note: `onnxruntime-web/wasm ×N: onnxruntime-web's SIMD WASM build in Node with env.wasm.numThreads = N (its LSTM has no WebGPU kernel); inference only; outputs checked against recur (max |Δ| ≤ ${CHECK_ATOL}) before timing.`,
    supports(w: Workload) {
      if (w.kind === 'train') return 'inference only';
      if (w.sweep) return 'scaling sweeps are measured on recur backends only';
      if (w.cell !== 'lstm' || w.I !== 8 || w.H !== 128 || (w.kind === 'infer-stream' && w.B !== 1)) return 'exported model is LSTM I=8 H=128 (streaming: B=1)';
      return true;
    },
    async run(w: Workload, plan: RunPlan): Promise<Timing> {
      // recur's outputs for the same weights and inputs: the child checks against them before timing
      const expected =
        w.kind === 'infer-seq'
          ? await recurLstm('lstm-seq-i8-h128.onnx', w.T, w.B, randomData(w.T * w.B * w.I, 1))
          : await recurLstm('lstm-step-i8-h128.onnx', CHECK_STEPS, 1, Float32Array.from({ length: CHECK_STEPS * w.I }, (_, i) => randomData(w.I, 1)[i % w.I]!));
      const job = {
        threads, workload: { kind: w.kind, T: w.T, B: w.B, I: w.I, H: w.H }, plan,
        streamSteps: STREAM_STEPS_PER_SAMPLE, checkSteps: CHECK_STEPS, expected: Array.from(expected), atol: CHECK_ATOL,
      };
      const r = spawnSync(process.execPath, [child], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 15 * 60_000 });
      const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
      if (r.status !== 0 || !line) throw new Error(`onnxruntime-web ×${threads}: ${(r.stderr || r.error?.message || 'no result').trim().split('\n').slice(-2).join(' ')}`);
      return (JSON.parse(line.slice(7)) as { timing: Timing }).timing;
    },
  }));
}
