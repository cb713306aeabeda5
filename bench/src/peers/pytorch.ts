/**
 * Optional peer: PyTorch CPU, used when a `python3` that can `import torch` exists. It runs all
 * workloads in one subprocess (bench/python/torch_peer.py) and the results are reported beside
 * recur's. Absent torch, it is skipped with the printed reason.
 */
import { spawnSync } from 'node:child_process';
import { benchFile } from '../paths.js';
import type { RunPlan, Timing } from '../measure.js';
import { STREAM_STEPS_PER_SAMPLE, type Workload } from '../workloads.js';
import type { Contender } from './types.js';

const script = benchFile('python', 'torch_peer.py');

function findPython(): { python: string; version: string } | string {
  const tried: string[] = [];
  for (const python of [process.env.RECUR_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
    tried.push(`${python}: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop()}`);
  }
  return `no python3 with torch found (${tried.join('; ')})`;
}

/** PyTorch with its default thread count, or with `threads` (torch.set_num_threads). */
export function createPytorchPeer(workloads: readonly Workload[], plan: RunPlan, threads?: number): Contender | string {
  const found = findPython();
  if (typeof found === 'string') return found;
  let results: Record<string, Timing | { skip: string }> | undefined;
  const runAll = () => {
    if (results) return results;
    const r = spawnSync(found.python, [script], {
      input: JSON.stringify({ workloads: workloads.filter((w) => !w.sweep), warmup: plan.warmup, iterations: plan.iterations, streamSteps: STREAM_STEPS_PER_SAMPLE, threads: threads ?? null }),
      encoding: 'utf8',
      maxBuffer: 16 * 2 ** 20,
    });
    if (r.status !== 0) throw new Error(`PyTorch peer failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    results = JSON.parse(r.stdout) as Record<string, Timing>;
    return results;
  };
  return {
    name: threads ? `pytorch/cpu (${found.version}, ${threads} thread${threads === 1 ? '' : 's'})` : `pytorch/cpu (${found.version})`,
    family: 'peer',
    note: threads
      ? `PyTorch CPU with torch.set_num_threads(${threads}) (the same-thread-count peer of recur/onednn-${threads}thread).`
      : 'PyTorch CPU: optional peer, run in a python3 subprocess with its default thread count; W4 uses LSTMCell.',
    supports: (w: Workload) => (w.sweep ? 'scaling sweeps are measured on recur backends only' : true),
    async run(w: Workload) {
      const r = runAll()[w.id];
      if (!r || 'skip' in r) throw new Error(r ? r.skip : `no result for ${w.id}`);
      return { ...r, peakRssMiB: Number.NaN, peakOwnMiB: null };
    },
  };
}
