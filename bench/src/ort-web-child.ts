/**
 * One onnxruntime-web measurement, in its own process: ort-web reads `env.wasm.numThreads` once,
 * when its WASM runtime starts, so each thread count needs a fresh process. Reads a JSON job on
 * stdin, prints one line `RESULT {json}` with the check outputs and the timing.
 *
 * Job: { threads, workload: { kind, T, B, I, H }, plan, streamSteps, checkSteps, expected, atol }.
 * Before anything is timed, the outputs are compared with `expected` (recur's, same weights):
 * - infer-seq: model lstm-seq (x [T, B, I] → y); y for x = randomData(T·B·I, 1).
 * - infer-stream: model lstm-step (x, h, c → y, h', c'); h after each of checkSteps steps from the
 *   zero state with x = randomData(I, 1) every step. Timing is per step.
 * A mismatch exits with an error and no timing.
 */
import { readFileSync } from 'node:fs';
import { measure, type RunPlan } from './measure.js';
import { benchFile } from './paths.js';
import { randomData } from './workloads.js';

interface Job {
  threads: number;
  workload: { kind: 'infer-seq' | 'infer-stream'; T: number; B: number; I: number; H: number };
  plan: RunPlan;
  streamSteps: number;
  checkSteps: number;
  expected: number[];
  atol: number;
}

/** Throw unless |got − expected| ≤ atol everywhere (NaN fails). */
function check(got: ArrayLike<number>, job: Job): void {
  if (got.length !== job.expected.length) throw new Error(`check: ${got.length} outputs, expected ${job.expected.length}`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - job.expected[i]!));
  if (!(worst <= job.atol)) throw new Error(`outputs differ from recur's (max |Δ| = ${worst.toExponential(2)} > ${job.atol}); not timed`);
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(0, 'utf8')) as Job;
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = job.threads;
  ort.env.logLevel = 'error';
  const w = job.workload;
  const opts = { executionProviders: ['wasm'] };
  if (w.kind === 'infer-seq') {
    const session = await ort.InferenceSession.create(readFileSync(benchFile('fixtures', 'lstm-seq-i8-h128.onnx')), opts);
    const x = new ort.Tensor('float32', randomData(w.T * w.B * w.I, 1), [w.T, w.B, w.I]);
    check((await session.run({ x })).y!.data as Float32Array, job);
    const timing = await measure(() => session.run({ x }), job.plan);
    console.log(`RESULT ${JSON.stringify({ timing })}`);
    return;
  }
  const session = await ort.InferenceSession.create(readFileSync(benchFile('fixtures', 'lstm-step-i8-h128.onnx')), opts);
  const x = new ort.Tensor('float32', randomData(w.I, 1), [1, 1, w.I]);
  const zero = () => new ort.Tensor('float32', new Float32Array(w.H), [1, 1, w.H]);
  let h = zero();
  let c = zero();
  const states: number[] = [];
  for (let i = 0; i < job.checkSteps; i++) {
    const out = await session.run({ x, h, c });
    h = out.h_out as typeof h;
    c = out.c_out as typeof c;
    states.push(...(h.data as Float32Array));
  }
  check(states, job);
  const timing = await measure(async () => {
    for (let i = 0; i < job.streamSteps; i++) {
      const out = await session.run({ x, h, c });
      h = out.h_out as typeof h;
      c = out.c_out as typeof c;
    }
  }, job.plan, { unitsPerCall: job.streamSteps });
  console.log(`RESULT ${JSON.stringify({ timing })}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
