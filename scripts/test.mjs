#!/usr/bin/env node
// `npm test`: the README's test command (and the one .ci/run uses). Installs if needed, builds
// (turbo caches it, so a second build is instant), runs every package's tests with the root vitest
// config, and ends with one plain summary line: `tests: N passed, N failed, N skipped`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureInstalled, pnpm, root, run } from './lib/workspace.mjs';

ensureInstalled();
run(pnpm, ['--silent', 'build']);

const dir = mkdtempSync(join(tmpdir(), 'recur-test-'));
const report = join(dir, 'vitest.json');
const args = ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const [bin, ...pre] = pnpm;
const r = spawnSync(bin, [...pre, ...args], { cwd: root, stdio: 'inherit' });

let summary = null;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  summary = `tests: ${json.numPassedTests} passed, ${json.numFailedTests} failed, ${skipped} skipped`;
  if (json.numFailedTestSuites > 0 && json.numFailedTests === 0) {
    summary += ` (${json.numFailedTestSuites} test files failed to load)`;
  }
} catch {
  summary = null;
}
rmSync(dir, { recursive: true, force: true });
if (summary) console.log(`\n${summary}`);
process.exit(r.status ?? 1);
