/**
 * Optional peer: PyTorch CPU, used when a `python3` that can `import torch` exists: a PyTorch 2.x
 * venv is found on its own (see {@link pythonCandidates}). It runs all workloads in one subprocess
 * (bench/python/torch_peer.py) and the results are reported beside recur's. A PyTorch older than
 * 2.0 is measured, labelled `old` and left out of the ratios. Absent torch, it is skipped with the
 * printed reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchFile, repoRoot } from '../paths.js';
import type { RunPlan, Timing } from '../measure.js';
import { STREAM_STEPS_PER_SAMPLE, streamWarmup, type Workload } from '../workloads.js';
import type { Contender } from './types.js';

const script = benchFile('python', 'torch_peer.py');

/**
 * Interpreters to try, in order: `RECUR_BENCH_PYTHON`, then the venv `../shared/tools/torch-venv.sh`
 * makes by default (`.venv-torch` in the repository root, or beside it: a worktree's parent), then
 * the system python3 (Debian's is PyTorch 1.13).
 */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env, root: string = repoRoot): string[] {
  const venvs = [join(root, '.venv-torch'), join(dirname(root), '.venv-torch')].map((d) => join(d, 'bin', 'python'));
  const list = [env.RECUR_BENCH_PYTHON, ...venvs.filter((p) => existsSync(p)), '/usr/bin/python3', 'python3'].filter((p): p is string => Boolean(p));
  return [...new Set(list)];
}

/** Major version of a torch version string ("2.13.0+cpu" → 2). */
export function torchMajor(version: string): number {
  const m = /^(\d+)\./.exec(version);
  return m ? Number(m[1]) : 0;
}

/** The first interpreter with PyTorch ≥ 2; else the first with any PyTorch (reported as old); else why none. */
function findPython(): { python: string; version: string } | string {
  const tried: string[] = [];
  let old: { python: string; version: string } | null = null;
  for (const python of pythonCandidates()) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) {
      const version = r.stdout.trim();
      if (torchMajor(version) >= 2) return { python, version };
      old ??= { python, version };
      tried.push(`${python}: torch ${version} (< 2.0)`);
      continue;
    }
    tried.push(`${python}: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop()}`);
  }
  if (old) return old;
  return `no python3 with torch found (${tried.join('; ')}); make one with \`bash ../shared/tools/torch-venv.sh\` or set RECUR_BENCH_PYTHON`;
}

/** PyTorch with its default thread count, or with `threads` (torch.set_num_threads). */
export function createPytorchPeer(workloads: readonly Workload[], plan: RunPlan, threads?: number): Contender | string {
  const found = findPython();
  if (typeof found === 'string') return found;
  let results: Record<string, Timing | { skip: string }> | undefined;
  const runAll = () => {
    if (results) return results;
    const r = spawnSync(found.python, [script], {
      input: JSON.stringify({ workloads: workloads.filter((w) => !w.sweep), warmup: plan.warmup, streamWarmup: streamWarmup(plan), iterations: plan.iterations, streamSteps: STREAM_STEPS_PER_SAMPLE, threads: threads ?? null }),
      encoding: 'utf8',
      maxBuffer: 16 * 2 ** 20,
    });
    if (r.status !== 0) throw new Error(`PyTorch peer failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    results = JSON.parse(r.stdout) as Record<string, Timing>;
    return results;
  };
  const old = torchMajor(found.version) < 2;
  return {
    name: `pytorch/cpu (${found.version}${old ? ', old' : ''}${threads ? `, ${threads} thread${threads === 1 ? '' : 's'}` : ''})`,
    family: 'peer',
    note: `PyTorch CPU ${found.version} (${found.python}): optional peer, run in a python3 subprocess ${threads ? `with torch.set_num_threads(${threads}) (the same-thread-count peer of recur/onednn-${threads}thread)` : 'with its default thread count'}; W4 uses LSTMCell.${old ? ' It is older than 2.0 (e.g. Debian\'s 1.13), so its rows are shown but left out of the ratios; make a current one with `bash ../shared/tools/torch-venv.sh`.' : ''}`,
    ...(old ? { excludeFromRatios: `PyTorch ${found.version} is older than 2.0` } : {}),
    supports: (w: Workload) => (w.sweep ? 'scaling sweeps are measured on recur backends only' : true),
    async run(w: Workload) {
      const r = runAll()[w.id];
      if (!r || 'skip' in r) throw new Error(r ? r.skip : `no result for ${w.id}`);
      return { ...r, peakRssMiB: Number.NaN, peakOwnMiB: null };
    },
  };
}
