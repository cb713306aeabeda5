/**
 * End-to-end test of `npm run quickstart` (scripts/quickstart.mjs) in this checkout: one line per
 * stage, no build output on the terminal, the training result on screen, and the full logs in the
 * file named at the end. (The time from a fresh clone is measured by hand: see the README.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness.js';

const work = mkdtempSync(join(tmpdir(), 'recur-quickstart-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run quickstart', () => {
  it('prints one line per stage, then the result, and names the log file', () => {
    const out = join(work, 'model');
    const r = spawnSync(process.execPath, ['scripts/quickstart.mjs', '--epochs', '2', '--out', out], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // Before training: a title and one line per stage, nothing from pnpm, turbo or tsup.
    const trainAt = lines.findIndex((l) => l.startsWith('▸ train'));
    expect(trainAt, r.stdout).toBeGreaterThan(0);
    expect(lines.slice(0, trainAt)).toEqual([
      expect.stringMatching(/^recur quick start: /),
      expect.stringMatching(/^✓ install \((already installed|\d+\.\d s)\)$/),
      expect.stringMatching(/^✓ build \(\d+\.\d s\)$/),
    ]);
    expect(r.stdout).toMatch(/LSTM \(recur\) +\d/);
    expect(r.stdout).toMatch(/Trained 2 epochs .* on \S+ \(auto\) in /);
    expect(r.stderr).not.toMatch(/turbo|tsup|Warning/);
    const last = lines[lines.length - 1]!;
    const m = /^Quick start finished in \d+ s\. Install and build logs: (.+quickstart\.log)$/.exec(last);
    expect(m, last).not.toBeNull();
    const log = readFileSync(m![1]!, 'utf8');
    expect(log).toMatch(/==> build: .*turbo run build --filter=@recur\/cli\.\.\./);
    expect(log).not.toMatch(/@recur\/docs/); // the docs site is not built
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });
});
