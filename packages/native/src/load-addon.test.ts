import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { addonPaths, createAddonLoader, loadAddon, recordedReason } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'recur-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Addon {
  hello(): string;
  world(): string;
}

describe('loadAddon', () => {
  it('not built: the reason the build recorded, else the build hint', () => {
    const status = join(dir, 'status.json');
    const opts = { addonPath: join(dir, 'missing.node'), statusPath: status, required: ['hello'] as const, buildHint: 'run the build' };
    const bare = loadAddon<Addon>(opts);
    expect(bare).toMatchObject({ ok: false, path: opts.addonPath });
    expect(!bare.ok && bare.reason).toBe(`the native addon is not built (${opts.addonPath} does not exist; run the build)`);
    writeFileSync(status, JSON.stringify({ built: false, reason: 'no compiler was found' }));
    const recorded = loadAddon<Addon>(opts);
    expect(!recorded.ok && recorded.reason).toBe('the native addon is not built (no compiler was found)');
  });

  it('loads a module, checks its exports and runs the `around` wrapper', () => {
    // any CommonJS module loads like an addon does
    const mod = join(dir, 'fake.cjs');
    writeFileSync(mod, 'module.exports = { hello: () => "hi", world: 3 };');
    let wrapped = 0;
    const around = <T>(load: () => T): T => {
      wrapped++;
      return load();
    };
    const ok = loadAddon<Addon>({ addonPath: mod, statusPath: join(dir, 'none.json'), required: ['hello'], buildHint: '', around });
    expect(ok.ok && ok.addon.hello()).toBe('hi');
    expect(wrapped).toBe(1);
    const stale = loadAddon<Addon>({ addonPath: mod, statusPath: join(dir, 'none.json'), required: ['hello', 'world'], buildHint: '' });
    expect(!stale.ok && stale.reason).toBe(`the native addon at ${mod} lacks world; rebuild it`);
  });

  it('a file that fails to load: the loader\'s first line, never a throw', () => {
    const bad = join(dir, 'bad.node');
    writeFileSync(bad, 'not a shared library');
    const r = loadAddon<Addon>({ addonPath: bad, statusPath: join(dir, 'none.json'), required: ['hello'], buildHint: '' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(new RegExp(`^the native addon at ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} failed to load: \\S`));
    expect(!r.ok && r.reason).not.toContain('\n');
  });
});

describe('addonPaths and recordedReason', () => {
  it('put the addon under build/Release next to the module\'s package, unless the variable says where', () => {
    const moduleUrl = pathToFileURL(join(dir, 'pkg', 'dist', 'index.js')).href;
    expect(addonPaths(moduleUrl, 'x.node', 'RECUR_TEST_NATIVE_ADDON')).toEqual({
      addon: join(dir, 'pkg', 'build', 'Release', 'x.node'),
      status: join(dir, 'pkg', 'build', 'addon-status.json'),
    });
    process.env.RECUR_TEST_NATIVE_ADDON = join(dir, 'elsewhere', 'Release', 'y.node');
    try {
      expect(addonPaths(moduleUrl, 'x.node', 'RECUR_TEST_NATIVE_ADDON')).toEqual({
        addon: join(dir, 'elsewhere', 'Release', 'y.node'),
        status: join(dir, 'elsewhere', 'addon-status.json'),
      });
    } finally {
      delete process.env.RECUR_TEST_NATIVE_ADDON;
    }
  });

  it('reads a recorded reason; no file, bad JSON or no reason give null', () => {
    const f = join(dir, 'reason.json');
    expect(recordedReason(join(dir, 'nope.json'))).toBeNull();
    writeFileSync(f, '{ not json');
    expect(recordedReason(f)).toBeNull();
    writeFileSync(f, JSON.stringify({ built: true }));
    expect(recordedReason(f)).toBeNull();
    writeFileSync(f, JSON.stringify({ built: false, reason: 'libdnnl was not found' }));
    expect(recordedReason(f)).toBe('libdnnl was not found');
  });
});

describe('createAddonLoader', () => {
  it('resolves its paths, loads from any path, and loads its own addon once per process', () => {
    const pkg = join(dir, 'loader-pkg');
    const moduleUrl = pathToFileURL(join(pkg, 'dist', 'index.js')).href;
    const loader = createAddonLoader<Addon>({ moduleUrl, file: 'l.node', envVar: 'RECUR_TEST_LOADER_ADDON', required: ['hello'], buildHint: 'build it' });
    expect(loader.paths().addon).toBe(join(pkg, 'build', 'Release', 'l.node'));
    const first = loader.load();
    expect(!first.ok && first.reason).toContain('does not exist; build it');
    expect(loader.load()).toBe(first); // kept for the process
    const mod = join(dir, 'loader.cjs');
    writeFileSync(mod, 'module.exports = { hello: () => "hey" };');
    const other = loader.loadFrom(mod, join(dir, 'none.json'));
    expect(other.ok && other.addon.hello()).toBe('hey');
  });
});
