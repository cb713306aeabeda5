/**
 * Peer: onnxruntime-node (CPU execution provider), inference workloads only. The models are
 * PyTorch `nn.LSTM(8, 128)` exports committed under bench/fixtures (tools/bench/export_onnx.py),
 * so only W3 (whole sequence) and W4 (one step, state carried) shapes are available.
 */
import { measure, type RunPlan } from '../measure.js';
import { benchFile } from '../paths.js';
import { STREAM_STEPS_PER_SAMPLE, randomData, type Workload } from '../workloads.js';
import type { Contender } from './types.js';

const fixture = (name: string) => benchFile('fixtures', name);

export async function createOnnxPeer(): Promise<Contender> {
  const ort = await import('onnxruntime-node');
  const opts = { executionProviders: ['cpu'], intraOpNumThreads: 0 };
  const seq = await ort.InferenceSession.create(fixture('lstm-seq-i8-h128.onnx'), opts);
  const step = await ort.InferenceSession.create(fixture('lstm-step-i8-h128.onnx'), opts);
  return {
    name: 'onnxruntime-node/cpu',
    family: 'peer',
    note: 'onnxruntime-node: inference only (LSTM I=8, H=128 models exported from PyTorch).',
    supports(w: Workload) {
      if (w.kind === 'train') return 'inference only';
      if (w.sweep) return 'scaling sweeps are measured on recur backends only';
      if (w.cell !== 'lstm' || w.I !== 8 || w.H !== 128) return 'exported model is LSTM I=8 H=128';
      return true;
    },
    async run(w: Workload, plan: RunPlan) {
      if (w.kind === 'infer-stream') {
        const x = new ort.Tensor('float32', randomData(w.I, 1), [1, 1, w.I]);
        let h = new ort.Tensor('float32', new Float32Array(w.H), [1, 1, w.H]);
        let c = new ort.Tensor('float32', new Float32Array(w.H), [1, 1, w.H]);
        return measure(async () => {
          for (let i = 0; i < STREAM_STEPS_PER_SAMPLE; i++) {
            const out = await step.run({ x, h, c });
            h = out.h_out as typeof h;
            c = out.c_out as typeof c;
          }
        }, plan, { unitsPerCall: STREAM_STEPS_PER_SAMPLE });
      }
      const x = new ort.Tensor('float32', randomData(w.T * w.B * w.I, 1), [w.T, w.B, w.I]);
      return measure(() => seq.run({ x }), plan);
    },
    async close() {
      await seq.release();
      await step.release();
    },
  };
}
