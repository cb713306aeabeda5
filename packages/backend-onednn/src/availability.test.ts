// Where oneDNN is missing, the build prints one line and exits 0 and the backend lists itself as
// unavailable with that reason; where it is installed, the backend registers, threads are honoured
// and primitives are cached per shape.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, getBackend, listBackends, normalizeCapabilities, resetRegistry, selectBackend } from '@recur/backend';
import {
  BACKEND_PACKAGE_INFO,
  createOnednnBackend,
  defaultThreads,
  ONEDNN_1THREAD_PRIORITY,
  ONEDNN_CAPABILITIES,
  ONEDNN_PRIORITY,
  probeOnednn,
  registerOnednnBackend,
  type OnednnBackend,
} from './index.js';
import { loadAddonFrom } from './native.js';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'recur-onednn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('without oneDNN', () => {
  it('the build prints one line naming what is missing and how to install it, and exits 0', () => {
    const out = join(dir, 'build');
    const r = spawnSync(process.execPath, [join(pkgDir, 'scripts', 'build-addon.mjs')], {
      env: { ...process.env, ONEDNN_HOME: join(dir, 'no-onednn'), RECUR_ONEDNN_BUILD_DIR: out, RECUR_ONEDNN_REQUIRE: '' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/native addon not built: oneDNN headers were not found under ONEDNN_HOME=.*apt-get install libdnnl-dev.*ONEDNN_HOME/);
    const status = JSON.parse(readFileSync(join(out, 'addon-status.json'), 'utf8')) as { built: boolean; reason: string };
    expect(status.built).toBe(false);
    // The runtime reports the recorded reason as why `onednn` is unavailable.
    const load = loadAddonFrom(join(out, 'Release', 'recur_onednn.node'), join(out, 'addon-status.json'));
    expect(load.ok).toBe(false);
    expect(!load.ok && load.reason).toBe(`the native addon is not built (${status.reason})`);
  });

  it('RECUR_ONEDNN_REQUIRE=1 (CI, where oneDNN is installed) turns the skip into a failure', () => {
    const r = spawnSync(process.execPath, [join(pkgDir, 'scripts', 'build-addon.mjs')], {
      env: { ...process.env, ONEDNN_HOME: join(dir, 'no-onednn'), RECUR_ONEDNN_BUILD_DIR: join(dir, 'build-required'), RECUR_ONEDNN_REQUIRE: '1' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
  });

  it('a file that is not an addon is reported, not thrown', () => {
    const bad = join(dir, 'bad.node');
    writeFileSync(bad, 'not a shared library');
    const load = loadAddonFrom(bad, join(dir, 'none.json'));
    expect(load.ok).toBe(false);
    expect(!load.ok && load.reason).toMatch(/failed to load/);
  });
});

describe.skipIf(!probeOnednn().available)('with oneDNN', () => {
  afterEach(() => resetRegistry());

  it('registers as onednn above wasm, and auto picks it over wasm and cpu', async () => {
    registerOnednnBackend({ threads: 1 });
    const rows = await listBackends();
    const row = rows.find((r) => r.name === 'onednn');
    expect(row?.available).toBe(true);
    expect(row?.priority).toBe(ONEDNN_PRIORITY);
    expect(ONEDNN_PRIORITY).toBeGreaterThan(10);
    const b = await selectBackend(['auto']);
    expect(b.name).toBe('onednn');
    b.destroy();
  });

  it('BACKEND_PACKAGE_INFO registers every variant it declares; onednn-1thread runs on one thread', async () => {
    BACKEND_PACKAGE_INFO.register();
    const rows = await listBackends();
    for (const v of BACKEND_PACKAGE_INFO.variants) {
      const row = rows.find((r) => r.name === v.name);
      expect(row?.available, v.name).toBe(true);
      expect(row?.priority, v.name).toBe(v.priority);
    }
    expect(ONEDNN_1THREAD_PRIORITY).toBeLessThan(ONEDNN_PRIORITY);
    const one = (await getBackend('onednn-1thread')) as OnednnBackend;
    expect(one.ompThreads()).toBe(1);
    expect(one.capabilities).toEqual(normalizeCapabilities(ONEDNN_CAPABILITIES));
    const b = await selectBackend(['auto']);
    expect((b as OnednnBackend).threads).toBe(defaultThreads());
    one.destroy();
    b.destroy();
  });

  it('runs with `threads` OpenMP threads (default: the processors available)', async () => {
    const one = await createOnednnBackend({ threads: 1 });
    const two = await createOnednnBackend({ threads: 2 });
    const dflt = await createOnednnBackend();
    expect(one.ompThreads()).toBe(1);
    expect(two.ompThreads()).toBe(2);
    expect(one.ompThreads()).toBe(1);
    expect(dflt.threads).toBe(defaultThreads());
    expect(dflt.ompThreads()).toBe(defaultThreads());
    expect(one.onednnVersion().threading).toBe('openmp');
    for (const b of [one, two, dflt]) b.destroy();
    await expect(createOnednnBackend({ threads: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(createOnednnBackend({ threads: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  // With 2 threads, batches of 16+ rows are split into chunks that run the primitive in parallel
  // (native/rnn.cc, forEachGroup); the results must not depend on it.
  for (const cell of ['lstm', 'gru', 'rnn-tanh'] as const) {
    for (const lengths of [null, Int32Array.from({ length: 21 }, (_, b) => (b * 5) % 8)]) {
      it(`one and two threads give the same ${cell} training step (B=21${lengths ? ', lengths' : ''})`, async () => {
        const results: Float32Array[][] = [];
        for (const threads of [1, 2]) {
          const b = await createOnednnBackend({ threads });
          const T = 7, B = 21, I = 3, H = 6, G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
          const fill = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * s) * 0.5);
          const x = b.upload(fill(T * B * I, 0.7), [T, B, I]);
          const wIh = b.upload(fill(G * H * I, 1.3), [G * H, I]);
          const wHh = b.upload(fill(G * H * H, 0.9), [G * H, H]);
          const bias = b.upload(fill(G * H, 2.1), [G * H]);
          const h0 = b.upload(fill(B * H, 0.3), [B, H]);
          const y = b.alloc([T, B, 2 * H]);
          const hN = b.alloc([B, H]);
          const cN = cell === 'lstm' ? b.alloc([B, H]) : null;
          const shape = { cell, T, B, I, H, x, wIh, wHh, bIh: bias, bHh: bias, h0, reverse: true, yStride: 2 * H, yOffset: H, lengths };
          // Inference (no cache) and training forward must write the same y.
          const yInfer = b.alloc([T, B, 2 * H]);
          b.cellForward({ ...shape, y: yInfer, hN: b.alloc([B, H]), cN: cell === 'lstm' ? b.alloc([B, H]) : null });
          const cache = b.cellForward({ ...shape, y, hN, cN, training: true });
          const dWih = b.alloc([G * H, I]);
          const dWhh = b.alloc([G * H, H]);
          const dbIh = b.alloc([G * H]);
          const dx = b.alloc([T, B, I]);
          const dh0 = b.alloc([B, H]);
          b.cellBackward({ ...shape, cache: cache!, dy: y, dhN: hN, dx, dWih, dWhh, dbIh, dbHh: null, dh0 });
          results.push(await Promise.all([y, yInfer, hN, dWih, dWhh, dbIh, dx, dh0].map(async (t) => (await b.read(t)) as Float32Array)));
          b.destroy();
        }
        for (const r of results) for (let j = 0; j < r[0]!.length; j++) expect(Math.abs(r[0]![j]! - r[1]![j]!)).toBeLessThanOrEqual(1e-6);
        for (let i = 0; i < results[0]!.length; i++) {
          const [a, c] = [results[0]![i]!, results[1]![i]!];
          expect(a.some((v) => v !== 0)).toBe(true);
          for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - c[j]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(a[j]!)));
        }
      });
    }
  }

  it('creates RNN primitives once per shape and direction', async () => {
    const b = await createOnednnBackend({ threads: 1 });
    const run = (T: number, reverse: boolean) => {
      const x = b.alloc([T, 2, 3]);
      const w = b.alloc([9, 3]);
      const u = b.alloc([9, 3]);
      const y = b.alloc([T, 2, 3]);
      const h = b.alloc([2, 3]);
      b.cellForward({ cell: 'gru', T, B: 2, I: 3, H: 3, x, wIh: w, wHh: u, bIh: null, bHh: null, h0: null, y, hN: h, reverse });
      for (const t of [x, w, u, y, h]) b.dispose(t);
    };
    // (Inference over T ≤ 4 steps does not use the primitive; see native/short-forward.cc.)
    run(6, false);
    run(6, false);
    expect(b.cachedPrimitives()).toBe(1);
    run(6, true);
    run(7, false);
    run(7, false);
    expect(b.cachedPrimitives()).toBe(3);
    b.destroy();
  });
});
