/**
 * The suite catches a backend that returns tensors it does not own (the bug a wrapper backend made:
 * `tensor.backendId` "cpu#1" on backend "echo#1"). Runs the real `describeBackendConformance` on
 * that backend in a child vitest, restricted to the tests whose title says "ownership", and
 * requires them to fail with the message that names both ids. The same check passes on the CPU
 * backend (cpu.conformance.test.ts), so it is the ownership rule that fails, not the harness.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@recur/backend-cpu';
import { handleProblem } from './suites/tensor-handles.js';
import { createEchoBackend } from './__fixtures__/catches/echo-backend.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const config = fileURLToPath(new URL('./__fixtures__/catches/vitest.fixture.config.mjs', import.meta.url));

interface JsonReport {
  numFailedTests: number;
  numPassedTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

describe('the conformance suite checks tensor ownership', () => {
  it('handleProblem names the two ids for a wrapper that returns its inner tensors, and accepts the CPU backend', () => {
    const echo = createEchoBackend();
    const cpu = createCpuBackend();
    try {
      expect(handleProblem(echo, echo.alloc([2]), 'alloc([2])', [2])).toMatch(/tensor\.backendId is "cpu#\d+" but backend\.id is "echo#\d+"/);
      expect(handleProblem(cpu, cpu.alloc([2]), 'alloc([2])', [2])).toBeNull();
    } finally {
      echo.destroy();
      cpu.destroy();
    }
  });

  it('describeBackendConformance fails the ownership tests of that backend', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-echo-conformance-'));
    const out = join(dir, 'report.json');
    try {
      const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
      const r = spawnSync(process.execPath, [vitest, 'run', '--config', config, '-t', 'ownership', '--reporter=json', `--outputFile=${out}`], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      });
      const report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
      const results = report.testResults.flatMap((f) => f.assertionResults).filter((a) => a.status !== 'skipped' && a.status !== 'pending');
      expect(results.map((a) => a.title).sort()).toEqual([
        'every tensor the backend returns carries its id, shape and size (ownership)',
        'the training cache of cellForward carries the backend id (ownership) [needs training, maxHidden ≥ 3]',
      ]);
      for (const a of results) {
        expect(a.status).toBe('failed');
        expect(a.failureMessages.join('\n')).toMatch(/conformance\[echo\] .*tensor\.backendId is "cpu#\d+" but backend\.id is "echo#\d+"/);
      }
      expect(r.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
