import { describe, expect, it } from 'vitest';
import { median } from './measure.js';
import { isUnstable, markdown, ratios, type BenchReport, type ResultRow } from './report.js';
import { pythonCandidates, torchMajor } from './peers/pytorch.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKLOADS, forwardFlops, unitFlops } from './workloads.js';

const timing = (medianMs: number) => ({ medianMs, minMs: medianMs, maxMs: medianMs, samples: 1, peakRssMiB: 0, peakOwnMiB: null });

describe('bench accounting', () => {
  it('counts W3 forward FLOPs from the GEMM formula', () => {
    const w3 = WORKLOADS.find((w) => w.id === 'W3')!;
    // 2·T·B·I·4H + 2·T·B·H·4H + 10·T·B·H with T=50, B=64, I=8, H=128
    expect(forwardFlops(w3)).toBe(2 * 50 * 64 * 8 * 512 + 2 * 50 * 64 * 128 * 512 + 10 * 50 * 64 * 128);
    expect(unitFlops(w3)).toBe(forwardFlops(w3));
  });

  it('training counts about three forward passes plus the update', () => {
    const w1 = WORKLOADS.find((w) => w.id === 'W1')!;
    expect(unitFlops(w1)).toBeGreaterThan(3 * forwardFlops(w1));
    expect(unitFlops(w1)).toBeLessThan(3.1 * forwardFlops(w1));
  });

  it('reports recur ÷ peer ratios only for workloads both ran', () => {
    const rows: ResultRow[] = [
      { workload: 'W1', contender: 'recur/cpu', family: 'recur', unit: 'iteration', timing: timing(100) },
      { workload: 'W1', contender: 'tfjs', family: 'peer', unit: 'iteration', timing: timing(400) },
      { workload: 'W3', contender: 'tfjs', family: 'peer', unit: 'iteration', timing: timing(10) },
      { workload: 'W3', contender: 'recur/cpu', family: 'recur', unit: 'iteration', skipped: 'failed: x' },
    ];
    expect(ratios(rows)).toEqual([{ workload: 'W1', recur: 'recur/cpu', peer: 'tfjs', timeRatio: 0.25, speedup: 4 }]);
  });

  it('takes the median of odd and even sample counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('flags a row whose max/min spread exceeds 5× and leaves it, and excluded rows, out of the ratios', () => {
    expect(isUnstable({ ...timing(10), minMs: 34, maxMs: 1170 })).toBe(true);
    expect(isUnstable({ ...timing(10), minMs: 10, maxMs: 50 })).toBe(false);
    const noisy = { ...timing(1170), minMs: 34, maxMs: 1200 };
    const rows: ResultRow[] = [
      { workload: 'W1', contender: 'recur/wasm ×1', family: 'recur', unit: 'iteration', timing: timing(40) },
      { workload: 'W1', contender: 'pytorch/cpu (2.13.0)', family: 'peer', unit: 'iteration', timing: noisy, unstable: true },
      { workload: 'W1', contender: 'pytorch/cpu (1.13.1, old)', family: 'peer', unit: 'iteration', timing: timing(80), excluded: 'PyTorch 1.13.1 is older than 2.0' },
      { workload: 'W1', contender: 'tfjs', family: 'peer', unit: 'iteration', timing: timing(400) },
    ];
    expect(ratios(rows).map((r) => r.peer)).toEqual(['tfjs']);
    const report: BenchReport = {
      date: '2026-12-03T09:00:00Z', mode: 'full', plan: { warmup: 3, iterations: 20 }, workloads: WORKLOADS.filter((w) => w.id === 'W1'),
      machine: { node: 'v20', cpus: 2, cpuModel: 'x', platform: 'linux-x64', loadStart: [1.5, 2, 3], loadEnd: [4, 5, 6] },
      rows, ratios: ratios(rows), unavailable: [], notes: [],
    };
    const md = markdown(report);
    expect(md).toContain('Load average (1, 5, 15 min): 1.50, 2.00, 3.00 at the start, 4.00, 5.00, 6.00 at the end.');
    expect(md).toMatch(/pytorch\/cpu \(2\.13\.0\) \| .* \| unstable \|/);
    expect(md).toMatch(/W1 pytorch\/cpu \(2\.13\.0\): unstable: max .* is 35\.3× min/);
    expect(md).toContain('W1 pytorch/cpu (1.13.1, old): PyTorch 1.13.1 is older than 2.0');
  });

  it('finds a .venv-torch in the repository root or beside it, after RECUR_BENCH_PYTHON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-bench-'));
    const root = join(dir, 'wt');
    for (const d of [join(root, '.venv-torch', 'bin'), join(dir, '.venv-torch', 'bin')]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'python'), '');
    }
    expect(pythonCandidates({ RECUR_BENCH_PYTHON: '/opt/py' }, root).slice(0, 3)).toEqual(['/opt/py', join(root, '.venv-torch', 'bin', 'python'), join(dir, '.venv-torch', 'bin', 'python')]);
    expect(pythonCandidates({}, join(dir, 'nothing-here'))[0]).toBe(join(dir, '.venv-torch', 'bin', 'python'));
    expect(torchMajor('2.13.0+cpu')).toBe(2);
    expect(torchMajor('1.13.1')).toBe(1);
  });
});
