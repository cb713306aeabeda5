// Release hygiene rules, shared by scripts/check-release.mjs, the scaffold (scripts/new-package.mjs)
// and their tests: what every published package's manifest must carry, and which changed published
// packages lack a changeset.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Node versions every package supports (DESIGN.md §6: Node 20). */
export const NODE_ENGINES = { node: '>=20' };

/** `repository` for a package in `dir`, from the root manifest's repository URL. */
export function repositoryFor(rootManifest, dir) {
  const url = typeof rootManifest.repository === 'string' ? rootManifest.repository : rootManifest.repository?.url;
  if (!url) throw new Error('The root package.json has no `repository` URL; add one first.');
  return { type: 'git', url, directory: dir };
}

/**
 * Problems with one published package's manifest, each a sentence that says how to fix it.
 * @param {{ name: string, dir: string, manifest: Record<string, any> }} pkg
 * @param {Record<string, any>} rootManifest
 */
export function manifestProblems(pkg, rootManifest) {
  const m = pkg.manifest;
  const problems = [];
  const want = repositoryFor(rootManifest, pkg.dir);
  if (m.license !== 'MIT') problems.push(`"license" must be "MIT" (the root LICENSE), got ${JSON.stringify(m.license)}`);
  const repo = m.repository;
  if (!repo || typeof repo !== 'object' || repo.url !== want.url || repo.directory !== want.directory) {
    problems.push(`"repository" must be ${JSON.stringify(want)}`);
  }
  if (!m.engines || m.engines.node !== NODE_ENGINES.node) problems.push(`"engines" must be ${JSON.stringify(NODE_ENGINES)}`);
  if (m.publishConfig?.access !== 'public') problems.push('"publishConfig" must be { "access": "public" } (scoped packages are private on npm otherwise)');
  if (!Array.isArray(m.files) || !m.files.includes('dist')) problems.push('"files" must include "dist"');
  return problems;
}

/** The manifest with `repository` and `engines` set (placed after `license`), for `--fix`. */
export function fixManifest(pkg, rootManifest) {
  const out = {};
  for (const [k, v] of Object.entries(pkg.manifest)) {
    if (k === 'repository' || k === 'engines') continue;
    out[k] = v;
    if (k === 'license') {
      out.repository = repositoryFor(rootManifest, pkg.dir);
      out.engines = { ...NODE_ENGINES };
    }
  }
  if (!('repository' in out)) out.repository = repositoryFor(rootManifest, pkg.dir);
  if (!('engines' in out)) out.engines = { ...NODE_ENGINES };
  return out;
}

/** Problems with .changeset/config.json: private packages must not be versioned. */
export function changesetConfigProblems(config) {
  const problems = [];
  if (config.privatePackages?.version !== false || config.privatePackages?.tag !== false) {
    problems.push('.changeset/config.json: set "privatePackages": { "version": false, "tag": false } so that docs, bench and examples are never versioned');
  }
  return problems;
}

/** Package names listed in the frontmatter of the pending changesets in `dir` (.changeset). */
export function pendingChangesetPackages(dir) {
  const names = new Set();
  if (!existsSync(dir)) return names;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    if (!front) continue;
    for (const line of front[1].split(/\r?\n/)) {
      const m = /^\s*["']?(@?[\w./-]+)["']?\s*:\s*(major|minor|patch|none)\s*$/.exec(line);
      if (m) names.add(m[1]);
    }
  }
  return names;
}

/** Files that ship or change behaviour; tests, fixtures and changelogs do not need a changeset. */
export function isReleaseRelevant(file) {
  return !/(^|\/)(__fixtures__|test)\//.test(file) && !/\.test\.[cm]?[jt]sx?$/.test(file) && !/(^|\/)CHANGELOG\.md$/.test(file);
}

/**
 * The ref to compare against when none is given: the last release (the newest commit that deleted
 * pending changesets, which is what `changeset version` does), else the repository's first commit.
 * Works on a fresh clone of main, which has the whole history.
 */
export function defaultBase(cwd) {
  const git = (...args) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  if (git('rev-parse', '--is-shallow-repository') === 'true') {
    throw new Error('This clone is shallow, so the last release cannot be found; fetch the history (git fetch --unshallow) or pass --since REF.');
  }
  const release = git('log', '-1', '--diff-filter=D', '--format=%H', '--', '.changeset/*.md');
  return release || git('rev-list', '--max-parents=0', 'HEAD').split('\n').at(-1);
}

/**
 * Published packages with release-relevant changes between `base` and the working tree that no
 * pending changeset names.
 * @param {string} cwd repository root
 * @param {string} base a commit-ish
 * @param {{ name: string, dir: string }[]} published
 */
export function packagesMissingChangesets(cwd, base, published) {
  const diff = execFileSync('git', ['diff', '--name-only', base, '--'], { cwd, encoding: 'utf8' });
  const untracked = execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { cwd, encoding: 'utf8' });
  const changed = [...diff.split('\n'), ...untracked.split('\n')].filter(Boolean).filter(isReleaseRelevant);
  const covered = pendingChangesetPackages(join(cwd, '.changeset'));
  const missing = [];
  for (const pkg of published) {
    const files = changed.filter((f) => f.startsWith(`${pkg.dir}/`));
    if (files.length && !covered.has(pkg.name)) missing.push({ name: pkg.name, files });
  }
  return missing;
}
