/**
 * Release hygiene (scripts/check-release.mjs): the repository passes its own rules, and each rule
 * fails on the mistake it exists for (a manifest without engines/repository; a published package
 * changed without a changeset, in a throwaway git repository).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changesetConfigProblems, defaultBase, manifestProblems, packagesMissingChangesets, pendingChangesetPackages } from '../lib/release-rules.mjs';
import { publishedPackages, root } from '../lib/workspace.mjs';

const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('release hygiene rules', () => {
  it('every published package of this repository passes them, and the changeset config skips private packages', () => {
    const published = publishedPackages();
    expect(published.length).toBeGreaterThanOrEqual(12);
    for (const pkg of published) expect(manifestProblems(pkg, rootManifest), pkg.dir).toEqual([]);
    expect(changesetConfigProblems(JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8')))).toEqual([]);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('names a manifest without repository or engines, and a config that versions private packages', () => {
    const pkg = { name: '@recur/x', dir: 'packages/x', manifest: { name: '@recur/x', license: 'MIT', files: ['dist'], publishConfig: { access: 'public' } } };
    const problems = manifestProblems(pkg, rootManifest);
    expect(problems.join('\n')).toMatch(/"repository" must be .*"directory":"packages\/x"/);
    expect(problems.join('\n')).toMatch(/"engines" must be \{"node":">=20"\}/);
    expect(changesetConfigProblems({})).toHaveLength(1);
  });

  it('finds a published package changed without a changeset, and accepts it once one names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-release-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    try {
      git('init', '-q', '-b', 'main');
      git('config', 'user.email', 't@example.com');
      git('config', 'user.name', 't');
      mkdirSync(join(dir, 'packages', 'a', 'src'), { recursive: true });
      mkdirSync(join(dir, '.changeset'));
      writeFileSync(join(dir, 'packages', 'a', 'src', 'index.ts'), 'export const a = 1;\n');
      git('add', '-A');
      git('commit', '-qm', 'first');
      const published = [{ name: '@recur/a', dir: 'packages/a' }];
      const base = defaultBase(dir);
      expect(packagesMissingChangesets(dir, base, published)).toEqual([]);

      writeFileSync(join(dir, 'packages', 'a', 'src', 'index.test.ts'), 'test\n');
      expect(packagesMissingChangesets(dir, base, published)).toEqual([]); // tests alone need none

      writeFileSync(join(dir, 'packages', 'a', 'src', 'index.ts'), 'export const a = 2;\n');
      git('add', '-A');
      git('commit', '-qm', 'change a');
      expect(packagesMissingChangesets(dir, base, published)).toEqual([{ name: '@recur/a', files: ['packages/a/src/index.ts'] }]);

      writeFileSync(join(dir, '.changeset', 'a-two.md'), '---\n"@recur/a": patch\n---\n\na is 2.\n');
      expect(pendingChangesetPackages(join(dir, '.changeset'))).toEqual(new Set(['@recur/a']));
      expect(packagesMissingChangesets(dir, base, published)).toEqual([]);

      // `changeset version` deletes the pending changesets: that commit is the next base.
      git('add', '-A');
      git('commit', '-qm', 'changeset');
      rmSync(join(dir, '.changeset', 'a-two.md'));
      git('add', '-A');
      git('commit', '-qm', 'release');
      expect(defaultBase(dir)).toBe(git('rev-parse', 'HEAD').trim());
      expect(packagesMissingChangesets(dir, defaultBase(dir), published)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
