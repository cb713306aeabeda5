/**
 * Peer: brain.js 1.6.1 (`recurrent.LSTMTimeStep`). It has no batching and no API to carry state
 * between calls, so it runs **batch-1 workloads only**: W4 is timed as a whole-sequence `run`
 * over T = 50 steps divided by T, and W5 as 32 sequential single-sequence training passes.
 */
import { measure, type RunPlan } from '../measure.js';
import { randomData, type Workload } from '../workloads.js';
import type { Contender } from './types.js';

export async function createBrainPeer(): Promise<Contender> {
  const brain = (await import('brain.js')).default as unknown as {
    recurrent: { LSTMTimeStep: new (o: object) => { run(x: number[][]): unknown; train(d: number[][][], o: object): unknown } };
  };
  const seqOf = (T: number, I: number, seed: number) => {
    const d = randomData(T * I, seed);
    return Array.from({ length: T }, (_, t) => Array.from(d.subarray(t * I, t * I + I)));
  };
  return {
    name: 'brain.js',
    family: 'peer',
    note: 'brain.js: batch-1 only (no batching, no state-carry API): W4 = sequence run ÷ T (T=50); W5 = 32 sequential B=1 passes.',
    supports(w: Workload) {
      if (w.cell !== 'lstm') return 'LSTM only here';
      if (w.id === 'W4' || w.id === 'W5') return true;
      return 'batch-1 workloads only';
    },
    async run(w: Workload, plan: RunPlan) {
      const net = new brain.recurrent.LSTMTimeStep({ inputSize: w.I, hiddenLayers: [w.H], outputSize: w.I });
      if (w.id === 'W4') {
        const T = 50;
        const seq = seqOf(T, w.I, 1);
        net.train([seq], { iterations: 1, log: false });
        return measure(() => net.run(seq), plan, { unitsPerCall: T });
      }
      const batch = Array.from({ length: w.B }, (_, b) => seqOf(w.T, w.I, b + 1));
      return measure(() => net.train(batch, { iterations: 1, log: false, errorThresh: 0 }), plan);
    },
  };
}
