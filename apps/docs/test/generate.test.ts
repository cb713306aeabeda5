import { describe, expect, it } from 'vitest';
import { COMMANDS, GLOBAL_FLAGS, VERSION } from '@recur/cli';
import { normalizeCapabilities, type BackendPackageInfo } from '@recur/backend';
import { renderBackendPage, renderBackendTable } from '../scripts/backend-pages.mjs';
import { renderBenchmarks } from '../scripts/benchmarks.mjs';
import { localiseLinks, repositoryMention } from '../scripts/links.mjs';
import { cell, renderCli } from '../scripts/cli-reference.mjs';

describe('CLI reference page', () => {
  it('has a section, usage line and every flag for each command of @recur/cli', () => {
    const page = renderCli({ COMMANDS, GLOBAL_FLAGS, VERSION });
    expect(COMMANDS.length).toBeGreaterThan(3);
    for (const c of COMMANDS) {
      expect(page).toContain(`\n## ${c.name}\n`);
      expect(page).toContain(`recur ${c.name}`);
      for (const f of c.flags) expect(page, `${c.name} ${f.flag}`).toContain('`' + f.flag.replace(/`/g, "'") + '`');
      for (const e of c.examples) expect(page).toContain(e.command);
    }
    for (const f of GLOBAL_FLAGS) expect(page).toContain('`' + f.flag + '`');
  });

  it('says how to build the CLI when it cannot be loaded', () => {
    const page = renderCli(undefined);
    expect(page).toContain('pnpm --filter @recur/cli build');
    expect(page).not.toContain('## Commands');
  });

  it('escapes text that would break a table or a Vue template', () => {
    expect(cell('a | b <file> {{ x }}')).toBe('a \\| b &lt;file&gt; {&#8203;{ x }}');
  });
});

describe('benchmarks page', () => {
  it('says how to produce results, with no numbers, when there are none', () => {
    const page = renderBenchmarks(null, null, 0);
    expect(page).toContain('pnpm bench');
    expect(page).not.toMatch(/GFLOP\/s \|/);
  });

  it('draws every measured row of the report, fastest first, with its source file', () => {
    const report = {
      date: '2026-11-24T05:00:00.000Z',
      mode: 'full',
      machine: { node: 'v20.20.2', cpus: 2, cpuModel: 'Test CPU', platform: 'linux' },
      plan: { warmup: 2, iterations: 5 },
      workloads: [{ id: 'W1', title: 'LSTM training step', kind: 'train', cell: 'lstm', B: 32, T: 50, I: 8, H: 128, O: 1, unit: 'iteration' }],
      rows: [
        { workload: 'W1', contender: 'recur-cpu', family: 'recur', unit: 'iteration', timing: { medianMs: 41.5, minMs: 40, maxMs: 44, peakRssMiB: 3 }, gflops: 1.23 },
        { workload: 'W1', contender: 'recur-wasm', family: 'recur', unit: 'iteration', timing: { medianMs: 7.25, minMs: 7, maxMs: 8, peakRssMiB: 2 }, gflops: 7.04 },
        { workload: 'W1', contender: 'tfjs-wasm', family: 'peer', unit: 'iteration', skipped: 'failed: out of memory' },
      ],
      ratios: [{ workload: 'W1', recur: 'recur-wasm', peer: 'brain.js', timeRatio: 0.25, speedup: 4 }],
      unavailable: [{ name: 'cuda', reason: 'no GPU' }],
      notes: ['a note'],
    };
    const page = renderBenchmarks(report, 'bench/results/2026-11-24.json', 3);
    expect(page).toContain('`bench/results/2026-11-24.json` (the newest of 3 runs)');
    expect(page).toContain('| recur-wasm | recur | 7.25 ms | 7.00 ms | 8.00 ms | 7.04 |');
    expect(page.indexOf('recur-wasm')).toBeLessThan(page.indexOf('recur-cpu'));
    expect(page).toContain('41.50 ms');
    expect(page).toContain('not run: failed: out of memory');
    expect(page).toContain('| W1 | recur-wasm | brain.js | 4.00× |');
    expect(page).toContain('- cuda: no GPU');
  });
});

describe('links copied from /docs', () => {
  it('say a repository path once', () => {
    const repo = '/r';
    const md = 'See [`examples/custom-backend`](../../examples/custom-backend) and [the scaffold](../../scripts/new-package.mjs), [design](../design.md).';
    const out = localiseLinks(md, '/r/docs/contributing', repo);
    expect(out).toBe('See `examples/custom-backend` (in the repository) and the scaffold (`scripts/new-package.mjs` in the repository), [design](../design.md).');
    expect(repositoryMention('`custom-backend`', 'examples/custom-backend')).toBe('`custom-backend` (`examples/custom-backend` in the repository)');
  });
});

describe('backend pages', () => {
  const report = {
    date: '2026-01-01', mode: 'full', machine: { cpus: 2, cpuModel: 'Test CPU' },
    workloads: [{ id: 'W1', title: 'train-lstm', cell: 'lstm', B: 64, T: 50, I: 8, H: 128 }, { id: 'S-T25', title: 'sweep' }],
    rows: [
      { workload: 'W1', contender: 'recur/cpu', family: 'recur', timing: { medianMs: 400 } },
      { workload: 'W1', contender: 'recur/fast (SwiftShader)', family: 'recur', timing: { medianMs: 100 } },
      { workload: 'S-T25', contender: 'recur/fast (SwiftShader)', family: 'recur', timing: { medianMs: 5 } },
    ],
    unavailable: [{ name: 'recur/slow', reason: 'no device here' }],
  };
  const info: BackendPackageInfo = {
    package: '@recur/backend-fast', title: 'Fast', summary: 'A fast one.', runsIn: ['Node 20+', 'browsers'], install: ['npm install @recur/backend-fast'],
    variants: [{ name: 'fast', priority: 5, capabilities: { training: true, fusedSequence: true } }, { name: 'slow', priority: 1, capabilities: { precision: 'float16' }, runsIn: ['GPUs only'] }],
    register: () => {},
  };

  it('renders install, where it runs, the declared capabilities and the measured ratio against cpu', () => {
    const page = renderBackendPage(info, info.variants[0]!, normalizeCapabilities, report, 'bench/results/x.json');
    expect(page).toContain('npm install @recur/backend-fast');
    expect(page).toContain('- browsers');
    expect(page).toMatch(/\| `training` \| yes \|/);
    expect(page).toMatch(/\| `precision` \| `float32` \|/);
    expect(page).toMatch(/\| W1 train-lstm \| lstm B=64 T=50 I=8 H=128 \| 100 ms \| 4\.00× \|/);
    expect(page).not.toContain('S-T25');
    expect(page).toContain('[API](/api/backend-fast)');
  });

  it('says why a variant was not measured, and puts every variant in the table', () => {
    const page = renderBackendPage(info, info.variants[1]!, normalizeCapabilities, report, 'bench/results/x.json');
    expect(page).toContain('Not measured in the newest run (`bench/results/x.json`): no device here.');
    expect(page).toContain('- GPUs only');
    const table = renderBackendTable([info], normalizeCapabilities, report);
    expect(table).toMatch(/\[`fast`\]\(\/backends\/fast\) \| `@recur\/backend-fast` \| Node 20\+<br>browsers \| float32 \| yes \| yes \| no \| 4\.00× \|/);
    expect(table).toMatch(/\[`slow`\]\(\/backends\/slow\) .* \| float16 \| no \| no \| no \| not measured \|/);
  });
});
