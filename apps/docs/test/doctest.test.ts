/**
 * The doctest runner (scripts/doctest.mjs) on small pages written here: a passing page, a sample
 * that throws (named by page and line), a redeclared name (a compile error, named by line), and the
 * marker rules. Needs the built packages (`pnpm build`), as the doctest step in CI does.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { autoImports, tsdocExamples } from '../scripts/doctest/tsdoc.mjs';

const script = fileURLToPath(new URL('../scripts/doctest.mjs', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../../packages/backend-cpu/dist/index.js', import.meta.url)));

function doctest(pages: Record<string, string>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'recur-doctest-test-'));
  try {
    const files = Object.entries(pages).map(([name, text]) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    });
    const r = spawnSync(process.execPath, [script, '--list', ...files], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fence = '```';

describe.skipIf(!built)('doctest runner', () => {
  it('runs a page as one program: imports merged across blocks, hidden setup, fragments counted', () => {
    const page = [
      '# A page',
      '<!-- doctest: setup',
      "import { createCpuBackend } from '@recur/backend-cpu';",
      'const backend = createCpuBackend();',
      '-->',
      `${fence}ts`,
      "import { createModel } from '@recur/core';",
      "const model = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 1, hiddenSize: 4, outputSize: 1 }, { backend, seed: 1 });",
      fence,
      'Text between.',
      `${fence}ts`,
      "import { createModel } from '@recur/core';",
      'const { output } = await model.predict({ inputs: new Float32Array(3), T: 3, B: 1 });',
      "if (output.length !== 1) throw new Error('wrong size');",
      fence,
      '<!-- doctest: fragment: shows a call that needs a GPU -->',
      `${fence}ts`,
      'undefinedThing();',
      fence,
      `${fence}sh`,
      'not run either',
      fence,
    ].join('\n');
    const r = doctest({ 'ok.md': page });
    expect(r.out).toMatch(/2 samples run in 1 programs \(\+1 hidden setup blocks\) from 1 pages and 0 TSDoc @example blocks; 1 fragments; 0 failed/);
    expect(r.out).toMatch(/ok\.md:18: shows a call that needs a GPU/);
    expect(r.status).toBe(0);
  });

  it('names the page and line of a sample that throws', () => {
    const page = ['# Broken', '', `${fence}ts`, "import { createCpuBackend } from '@recur/backend-cpu';", 'const be = createCpuBackend();', 'be.upload([1, 2, 3], [2, 2]);', fence].join('\n');
    const r = doctest({ 'broken.md': page });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/doctest FAILED at \S*broken\.md:6\n/);
    expect(r.out).toMatch(/Error/);
  });

  it('names the line of a compile error (a name declared twice across blocks)', () => {
    const page = ['# Twice', `${fence}js`, 'const x = 1;', fence, '', `${fence}js`, 'console.log(x);', 'const x = 2;', fence].join('\n');
    const r = doctest({ 'twice.md': page });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/twice\.md:8\n\s+SyntaxError: Identifier 'x' has already been declared/);
  });

  it('rejects a fragment without a reason, and a marker not followed by a code block', () => {
    const noReason = doctest({ 'a.md': ['<!-- doctest: fragment -->', `${fence}ts`, 'x();', fence].join('\n') });
    expect(noReason.status).toBe(1);
    expect(noReason.out).toMatch(/a\.md:1: a fragment needs a reason/);
    const dangling = doctest({ 'b.md': ['<!-- doctest: fragment: why -->', 'some prose', `${fence}ts`, 'x();', fence].join('\n') });
    expect(dangling.status).toBe(1);
    expect(dangling.out).toMatch(/b\.md:1: `doctest: fragment` must be followed directly by a code block/);
  });

  it('starts a new program at a reset marker', () => {
    const page = [`${fence}js`, 'const x = 1;', fence, '<!-- doctest: reset -->', `${fence}js`, 'const x = 2;', 'console.log(x);', fence].join('\n');
    const r = doctest({ 'reset.md': page });
    expect(r.out).toMatch(/2 samples run in 2 programs/);
    expect(r.status).toBe(0);
  });
});

describe('TSDoc @example blocks', () => {
  it('are extracted with their first code line, fenced or not, up to the next tag', () => {
    const src = ['/**', ' * Does x.', ' *', ' * @example', ' * const a = f(1);', ' * a.go();', ' * @example Titled', ' * ```ts', ' * g();', ' * ```', ' * @returns y', ' */', 'export function f() {}'].join('\n');
    expect(tsdocExamples(src)).toEqual([
      { code: 'const a = f(1);\na.go();', line: 5, title: '' },
      { code: 'g();', line: 9, title: 'Titled' },
    ]);
  });

  it('import only the names an example uses, from its own package first, never what it declares', () => {
    const exports: [string, string[]][] = [['@recur/data', ['window', 'Series', 'batches']], ['@recur/backend', ['useBackend', 'window']]];
    expect(autoImports('const s = Series.fromColumns({}); window(s, {}); await useBackend("x");', exports)).toBe("import { window, Series } from '@recur/data';\nimport { useBackend } from '@recur/backend';");
    expect(autoImports('const batches = 1; x.window(batches);', exports)).toBe('');
  });
});
