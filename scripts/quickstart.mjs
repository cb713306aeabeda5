#!/usr/bin/env node
// `npm run quickstart`: the README's first command. On a fresh machine with only Node 20 and npm it
// installs pnpm's dependencies (via `npx pnpm@12` when pnpm is not installed), builds every
// package, and runs recur's main job on a bundled real dataset.
import { run, pnpm, ensureInstalled } from './lib/workspace.mjs';

ensureInstalled();
run(pnpm, ['build']);
run(pnpm, ['--silent', '--filter', '@example/weather-forecast', 'start']);
