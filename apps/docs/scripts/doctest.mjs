#!/usr/bin/env node
// The docs' doctest: every TypeScript/JavaScript code block in the repository's Markdown (the site's
// pages, /docs, every README) is either run against the BUILT packages or marked, invisibly, as a
// fragment with a reason. See scripts/doctest/extract.mjs for the markers.
//
// Usage (from the repository root, after `pnpm build`):
//   node apps/docs/scripts/doctest.mjs [--list] [FILE.md ...]
//     --list   also print every fragment and its reason
//     --tsdoc  with FILE.md arguments: run the TSDoc @example blocks too (always run without FILEs)
// Exits 1 when a sample fails (page and line named), when a marker is malformed, or when a package
// a sample imports is not built.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assembleProgram } from './doctest/assemble.mjs';
import { extractBlocks, programsOf } from './doctest/extract.mjs';
import { runProgram } from './doctest/run.mjs';
import { autoImports, tsdocExamples } from './doctest/tsdoc.mjs';
import { publishedPackages } from '../../../scripts/lib/workspace.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const args = process.argv.slice(2);
const list = args.includes('--list');
const only = args.filter((a) => !a.startsWith('--')).map((a) => relative(repo, resolve(a)));
const jobs = Math.max(1, Number(process.env.DOCTEST_JOBS ?? 2));
const timeoutMs = Number(process.env.DOCTEST_TIMEOUT_S ?? 240) * 1000;
// WebGPU in Node (Dawn) on a machine without a GPU: point Vulkan at Chromium's SwiftShader, as the
// webgpu package's README tells readers to (and as its own tests do), when the file is there.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const runEnv = !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER) ? { VK_ICD_FILENAMES: SWIFTSHADER } : {};

/** Every Markdown file git knows of (tracked, or new and not ignored): generated pages are ignored. */
function markdownFiles() {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.md'], { cwd: repo, encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .filter((f) => !f.startsWith('.changeset/') && !f.endsWith('CHANGELOG.md') && existsSync(join(repo, f)))
    .sort();
}

/** The file an `exports` entry gives an ESM importer in Node (conditions import > node > default). */
function esmTarget(entry) {
  if (typeof entry === 'string') return entry;
  if (!entry || typeof entry !== 'object') return undefined;
  for (const condition of ['import', 'node', 'default']) {
    const hit = esmTarget(entry[condition]);
    if (hit) return hit;
  }
  return undefined;
}

/** Workspace package name -> absolute path of its built ESM entry. */
function workspaceEntries() {
  const map = new Map();
  for (const group of ['packages', 'apps', 'examples']) {
    const dir = join(repo, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const pj = join(dir, name, 'package.json');
      if (!existsSync(pj)) continue;
      const pkg = JSON.parse(readFileSync(pj, 'utf8'));
      const dot = pkg.exports && typeof pkg.exports === 'object' && '.' in pkg.exports ? pkg.exports['.'] : pkg.exports;
      const entry = esmTarget(dot) ?? pkg.module ?? pkg.main;
      if (typeof entry === 'string') map.set(pkg.name, join(dir, name, entry));
    }
  }
  return map;
}

/** The directory of the package a page belongs to (nearest package.json above it). */
function ownerOf(file) {
  let dir = dirname(join(repo, file));
  while (dir.startsWith(repo) && !existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const entries = workspaceEntries();
const missing = new Set();
const resolveWorkspace = (spec) => {
  const entry = entries.get(spec);
  if (entry && !existsSync(entry)) missing.add(`${spec} (${relative(repo, entry)})`);
  return entry;
};

const failures = [];
const fragments = [];
const tasks = [];
let samples = 0;
let setups = 0;
let tsdocCount = 0;
const files = only.length ? only : markdownFiles();
for (const file of files) {
  let blocks;
  try {
    blocks = extractBlocks(readFileSync(join(repo, file), 'utf8'), file);
  } catch (e) {
    failures.push({ at: file, message: e.message });
    continue;
  }
  for (const b of blocks) {
    if (b.kind === 'fragment') fragments.push({ at: `${file}:${b.line}`, reason: b.reason });
  }
  programsOf(blocks).forEach((program, k) => {
    const n = program.filter((b) => b.kind === 'sample').length;
    samples += n;
    setups += program.length - n;
    const name = `${file.replace(/[^\w]+/g, '_')}_${k + 1}`;
    try {
      const assembled = assembleProgram(program, file, resolveWorkspace);
      tasks.push({ file, name, n, assembled, ownerDir: ownerOf(file) });
    } catch (e) {
      failures.push({ at: file, message: e.message });
    }
  });
}
// TSDoc @example blocks of the published packages (they are code blocks on the API pages).
if (!only.length || args.includes('--tsdoc')) {
  const sourcesOf = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? (d.name === '__fixtures__' ? [] : sourcesOf(join(dir, d.name))) : d.name.endsWith('.ts') && !/\.(test|d)\.ts$|test-util\.ts$/.test(d.name) ? [join(dir, d.name)] : [],
    );
  const valueExports = async (name) => {
    const entry = entries.get(name);
    return entry && existsSync(entry) ? Object.keys(await import(pathToFileURL(entry).href)) : [];
  };
  const backendExports = await valueExports('@recur/backend');
  for (const pkg of publishedPackages()) {
    const src = join(pkg.path, 'src');
    if (!existsSync(src)) continue;
    let exportsOf = null;
    for (const abs of sourcesOf(src)) {
      const examples = tsdocExamples(readFileSync(abs, 'utf8'));
      if (!examples.length) continue;
      exportsOf ??= [[pkg.name, await valueExports(pkg.name)], ['@recur/backend', backendExports]];
      const file = relative(repo, abs);
      examples.forEach((ex, k) => {
        samples += 1;
        tsdocCount += 1;
        const name = `${file.replace(/[^\w]+/g, '_')}_ex${k + 1}`;
        const setup = { kind: 'setup', code: autoImports(ex.code, exportsOf), line: ex.line, reset: true, lang: 'ts' };
        try {
          const assembled = assembleProgram([setup, { kind: 'sample', code: ex.code, line: ex.line, reset: false, lang: 'ts' }], file, resolveWorkspace);
          tasks.push({ file: `${file}:${ex.line} (@example${ex.title ? ` ${ex.title}` : ''})`, name, n: 1, assembled, ownerDir: pkg.path });
        } catch (e) {
          failures.push({ at: `${file}:${ex.line}`, message: e.message });
        }
      });
    }
  }
}
if (missing.size) {
  console.error(`doctest: these packages are not built; run \`pnpm build\` first:\n  ${[...missing].join('\n  ')}`);
  process.exit(1);
}

const t0 = performance.now();
let next = 0;
async function worker() {
  while (next < tasks.length) {
    const task = tasks[next++];
    const r = await runProgram(task.assembled, { ownerDir: task.ownerDir, name: task.name, timeoutMs, env: runEnv });
    const label = task.name.includes('_ex') || task.name.endsWith('_1') ? task.file : `${task.file} (program ${task.name.split('_').at(-1)})`;
    if (r.ok) console.log(`  ok   ${label}: ${task.n} sample${task.n === 1 ? '' : 's'} (${(r.ms / 1000).toFixed(1)} s)`);
    else {
      console.log(`  FAIL ${label}`);
      failures.push({ at: r.at ?? task.file, message: r.message, output: r.output });
    }
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));

if (list && fragments.length) {
  console.log('\nfragments (not run):');
  for (const f of fragments) console.log(`  ${f.at}: ${f.reason}`);
}
for (const f of failures) {
  console.error(`\ndoctest FAILED at ${f.at}\n  ${f.message}`);
  if (f.output) console.error(f.output.split('\n').slice(-25).map((l) => `    | ${l}`).join('\n'));
}
const secs = ((performance.now() - t0) / 1000).toFixed(1);
console.log(
  `\ndoctest: ${samples} samples run in ${tasks.length} programs (+${setups} hidden setup blocks) from ${files.length} pages and ${tsdocCount} TSDoc @example blocks; ${fragments.length} fragments; ${failures.length} failed (${secs} s)`,
);
process.exit(failures.length ? 1 : 0);
