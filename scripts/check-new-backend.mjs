#!/usr/bin/env node
// Reproduces the contributor guide (docs/contributing/add-a-backend.md) from scratch, as CI does:
//   1. scaffold packages/backend-scaffold-check with scripts/new-package.mjs;
//   2. check what the scaffold wrote: dependencies (@recur/backend), devDependencies
//      (@recur/conformance), repository, engines, the fixed changeset group, a changeset,
//      BACKEND_PACKAGE_INFO (the bench's and the docs' hook) and a conformance test file;
//   3. add the CPU backend as a dependency the way the guide says; the skeleton as scaffolded must
//      typecheck and lint; then write the kernels as a wrapper around the CPU backend
//      (scripts/fixtures/cpu-wrapper-backend.ts);
//   4. run its conformance suite, typecheck and lint;
//   5. delete it and restore every file it touched (pnpm-lock.yaml, .changeset/config.json,
//      apps/docs/package.json), whatever happened.
// Needs the workspace built (`pnpm build`). Exits 1 on the first failure, naming the step.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestProblems, pendingChangesetPackages } from './lib/release-rules.mjs';
import { pnpm, root } from './lib/workspace.mjs';

const DIR = 'packages/backend-scaffold-check';
const NAME = '@recur/backend-scaffold-check';
const SHORT = 'scaffold-check';
const PASCAL = 'ScaffoldCheck';
const touched = ['pnpm-lock.yaml', '.changeset/config.json', 'apps/docs/package.json'];
const saved = new Map(touched.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
const changeset = join(root, '.changeset', 'backend-scaffold-check-initial.md');
const t0 = Date.now();

if (existsSync(join(root, DIR))) {
  console.error(`check-new-backend: ${DIR} exists already (a previous run was killed?); delete it first.`);
  process.exit(1);
}

function step(title) {
  console.log(`\n--- [${((Date.now() - t0) / 1000).toFixed(0)} s] ${title}`);
}

function sh(cmd, args, options = {}) {
  const [bin, ...pre] = Array.isArray(cmd) ? cmd : [cmd];
  const r = spawnSync(bin, [...pre, ...args], { cwd: root, stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`\`${[bin, ...pre, ...args].join(' ')}\` exited with ${r.status ?? r.signal}`);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

let failed = null;
try {
  step('1. scaffold (node scripts/new-package.mjs)');
  sh(process.execPath, ['scripts/new-package.mjs', DIR, NAME, 'Scaffold check: the CPU kernels behind its own handles']);

  step('2. what the scaffold wrote');
  const manifest = JSON.parse(readFileSync(join(root, DIR, 'package.json'), 'utf8'));
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(manifest.dependencies?.['@recur/backend'] === 'workspace:*', 'dependencies lack "@recur/backend": "workspace:*"');
  expect(manifest.devDependencies?.['@recur/conformance'] === 'workspace:*', 'devDependencies lack "@recur/conformance": "workspace:*" (typecheck would fail with TS2307)');
  const problems = manifestProblems({ name: NAME, dir: DIR, manifest }, rootManifest);
  expect(problems.length === 0, `manifest: ${problems.join('; ')}`);
  const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
  const glob = (p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  expect((config.fixed?.[0] ?? []).some((p) => glob(p).test(NAME)), `${NAME} is not in the fixed version group of .changeset/config.json`);
  expect(pendingChangesetPackages(join(root, '.changeset')).has(NAME), 'no changeset names the new package');
  const docs = JSON.parse(readFileSync(join(root, 'apps', 'docs', 'package.json'), 'utf8'));
  expect(docs.devDependencies?.[NAME] === 'workspace:*', '@recur/docs does not depend on the new package (its page would race the docs build)');
  const info = readFileSync(join(root, DIR, 'src', 'package-info.ts'), 'utf8');
  expect(/export const BACKEND_PACKAGE_INFO: BackendPackageInfo/.test(info) && info.includes(`name: '${SHORT}'`), 'src/package-info.ts does not declare BACKEND_PACKAGE_INFO with the registry name');
  expect(existsSync(join(root, DIR, 'src', `${SHORT}.conformance.test.ts`)), 'no conformance test file');
  console.log('dependencies, devDependencies, repository, engines, fixed group, changeset, BACKEND_PACKAGE_INFO, conformance test: ok');

  step(`3. pnpm --filter ${NAME} add '@recur/backend-cpu@workspace:*', and the kernels (a wrapper around it)`);
  sh(pnpm, ['--filter', NAME, 'add', '@recur/backend-cpu@workspace:*', '--offline']);
  step('3b. the skeleton as scaffolded typechecks and lints');
  sh(pnpm, ['--filter', NAME, 'typecheck']);
  sh(pnpm, ['--filter', NAME, 'lint']);
  const wrapper = readFileSync(join(root, 'scripts', 'fixtures', 'cpu-wrapper-backend.ts'), 'utf8').replaceAll('__PASCAL__', PASCAL).replaceAll('__SHORT__', SHORT);
  writeFileSync(join(root, DIR, 'src', 'backend.ts'), wrapper);

  step('4a. its conformance suite');
  sh(pnpm, ['exec', 'vitest', 'run', DIR]);
  step('4b. typecheck');
  sh(pnpm, ['--filter', NAME, 'typecheck']);
  step('4c. lint');
  sh(pnpm, ['--filter', NAME, 'lint']);
} catch (e) {
  failed = e;
} finally {
  step('5. delete it and restore the files it touched');
  rmSync(join(root, DIR), { recursive: true, force: true });
  rmSync(changeset, { force: true });
  for (const [file, text] of saved) writeFileSync(join(root, file), text);
  const r = spawnSync(pnpm[0], [...pnpm.slice(1), 'install', '--offline', '--frozen-lockfile'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.error('check-new-backend: `pnpm install --offline --frozen-lockfile` after the cleanup failed; run `pnpm install`.');
}
const secs = ((Date.now() - t0) / 1000).toFixed(0);
if (failed) {
  console.error(`\ncheck-new-backend: FAILED after ${secs} s: ${failed.message}`);
  process.exit(1);
}
console.log(`\ncheck-new-backend: the guide's backend was scaffolded, passed its conformance suite, typecheck and lint, and was removed (${secs} s)`);
