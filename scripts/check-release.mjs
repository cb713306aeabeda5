#!/usr/bin/env node
// Release hygiene, run by CI:
//   1. the root LICENSE exists; every published package has license MIT, `repository` (with its
//      directory), `engines`, public publishConfig and files: ["dist"];
//   2. .changeset/config.json never versions private packages;
//   3. every published package changed since the last release (or since --since REF) has a pending
//      changeset naming it. Tests, __fixtures__ and CHANGELOG.md do not count as changes.
// Usage: node scripts/check-release.mjs [--since REF] [--fix]
//   --fix  writes the missing `repository` / `engines` into the manifests (then review and commit)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changesetConfigProblems, defaultBase, fixManifest, manifestProblems, packagesMissingChangesets } from './lib/release-rules.mjs';
import { publishedPackages, root } from './lib/workspace.mjs';

const args = process.argv.slice(2);
const fix = args.includes('--fix');
const sinceAt = args.indexOf('--since');
const since = sinceAt >= 0 ? args[sinceAt + 1] : process.env.CHANGESET_SINCE;

const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const problems = [];
if (!existsSync(join(root, 'LICENSE'))) problems.push('LICENSE: the root has no LICENSE file (every package says MIT).');
const published = publishedPackages();
for (const pkg of published) {
  let found = manifestProblems(pkg, rootManifest);
  if (found.length && fix) {
    writeFileSync(join(pkg.path, 'package.json'), JSON.stringify(fixManifest(pkg, rootManifest), null, 2) + '\n');
    console.log(`fixed ${pkg.dir}/package.json`);
    found = manifestProblems({ ...pkg, manifest: fixManifest(pkg, rootManifest) }, rootManifest);
  }
  for (const p of found) problems.push(`${pkg.dir}/package.json (${pkg.name}): ${p}`);
}
problems.push(...changesetConfigProblems(JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'))));

let base;
try {
  base = since ?? defaultBase(root);
} catch (e) {
  problems.push(e.message);
}
if (base) {
  for (const m of packagesMissingChangesets(root, base, published)) {
    problems.push(
      `${m.name} changed since ${base.slice(0, 12)} (${m.files.slice(0, 3).join(', ')}${m.files.length > 3 ? `, +${m.files.length - 3} more` : ''}) but no pending changeset names it: run \`pnpm changeset\` (or add .changeset/<name>.md listing "${m.name}": patch|minor).`,
    );
  }
}

if (problems.length) {
  console.error(`release hygiene: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
console.log(`release hygiene: ok (${published.length} published packages; changesets checked since ${base.slice(0, 12)})`);
