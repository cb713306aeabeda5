#!/usr/bin/env node
// `npm run quickstart`: the README's first command. On a fresh machine with only Node 20 and npm it
// installs the locked dependencies (fetching pnpm through `npx pnpm@12` when pnpm is not
// installed), builds every package, and runs recur's main job: `recur train` with no arguments,
// which trains an LSTM on a bundled real dataset and writes a model directory and an HTML report.
// Extra arguments are passed to `recur train` (e.g. `npm run quickstart -- --backend wasm`).
import { ensureInstalled, pnpm, run } from './lib/workspace.mjs';

ensureInstalled();
run(pnpm, ['--silent', 'build']);
run(process.execPath, ['apps/cli/dist/bin.js', 'train', ...process.argv.slice(2)]);
