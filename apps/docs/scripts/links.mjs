// Links in the pages copied from /docs: those that leave docs/ become repository paths, said once.
import { join, relative } from 'node:path';

/**
 * A link into the repository, as text: the path once. "[`examples/x`](../examples/x)" becomes
 * "`examples/x` (in the repository)", not "`examples/x` (`examples/x` in the repository)".
 */
export function repositoryMention(text, path) {
  const bare = text.replace(/`/g, '').trim().replace(/\/$/, '');
  if (bare === path || (bare.includes('/') && path.endsWith(`/${bare}`))) return `${text} (in the repository)`;
  return `${text} (\`${path}\` in the repository)`;
}

/** Links that leave /docs point into the repository; the site has no such page, so show the path instead. */
export function localiseLinks(markdown, fromDir, repo) {
  return markdown.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, text, target) => {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) return whole;
    const abs = join(fromDir, target.split('#')[0]);
    const rel = relative(join(repo, 'docs'), abs);
    if (!rel.startsWith('..')) return whole; // stays inside docs/: the site has the page
    return repositoryMention(text, relative(repo, abs));
  });
}

