/**
 * Every relative link in the repository's Markdown (READMEs, /docs, the site's hand-written pages)
 * points at a file or folder that exists: a README linking `examples/weather-forecast`, which does
 * not exist, fails here. Site-absolute links (`/guide/…`) are the site test's job.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { root } from '../lib/workspace.mjs';

/** `[file: target]` for each relative link in `text` whose target does not exist. */
function brokenLinks(file: string, text: string): string[] {
  const broken: string[] = [];
  const prose = text.replace(/^(\s*)(```|~~~)[\s\S]*?^\1\2\s*$/gm, ''); // not inside code blocks
  for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) continue;
    const path = decodeURIComponent(target.split('#')[0]!.split('?')[0]!);
    if (!existsSync(join(root, dirname(file), path))) broken.push(`${file}: ${target}`);
  }
  return broken;
}

describe('relative links in Markdown', () => {
  it('resolve to files in the repository', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.md'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('.changeset/') && existsSync(join(root, f)));
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => brokenLinks(f, readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it('the check finds a missing target', () => {
    expect(brokenLinks('README.md', 'See [it](examples/weather-forecast) and [ok](examples/long-range).')).toEqual(['README.md: examples/weather-forecast']);
  });
});
