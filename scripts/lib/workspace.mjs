// Helpers shared by the root scripts: find pnpm (or fall back to `npx pnpm@12`), install once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
const PNPM_VERSION = '12.21.0';

function hasPnpm() {
  const r = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  return r.status === 0;
}

/** The pnpm command: the installed one, or npx fetching the pinned version from the npm registry. */
export const pnpm = hasPnpm() ? ['pnpm'] : ['npx', '--yes', `pnpm@${PNPM_VERSION}`];

/** Run a command in the repo root, inheriting stdio; exit with its status on failure. */
export function run(cmd, args = [], options = {}) {
  const [bin, ...pre] = Array.isArray(cmd) ? cmd : [cmd];
  const r = spawnSync(bin, [...pre, ...args], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...options });
  if (r.error) {
    console.error(`recur: could not run ${bin}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r;
}

/** Install dependencies from the lockfile unless node_modules is already there. */
export function ensureInstalled() {
  if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) {
    run(pnpm, ['install', '--frozen-lockfile']);
  }
}

/** Whether node_modules was installed from the lockfile already. */
export function isInstalled() {
  return existsSync(join(root, 'node_modules', '.modules.yaml'));
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Run one stage of a script quietly: its output goes to the open log file `logFd`, and the
 * terminal gets one line (`label … done in 12.3 s`). On failure, prints the last lines of the log
 * and where the full log is, then exits with the command's status.
 */
export function stage(label, cmd, args, { logFd, logPath, env } = {}) {
  const [bin, ...pre] = Array.isArray(cmd) ? cmd : [cmd];
  const tty = process.stdout.isTTY === true;
  const started = Date.now();
  if (tty) process.stdout.write(`  ${label} …`);
  writeSync(logFd, `\n==> ${label}: ${[bin, ...pre, ...args].join(' ')}\n`);
  const r = spawnSync(bin, [...pre, ...args], {
    cwd: root,
    stdio: ['ignore', logFd, logFd],
    shell: process.platform === 'win32',
    env: { ...process.env, ...env },
  });
  const took = seconds(Date.now() - started);
  if (tty) process.stdout.write('\r\x1b[2K');
  if (r.error || r.status !== 0) {
    console.log(`✗ ${label} failed after ${took}${r.error ? `: could not run ${bin}: ${r.error.message}` : ` (exit code ${r.status})`}`);
    const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-25);
    console.log(tail.map((l) => `    ${l}`).join('\n'));
    console.log(`Full log: ${logPath}`);
    process.exit(r.status || 1);
  }
  console.log(`✓ ${label} (${took})`);
}

/**
 * Every workspace package (packages/*, apps/*, examples/*, bench), discovered from the file system
 * so that a new package is picked up without editing a list.
 * @returns {{ name: string, dir: string, path: string, private: boolean, manifest: Record<string, any> }[]}
 *   `dir` is relative to the repository root; `path` is absolute.
 */
export function workspacePackages() {
  const out = [];
  const add = (rel) => {
    const file = join(root, rel, 'package.json');
    if (!existsSync(file)) return;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    out.push({ name: manifest.name, dir: rel, path: join(root, rel), private: manifest.private === true, manifest });
  };
  for (const group of ['packages', 'apps', 'examples']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) add(`${group}/${name}`);
  }
  add('bench');
  return out;
}

/** The published (non-private) workspace packages. */
export function publishedPackages() {
  return workspacePackages().filter((p) => !p.private);
}
