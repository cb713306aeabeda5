#!/usr/bin/env node
// `npm run quickstart`: the README's first command. On a fresh machine with only Node 20 and npm it
// installs the locked dependencies (fetching pnpm through `npx pnpm@12` when pnpm is not
// installed), builds only what the `recur` CLI needs (not the docs site, bench or examples), and
// runs recur's main job: `recur train` with no arguments, which trains an LSTM on a bundled real
// dataset and writes a model directory and an HTML report.
//
// One line per stage on the terminal; the full install and build output goes to quickstart.log,
// named at the end. Extra arguments are passed to `recur train`
// (e.g. `npm run quickstart -- --backend cpu`).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { isInstalled, pnpm, root, stage } from './lib/workspace.mjs';

const logPath = join(root, 'quickstart.log');
const logFd = openSync(logPath, 'w');
const started = Date.now();
console.log('recur quick start: install, build the CLI, train an LSTM on a real dataset');

if (isInstalled()) console.log('✓ install (already installed)');
else stage('install', pnpm, ['install', '--frozen-lockfile', '--reporter=append-only'], { logFd, logPath });

// The CLI and the packages it depends on; turbo skips what is already built.
stage('build', pnpm, ['exec', 'turbo', 'run', 'build', '--filter=@recur/cli...', '--output-logs=full'], { logFd, logPath, env: { TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } });
closeSync(logFd);

// Training talks to the terminal itself: a progress bar while it runs, then the results.
console.log('▸ train: recur train ' + process.argv.slice(2).join(' '));
const train = spawnSync(process.execPath, ['apps/cli/dist/bin.js', 'train', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const total = ((Date.now() - started) / 1000).toFixed(0);
console.log(`\nQuick start finished in ${total} s. Install and build logs: ${logPath}`);
process.exit(train.status ?? 1);
