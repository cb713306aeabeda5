#!/usr/bin/env node
// `npm run test:pack`: proves that every publishable package installs and works on its own, the way
// a user gets it from npm, with no workspace around it.
//
// For each package that is not private:
//   1. `pnpm pack` it (after `pnpm build`), and check the tarball: no `workspace:` range survives,
//      and every file its `exports` / `main` / `types` / `bin` point at is inside.
//   2. In an empty temporary project (outside the repository), `npm install` its tarball together
//      with the tarballs of the @recur packages it depends on (nothing else of the monorepo),
//      preferring npm's cache (`--prefer-offline`; the registry is used for what the cache lacks).
//   3. Run a small ESM script and a small CJS script that import it and use it: backends run one
//      LSTM cell step and compare it with the equations (or, where the machine cannot run them,
//      report unavailable with a reason instead of crashing); the CLI runs its installed `recur` bin.
//   4. Type-check a small .mts and .cts consumer with tsc (strict, nodenext, skipLibCheck off), so
//      the `types` of both the import and require conditions resolve.
// Exits 1 on the first failed check, with what failed and the log of the failing command.
//
// Options: --keep (leave the temporary directory), --only a,b (package names without @recur/).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pnpm, root } from './lib/workspace.mjs';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const only = onlyArg ? new Set(onlyArg.split(',').map((s) => (s.startsWith('@recur/') ? s : `@recur/${s}`))) : null;
const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'recur-pack-'));
const tarDir = join(work, 'tarballs');
mkdirSync(tarDir);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function fail(message, log = '') {
  console.error(`✗ ${message}`);
  if (log) console.error(log.trimEnd().split('\n').slice(-40).map((l) => `    ${l}`).join('\n'));
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.error(`(kept ${work})`);
  process.exit(1);
}

function sh(cmd, argv, options = {}) {
  const [bin, ...pre] = Array.isArray(cmd) ? cmd : [cmd];
  const r = spawnSync(bin, [...pre, ...argv], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function shAsync(cmd, argv, options = {}) {
  return new Promise((res) => {
    const child = spawn(cmd, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => res({ ok: false, out: `${out}${e.message}` }));
    child.on('close', (code) => res({ ok: code === 0, out }));
  });
}

// ---- the publishable packages -------------------------------------------------------------------
const packages = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    packages.push({ dir, pkg });
  }
}
const byName = new Map(packages.map((p) => [p.pkg.name, p]));

/** The @recur packages `name` needs at run time (dependencies, transitively), itself included. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(byName.get(name).pkg.dependencies ?? {})) if (byName.has(dep)) closure(dep, seen);
  return seen;
}

// ---- what each consumer does with its package ---------------------------------------------------
// One LSTM step (T = B = 1, I = 2, H = 1; gate rows i, f, g, o) through the Backend contract,
// compared with the equations computed here.
const FORWARD = `
async function forwardOnce(backend) {
  const wIh = backend.upload([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [4, 2]);
  const wHh = backend.upload([0.1, 0.1, 0.1, 0.1], [4, 1]);
  const bIh = backend.upload([0.01, 0.02, 0.03, 0.04], [4]);
  const bHh = backend.upload([0.05, 0.05, 0.05, 0.05], [4]);
  const x = backend.upload([1, -1], [1, 1, 2]);
  const y = backend.alloc([1, 1, 1]);
  const hN = backend.alloc([1, 1]);
  const cN = backend.alloc([1, 1]);
  backend.cellForward({ cell: 'lstm', T: 1, B: 1, I: 2, H: 1, wIh, wHh, bIh, bHh, x, h0: null, c0: null, y, hN, cN });
  const h = (await backend.read(hN))[0];
  const c = (await backend.read(cN))[0];
  const sig = (v) => 1 / (1 + Math.exp(-v));
  const pre = [0.1 - 0.2 + 0.01, 0.3 - 0.4 + 0.02, 0.5 - 0.6 + 0.03, 0.7 - 0.8 + 0.04].map((v) => v + 0.05);
  const cWant = sig(pre[0]) * Math.tanh(pre[2]); // c' = f*c0 + i*g with c0 = 0
  const hWant = sig(pre[3]) * Math.tanh(cWant); // h' = o*tanh(c')
  if (!(Math.abs(h - hWant) < 1e-5 && Math.abs(c - cWant) < 1e-5)) throw new Error(\`LSTM step on \${backend.name}: h=\${h} c=\${c}, expected h=\${hWant} c=\${cWant}\`);
  backend.destroy();
  console.log(\`one LSTM step on \${backend.name} matches the equations (h=\${h.toFixed(6)})\`);
}
function assert(cond, what) { if (!cond) throw new Error('check failed: ' + what); }
async function probed(availability, run) {
  if (availability.available) return run();
  assert(typeof availability.reason === 'string' && availability.reason.length > 10, 'an unavailable backend gives a reason');
  console.log('unavailable here, with a reason: ' + availability.reason);
}
`;

/** Per package: the body run with the module bound to `m` (ESM and CJS), and a typed export for tsc. */
const SMOKE = {
  '@recur/backend': {
    symbol: 'registerBackend',
    body: `m.registerBackend('x', { create: () => { throw new Error('no'); }, probe: () => ({ available: false, reason: 'test backend' }) });
      const rows = await m.listBackends(); assert(rows.length === 1 && rows[0].reason === 'test backend', 'registry lists');
      assert(new m.ShapeError('x', [1], [2]) instanceof m.RecurError, 'typed errors');`,
  },
  '@recur/backend-cpu': { symbol: 'createCpuBackend', body: `await forwardOnce(m.createCpuBackend());` },
  '@recur/backend-wasm': { symbol: 'createWasmBackend', body: `await probed(m.probeWasmBackend(), async () => forwardOnce(await m.createWasmBackend()));` },
  '@recur/backend-webgpu': {
    symbol: 'createWebgpuBackend',
    // The optional `webgpu` peer (Dawn) is not installed here: the probe must say so, not crash.
    body: `const a = await m.probeWebgpu(); assert(!a.available && /webgpu/.test(a.reason), 'without the webgpu package: unavailable, naming it'); await probed(a, () => {});`,
  },
  '@recur/backend-cuda': { symbol: 'createCudaBackend', body: `await probed(m.probeCuda(), async () => forwardOnce(await m.createCudaBackend()));` },
  '@recur/backend-onednn': { symbol: 'createOnednnBackend', body: `await probed(await m.probeOnednn(), async () => forwardOnce(await m.createOnednnBackend({ threads: 1 })));` },
  '@recur/backend-tfjs': {
    symbol: 'createTfjsBackend',
    extras: ['@tensorflow/tfjs-core@^4.22.0', '@tensorflow/tfjs-backend-cpu@^4.22.0'],
    body: `await forwardOnce(await m.createTfjsBackend({ engine: 'cpu' }));`,
  },
  '@recur/core': {
    symbol: 'createModel',
    body: `const bytes = m.encodeSafetensors({ w: { shape: [2], data: new Float32Array([1.5, -2]) } });
      const back = m.decodeSafetensors(bytes).tensors.w; assert(back.shape[0] === 2 && back.data[1] === -2, 'safetensors round trip');
      assert(m.validateModelConfig({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 2, outputSize: 1 }).numLayers === 1, 'config defaults');`,
  },
  '@recur/data': {
    symbol: 'chronologicalSplit',
    body: `const s = m.createSeries({ data: new Float32Array([1, 2, 3, 4, 5, 6]), columns: ['y'] });
      const w = m.window(s, { lookback: 2, horizon: 1 }); assert(w.count === 4, 'windowing: ' + w.count);`,
  },
  '@recur/datasets': {
    symbol: 'loadDataset',
    body: `const s = await m.loadDataset('co2-concentration'); assert(s.length > 500, 'CO2 series loads from its npm package: ' + s.length);`,
  },
  '@recur/native': {
    symbol: 'loadAddon',
    body: `const r = m.loadAddon({ addonPath: '/nonexistent/x.node', statusPath: '/nonexistent/s.json', required: ['f'], buildHint: 'build it' });
      assert(!r.ok && /not built .*build it/.test(r.reason), 'a missing addon gives a reason: ' + r.reason);
      assert(m.nativeCellShape({ cell: 'gru', T: 1, B: 1, I: 1, H: 2 }, { reverse: false, yStride: 2, yOffset: 0, lengths: null }).cell === 3, 'cell codes');
      assert(typeof m.nativeElementwiseKernels().fill === 'function' && typeof m.AddonBuild === 'function', 'kernels and build steps');`,
  },
  '@recur/eval': { symbol: 'mae', body: `assert(Math.abs(m.mae([1, 2, 3], [2, 2, 5]) - 1) < 1e-12, 'mae');` },
  '@recur/onnx': { symbol: 'importOnnx', body: `let refused = false; try { await m.importOnnx(new Uint8Array([1, 2, 3])); } catch (e) { refused = e.code === 'E_MODEL_FORMAT'; } assert(refused, 'non-ONNX bytes give a typed ModelFormatError');` },
  // ESM only (it imports vitest, which has no CJS build): CJS users load it with import().
  '@recur/conformance': { symbol: 'describeBackendConformance', esmOnly: true, body: `assert(typeof m.describeBackendConformance === 'function', 'suite entry');` },
  '@recur/cli': {
    symbol: 'runCli',
    body: `assert(m.COMMANDS.some((c) => c.name === 'import-torch'), 'command table');`,
    // The installed bin: lists every backend, then trains on the default backend.
    bin: true,
  },
};

const NOT_ANY = 'type IsAny<T> = 0 extends 1 & T ? true : false;\n';

function consumerFiles(name) {
  const s = SMOKE[name];
  if (!s) fail(`no smoke test for ${name}: add one to SMOKE in scripts/pack-check.mjs`);
  const run = (pre = '') => `(async () => {\n${pre}${s.body}\n})().then(() => console.log('ok'), (e) => { console.error(e); process.exit(1); });\n`;
  const cjs = s.esmOnly
    ? `${FORWARD}\ntry { require('${name}'); throw new Error('require() of an ESM-only package should fail'); } catch (e) { if (!/ERR_PACKAGE_PATH_NOT_EXPORTED|ERR_REQUIRE_ESM/.test(e.code)) throw e; }\n${run(`const m = await import('${name}');\n`)}`
    : `const m = require('${name}');\n${FORWARD}\n${run()}`;
  return {
    'esm.mjs': `import * as m from '${name}';\n${FORWARD}\n${run()}`,
    'cjs.cjs': cjs,
    // The export must resolve to a declared type, not `any` (an unresolved import inside a .d.ts gives any).
    'types.mts': `import * as m from '${name}';\n${NOT_ANY}export const typed: IsAny<typeof m.${s.symbol}> = false;\n`,
    'types.cts': s.esmOnly
      ? `${NOT_ANY}export async function load(): Promise<false> {\n  const m = await import('${name}');\n  const typed: IsAny<typeof m.${s.symbol}> = false;\n  return typed;\n}\n`
      : `import m = require('${name}');\n${NOT_ANY}export const typed: IsAny<typeof m.${s.symbol}> = false;\n`,
    // skipLibCheck: third-party declarations may conflict among themselves (e.g. @webgpu/types with TypeScript 6's lib.dom);
    // errors in the consumer, unresolved modules and missing declarations are still reported.
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['types.mts', 'types.cts'] }, null, 2),
  };
}

// ---- 1. pack and inspect ------------------------------------------------------------------------
const build = sh(pnpm, ['exec', 'turbo', 'run', 'build', ...packages.map((p) => `--filter=${p.pkg.name}`), '--output-logs=errors-only'], { cwd: root });
if (!build.ok) fail('build failed', build.out);
const tarballs = new Map();
for (const { dir, pkg } of packages) {
  const before = new Set(readdirSync(tarDir));
  const r = sh(pnpm, ['pack', '--pack-destination', tarDir], { cwd: dir });
  const made = readdirSync(tarDir).filter((f) => !before.has(f) && f.endsWith('.tgz'));
  if (!r.ok || made.length !== 1) fail(`pnpm pack ${pkg.name}`, r.out);
  const tgz = join(tarDir, made[0]);
  tarballs.set(pkg.name, tgz);
  const manifestText = sh('tar', ['-xzOf', tgz, 'package/package.json']).out;
  if (/workspace:/.test(manifestText)) fail(`${pkg.name}: a workspace: range survived packing:\n${manifestText.split('\n').filter((l) => l.includes('workspace:')).join('\n')}`);
  const manifest = JSON.parse(manifestText);
  const files = new Set(sh('tar', ['-tzf', tgz]).out.split('\n').map((f) => f.replace(/^package\//, '')));
  const targets = [];
  const walk = (v) => (typeof v === 'string' ? targets.push(v) : v && typeof v === 'object' ? Object.values(v).forEach(walk) : null);
  walk(manifest.exports);
  walk(manifest.bin);
  for (const k of ['main', 'module', 'types']) if (manifest[k]) targets.push(manifest[k]);
  for (const t of targets) {
    if (t.endsWith('package.json')) continue;
    if (!files.has(t.replace(/^\.\//, ''))) fail(`${pkg.name}: ${t} (named in package.json) is not in the tarball`);
  }
  console.log(`✓ packed ${pkg.name} (${made[0]}): no workspace: ranges, ${targets.length} entry points present`);
}

// ---- 2-4. install each alone and use it ---------------------------------------------------------
async function checkPackage(name) {
  const t0 = Date.now();
  const dir = join(work, name.replace('@recur/', ''));
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name.replace('@recur/', '')}`, version: '0.0.0', private: true }, null, 2));
  const deps = [...closure(name)].map((n) => tarballs.get(n));
  const extras = SMOKE[name]?.extras ?? [];
  const install = await shAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', '--no-save', ...deps, ...extras, '@types/node@^20'], { cwd: dir });
  if (!install.ok) return { name, error: `npm install of ${name} (with ${deps.length - 1} @recur dependencies) failed`, log: install.out };
  if (existsSync(join(dir, 'node_modules', '.pnpm')) || !existsSync(join(dir, 'node_modules', ...name.split('/'), 'package.json'))) {
    return { name, error: `${name} is not installed under ${dir}/node_modules` };
  }
  for (const [file, text] of Object.entries(consumerFiles(name))) writeFileSync(join(dir, file), text);
  const lines = [];
  for (const script of ['esm.mjs', 'cjs.cjs']) {
    const r = await shAsync(process.execPath, [script], { cwd: dir });
    if (!r.ok || !/^ok$/m.test(r.out)) return { name, error: `${script} of ${name} failed`, log: r.out };
    lines.push(...r.out.split('\n').filter((l) => l && l !== 'ok').map((l) => `${script}: ${l}`));
  }
  const types = await shAsync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir });
  if (!types.ok) return { name, error: `the types of ${name} do not resolve for a TypeScript consumer (tsc, nodenext, import and require)`, log: types.out };
  if (SMOKE[name]?.bin) {
    const bin = join(dir, 'node_modules', '.bin', 'recur');
    const b = await shAsync(bin, ['backends', '--json'], { cwd: dir });
    if (!b.ok) return { name, error: 'the installed `recur backends` failed', log: b.out };
    const listed = JSON.parse(b.out).backends.map((x) => x.name);
    for (const want of ['cpu', 'wasm', 'webgpu', 'cuda']) if (!listed.includes(want)) return { name, error: `the installed recur does not list ${want}`, log: b.out };
    const t = await shAsync(bin, ['train', '--epochs', '1', '--out', join(dir, 'model')], { cwd: dir });
    if (!t.ok || !/Trained 1 epochs .* on \S+ \(auto\)/.test(t.out)) return { name, error: 'the installed `recur train --epochs 1` failed', log: t.out };
    lines.push(`bin: recur backends lists ${listed.join(', ')}; recur train ran (${/on (\S+ \(auto\))/.exec(t.out)[1]})`);
  }
  return { name, seconds: (Date.now() - t0) / 1000, lines };
}

const names = packages.map((p) => p.pkg.name).filter((n) => !only || only.has(n));
const queue = [...names];
const results = [];
const CONCURRENCY = 2;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (queue.length > 0) {
      const r = await checkPackage(queue.shift());
      results.push(r);
      if (r.error) fail(r.error, r.log);
      console.log(`✓ ${r.name} installs alone (${r.seconds.toFixed(1)} s): ESM, CJS and types OK`);
      for (const l of r.lines) console.log(`    ${l}`);
    }
  }),
);
if (!keep) rmSync(work, { recursive: true, force: true });
console.log(`\npack check: ${results.length} packages packed, installed alone with npm and used, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
