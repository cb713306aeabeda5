// Helpers shared by the root scripts: find pnpm (or fall back to `npx pnpm@12`), install once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
