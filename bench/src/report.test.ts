import { describe, expect, it } from 'vitest';
import { median } from './measure.js';
import { ratios, type ResultRow } from './report.js';
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
});
