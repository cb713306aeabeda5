/**
 * Test harness: builds the CLI when dist is missing or older than the sources, and runs the BUILT
 * `node apps/cli/dist/bin.js` as a child process.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** apps/cli */
export const CLI_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repository root. */
export const REPO_ROOT = resolve(CLI_ROOT, '..', '..');
/** The executable under test. */
export const BIN = join(CLI_ROOT, 'dist', 'bin.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (name !== 'e2e' && name !== '__fixtures__') newest = Math.max(newest, newestSource(p));
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
      newest = Math.max(newest, st.mtimeMs);
    }
  }
  return newest;
}

const DEPENDENCIES = ['backend', 'backend-cpu', 'core', 'data', 'datasets', 'eval', 'onnx'];

/** Build `@recur/cli` (and its dependencies when one has no dist) unless dist/bin.js is fresh. */
export function ensureBuilt(): void {
  const missingDep = DEPENDENCIES.some((d) => !existsSync(join(REPO_ROOT, 'packages', d, 'dist', 'index.js')));
  const stale = !existsSync(BIN) || statSync(BIN).mtimeMs < newestSource(join(CLI_ROOT, 'src'));
  if (!missingDep && !stale) return;
  const filter = missingDep ? '@recur/cli...' : '@recur/cli';
  execFileSync('pnpm', ['--filter', filter, 'build'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

/** Result of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI synchronously (NO_COLOR, not a TTY). */
export function recur(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? CLI_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start the CLI without waiting. */
export function recurAsync(args: readonly string[], options: { cwd?: string } = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? CLI_ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  return { child, done };
}

/** A deterministic daily series with a weekly cycle and a trend, as CSV text. */
export function syntheticCsv(rows: number, options: { nanAt?: number } = {}): string {
  const lines = ['date,value,temperature,note'];
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  for (let t = 0; t < rows; t++) {
    const date = new Date(Date.UTC(2020, 0, 1) + t * 86_400_000).toISOString().slice(0, 10);
    const value = 10 + 3 * Math.sin((2 * Math.PI * t) / 7) + 0.02 * t + 0.3 * rand();
    const temp = 15 + 5 * Math.cos((2 * Math.PI * t) / 30) + rand();
    // `note` is text: the CLI reads only the columns a model uses.
    lines.push(`${date},${t === options.nanAt ? 'NaN' : value.toFixed(4)},${temp.toFixed(3)},${t % 2 ? 'odd' : 'even'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A user error: exit code 1 and exactly one line on stderr, starting "recur: ", no stack trace. */
export function expectOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^recur: /);
  expect(lines[0]).not.toMatch(/internal error/);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}
