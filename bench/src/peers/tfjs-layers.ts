/**
 * Peer: tfjs-layers (`@tensorflow/tfjs` 4.22) on the `wasm` and `cpu` engines. Its LSTM layer runs
 * as a TypeScript loop of small tensor ops per timestep — the gap recur's fused kernels close.
 */
import { measure, type RunPlan } from '../measure.js';
import { STREAM_STEPS_PER_SAMPLE, randomData, type Workload } from '../workloads.js';
import type * as TfModule from '@tensorflow/tfjs';
import type { Contender } from './types.js';

type Tf = typeof TfModule;

let tfPromise: Promise<Tf> | undefined;
async function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    return tf;
  })();
  return tfPromise;
}

/** tfjs-layers on one tfjs engine ('wasm' or 'cpu'). */
export async function createTfjsLayersPeer(engine: 'wasm' | 'cpu'): Promise<Contender> {
  const tf = await loadTf();
  const use = async () => {
    if (tf.getBackend() !== engine) {
      const ok = await tf.setBackend(engine);
      if (!ok) throw new Error(`tfjs engine ${engine} failed to initialise`);
      await tf.ready();
    }
  };
  await use();
  return {
    name: `tfjs-layers/${engine}`,
    family: 'peer',
    supports: (w: Workload) => (w.sweep ? 'scaling sweeps are measured on recur backends only' : true),
    async run(w: Workload, plan: RunPlan) {
      await use();
      const layer = w.cell === 'lstm' ? tf.layers.lstm : tf.layers.gru;
      const model = tf.sequential();
      if (w.kind === 'infer-stream') {
        model.add(layer({ units: w.H, stateful: true, batchInputShape: [w.B, 1, w.I], returnSequences: false }));
        const x = tf.tensor3d(randomData(w.B * w.I, 1), [w.B, 1, w.I]);
        const timing = await measure(() => {
          for (let i = 0; i < STREAM_STEPS_PER_SAMPLE; i++) {
            const y = model.predict(x) as TfModule.Tensor;
            y.dataSync();
            y.dispose();
          }
        }, plan, { unitsPerCall: STREAM_STEPS_PER_SAMPLE });
        x.dispose();
        model.dispose();
        return timing;
      }
      const train = w.kind === 'train';
      model.add(layer({ units: w.H, inputShape: [w.T, w.I], returnSequences: !train }));
      if (train) model.add(tf.layers.dense({ units: w.O }));
      const x = tf.tensor3d(randomData(w.B * w.T * w.I, 1), [w.B, w.T, w.I]);
      const y = tf.tensor2d(randomData(w.B * Math.max(w.O, 1), 2), [w.B, Math.max(w.O, 1)]);
      if (train) model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
      const timing = await measure(async () => {
        if (train) {
          await model.trainOnBatch(x, y);
        } else {
          const out = model.predict(x) as TfModule.Tensor;
          out.dataSync();
          out.dispose();
        }
      }, plan, { ownBytes: () => tf.memory().numBytes });
      x.dispose();
      y.dispose();
      model.dispose();
      return timing;
    },
  };
}
