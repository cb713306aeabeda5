/**
 * Every error class in the workspace's sources sets `name` to its own class name explicitly, so
 * messages in a minified browser bundle read `BackendUnavailableError: …`, not `ft: …` (bundlers
 * rename classes, and `new.target.name` then returns the mangled name).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from '../lib/workspace.mjs';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === '__fixtures__') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$|\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** `[file:line, class]` of every error class whose body does not name itself. */
function unnamedErrorClasses(files: readonly string[]): string[] {
  const missing: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/class\s+(\w+)\s+extends\s+(\w*Error)\b[^{]*\{/g)) {
      const cls = m[1]!;
      // The class body: from its brace to the next top-level class (good enough for these files).
      const rest = text.slice(m.index! + m[0].length);
      const body = rest.slice(0, rest.search(/\n(export\s+)?(abstract\s+)?class\s/) >>> 0);
      const named = new RegExp(`(this\\.name\\s*=|\\bname\\s*=)\\s*'${cls}'`).test(body);
      if (!named) missing.push(`${relative(root, file)}:${text.slice(0, m.index).split('\n').length} ${cls}`);
    }
  }
  return missing;
}

describe('error class names survive minification', () => {
  const files = ['packages', 'apps', 'examples'].flatMap((g) => readdirSync(join(root, g)).map((p) => join(root, g, p, 'src'))).filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  });
  const all = [...files, join(root, 'bench', 'src')].flatMap((d) => sources(d));

  it('every error class sets name to its class name', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(unnamedErrorClasses(all)).toEqual([]);
  });

  it('the check finds a class that does not', () => {
    const tmp = join(root, 'node_modules', '.error-names-test.ts');
    writeFileSync(tmp, "export class A extends Error {\n  constructor() { super('x'); }\n}\nexport class B extends A {}\nexport class C extends Error {\n  override name = 'C';\n}\n");
    try {
      expect(unnamedErrorClasses([tmp]).map((s) => s.split(' ')[1])).toEqual(['A']);
    } finally {
      rmSync(tmp, { force: true });
    }
  });
});
