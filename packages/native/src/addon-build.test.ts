// The build steps run in a child process (they exit it): skipped, up to date, compiler failure, done.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findNodeApiHeaders, which } from './index.js';

// the child imports the built package (run `pnpm build` first; the tests skip with that reason otherwise)
const distPath = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');
const dist = pathToFileURL(distPath).href;
const dir = mkdtempSync(join(tmpdir(), 'recur-native-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run `body` (with `b`, an AddonBuild for a package in `dir`) in a child; its exit code, output and status file. */
function child(body: string, env: Record<string, string> = {}) {
  const script = `
    import { AddonBuild } from ${JSON.stringify(dist)};
    const b = new AddonBuild({ packageName: '@recur/test', packageDir: ${JSON.stringify(dir)}, addonFile: 'x.node', envPrefix: 'RECUR_TEST', howToInstall: 'Install the thing.' });
    ${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  const statusPath = join(dir, 'build', 'addon-status.json');
  const status = existsSync(statusPath) ? (JSON.parse(readFileSync(statusPath, 'utf8')) as Record<string, unknown>) : null;
  return { code: r.status, out: r.stdout, err: r.stderr, status };
}

const built = existsSync(distPath);
if (!built) console.log(`AddonBuild tests skipped: ${distPath} is not built (run pnpm build)`);

describe.skipIf(!built)('AddonBuild (in a child process)', () => {
  it('skip: records the reason, prints one line with the fix, exits 0 (1 when required)', () => {
    const r = child(`b.skip('no compiler was found');`);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe('[@recur/test] native addon not built: no compiler was found. Install the thing.');
    expect(r.status).toMatchObject({ built: false, reason: 'no compiler was found', keptEarlierBuild: false });
    expect(child(`b.skip('no compiler was found');`, { RECUR_TEST_REQUIRE: '1' }).code).toBe(1);
  });

  it('exitIfUpToDate: exits 0 when the addon is newer than every input, else makes the directories', () => {
    const input = join(dir, 'a.cc');
    writeFileSync(input, '// source');
    const addon = join(dir, 'build', 'Release', 'x.node');
    mkdirSync(dirname(addon), { recursive: true });
    writeFileSync(addon, 'built');
    utimesSync(input, new Date(1000), new Date(1000));
    const fresh = child(`b.exitIfUpToDate([${JSON.stringify(input)}], { cxx: 'c++' }); console.log('went on');`);
    expect(fresh.code).toBe(0);
    expect(fresh.out).toContain('native addon is up to date');
    expect(fresh.out).not.toContain('went on');
    expect(fresh.status).toMatchObject({ built: true, upToDate: true, cxx: 'c++' });
    const forced = child(`b.exitIfUpToDate([${JSON.stringify(input)}], {}); console.log('went on');`, { RECUR_TEST_FORCE: '1' });
    expect(forced.out).toContain('went on');
    expect(existsSync(join(dir, 'build', 'obj'))).toBe(true);
  });

  it('run: a failing step prints its output, records it and exits; finish records the build', () => {
    const failed = child(`b.run(process.execPath, ['-e', 'console.error("boom"); process.exit(3)'], { cxx: 'c++' });`);
    expect(failed.code).toBe(0);
    expect(failed.err).toContain('boom');
    expect(failed.out).toContain('native addon not built: the compiler failed');
    expect(failed.status).toMatchObject({ built: false, cxx: 'c++' });
    expect(String(failed.status?.reason)).toContain('boom');
    const done = child(`b.run(process.execPath, ['-e', '0'], {}); b.finish({ cxx: 'c++' }, Date.now(), 'against nothing');`);
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/^\[@recur\/test\] built .*x\.node in \d+\.\d s against nothing$/m);
    expect(done.status).toMatchObject({ built: true, cxx: 'c++' });
  });
});

describe('which and findNodeApiHeaders', () => {
  it('find node on PATH, and the headers where NODE_API_HEADERS points', () => {
    expect(which('node')).toMatch(/node$/);
    expect(which('surely-not-a-command-here')).toBeNull();
    const headers = join(dir, 'headers');
    mkdirSync(headers, { recursive: true });
    writeFileSync(join(headers, 'node_api.h'), '');
    process.env.NODE_API_HEADERS = headers;
    try {
      expect(findNodeApiHeaders()).toBe(headers);
    } finally {
      delete process.env.NODE_API_HEADERS;
    }
  });
});
