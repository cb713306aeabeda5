#!/usr/bin/env node
// `pnpm bench [--smoke] [--only W1,W4] [--skip NAME,...]`: builds what is needed, then runs the
// benchmark harness (bench/src/main.ts). Results go to bench/results/<date>.{json,md}.
import { ensureInstalled, pnpm, run } from './lib/workspace.mjs';

ensureInstalled();
run(pnpm, ['--silent', 'build']);
run(process.execPath, ['bench/dist/main.js', ...process.argv.slice(2)]);
