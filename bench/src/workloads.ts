import { GATE_COUNT, mulberry32 } from '@recur/backend';
import type { RunPlan } from './measure.js';

/**
 * The fixed workloads (float32). FLOP counts are written out so GFLOP/s can be reported.
 *
 * Shape legend: B batch, T time, I input, H hidden, G gates (lstm 4, gru 3), O head outputs.
 */

export type CellName = 'lstm' | 'gru';

/** What one workload runs. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly kind: 'train' | 'infer-seq' | 'infer-stream';
  readonly cell: CellName;
  readonly B: number;
  readonly T: number;
  readonly I: number;
  readonly H: number;
  /** Head size (dense head on the last state), 0 for none. */
  readonly O: number;
  /** Unit the timing is reported in. */
  readonly unit: 'iteration' | 'step';
  /** Group for the scaling sweeps. */
  readonly sweep?: 'T' | 'H' | 'B';
}


/**
 * Forward FLOPs of one layer over a sequence:
 *   input projection 2·T·B·I·G·H  +  recurrent projection 2·T·B·H·G·H
 *   + pointwise gate math ≈ 10·T·B·H (lstm; ≈ 9 for gru: a rounding term, kept for honesty)
 *   + dense head on the last state 2·B·H·O.
 */
export function forwardFlops(w: Workload): number {
  const g = GATE_COUNT[w.cell];
  const gemm = 2 * w.T * w.B * w.I * g * w.H + 2 * w.T * w.B * w.H * g * w.H;
  const pointwise = (w.cell === 'lstm' ? 10 : 9) * w.T * w.B * w.H;
  return gemm + pointwise + 2 * w.B * w.H * w.O;
}

/**
 * FLOPs of one unit of work. Training: backward costs two GEMMs per forward GEMM (input and
 * weight gradients), so forward + backward ≈ 3× forward; the Adam update adds ≈ 10 per parameter.
 * Streaming: one step of B rows (T = 1).
 */
export function unitFlops(w: Workload): number {
  if (w.kind === 'infer-stream') return forwardFlops({ ...w, T: 1 });
  if (w.kind === 'infer-seq') return forwardFlops(w);
  const g = GATE_COUNT[w.cell];
  const params = g * w.H * (w.I + w.H + 2) + w.O * (w.H + 1);
  return 3 * forwardFlops(w) + 10 * params;
}

const base = { cell: 'lstm', O: 1, unit: 'iteration' } as const;

/** W1–W5 from issue 12 and the scaling sweeps. */
export const WORKLOADS: readonly Workload[] = [
  { ...base, id: 'W1', title: 'train-lstm', kind: 'train', B: 64, T: 50, I: 8, H: 128 },
  { ...base, id: 'W2', title: 'train-gru', kind: 'train', cell: 'gru', B: 64, T: 50, I: 8, H: 128 },
  { ...base, id: 'W3', title: 'infer-seq-lstm', kind: 'infer-seq', B: 64, T: 50, I: 8, H: 128, O: 0 },
  { ...base, id: 'W4', title: 'infer-stream-lstm', kind: 'infer-stream', B: 1, T: 1, I: 8, H: 128, O: 0, unit: 'step' },
  { ...base, id: 'W5', title: 'train-lstm-small', kind: 'train', B: 32, T: 24, I: 1, H: 32 },
  ...[25, 50, 100, 200].map((T) => ({ ...base, id: `S-T${T}`, title: `sweep T=${T}`, kind: 'infer-seq' as const, B: 64, T, I: 8, H: 128, O: 0, sweep: 'T' as const })),
  ...[32, 64, 128, 256].map((H) => ({ ...base, id: `S-H${H}`, title: `sweep H=${H}`, kind: 'infer-seq' as const, B: 64, T: 50, I: 8, H, O: 0, sweep: 'H' as const })),
  ...[1, 16, 64, 256].map((B) => ({ ...base, id: `S-B${B}`, title: `sweep B=${B}`, kind: 'infer-seq' as const, B, T: 50, I: 8, H: 128, O: 0, sweep: 'B' as const })),
];

/** Streaming workloads time this many consecutive steps per sample (one step is ~10 µs). */
export const STREAM_STEPS_PER_SAMPLE = 200;

/**
 * Warm-up samples of a streaming workload (full mode): 25 × 200 = 5000 steps. A stream runs for
 * thousands of steps, and its first few thousand measure the runtime's start-up instead: in a fresh
 * Node process a recur W4 step took 20–60 µs over the first 600 steps (the general warm-up) while
 * V8 compiled the step path and grew its heap, one page fault at a time, and about 3.5 µs once
 * there (bench/README.md). Every contender, PyTorch included, gets the same warm-up.
 */
export const STREAM_WARMUP_SAMPLES = 25;

/** Warm-up samples of a streaming workload under `plan` (none in smoke mode, which warms up nothing). */
export function streamWarmup(plan: RunPlan): number {
  return plan.warmup === 0 ? 0 : Math.max(plan.warmup, STREAM_WARMUP_SAMPLES);
}

/** The plan for one workload: streaming workloads warm up for {@link streamWarmup} samples. */
export function planFor(w: Pick<Workload, 'kind'>, plan: RunPlan): RunPlan {
  return w.kind === 'infer-stream' ? { ...plan, warmup: streamWarmup(plan) } : plan;
}

/** Deterministic pseudo-random data for the workloads (mulberry32). */
export function randomData(n: number, seed: number, scale = 1): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() * 2 - 1) * scale;
  return out;
}
