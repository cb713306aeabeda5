/**
 * End-to-end tests of the BUILT `recur` for a new user's first minutes: every backend package is
 * listed (available or not, with its reason), the default backend is `auto` (printed and recorded
 * in run.json), `import-torch` reads PyTorch files without flags, and native GPU-driver lines never
 * reach the terminal.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CLI_ROOT, ensureBuilt, recur, syntheticCsv } from './harness.js';

const FIXTURES = join(CLI_ROOT, 'src', '__fixtures__', 'torch-detect');
let work: string;
let csv: string;

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'recur-cli-first-'));
  csv = join(work, 'tiny.csv');
  writeFileSync(csv, syntheticCsv(200));
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface BackendRow {
  name: string;
  available: boolean;
  reason: string | null;
  priority: number;
  description: string;
}

function backendsJson(env: NodeJS.ProcessEnv = {}): { backends: BackendRow[]; auto: string } {
  const r = recur(['backends', '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { backends: BackendRow[]; auto: string };
}

/** Lines a native driver (Dawn, Vulkan loader) writes by itself. */
const NATIVE_NOISE = /Couldn't load Vulkan|vkCreateInstance|VK_ERROR|third_party\/dawn|node-webgpu|^Warning: /m;

describe('recur backends lists every backend package', () => {
  it('cpu, wasm, webgpu, cuda and the tfjs engines, each available or with its reason, by priority', () => {
    const json = backendsJson();
    const names = json.backends.map((b) => b.name);
    for (const n of ['cpu', 'wasm', 'webgpu', 'cuda', 'tfjs-cpu', 'tfjs-wasm']) expect(names, n).toContain(n);
    for (const b of json.backends) {
      if (!b.available) expect(b.reason, b.name).toMatch(/\w{4}/);
      expect(b.description, b.name).not.toBe('');
    }
    // Descriptions come from each package's own registration.
    expect(json.backends.find((b) => b.name === 'cuda')!.description).toMatch(/CUDA kernels \+ cuBLAS/);
    expect(json.backends.find((b) => b.name === 'cuda')!.priority).toBe(30);
    const priorities = json.backends.map((b) => b.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    // auto: the available backend of highest priority.
    expect(json.auto).toBe(json.backends.find((b) => b.available)!.name);
  });

  it('`--backend cuda` on a machine without a usable CUDA addon is one line with the reason', () => {
    const json = backendsJson();
    const cuda = json.backends.find((b) => b.name === 'cuda')!;
    if (cuda.available) return; // a CUDA machine: nothing to refuse
    const r = recur(['train', '--data', csv, '--target', 'value', '--epochs', '1', '--backend', 'cuda', '--out', join(work, 'x')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^recur: .*cuda/);
  });
});

describe('the default backend is auto', () => {
  it('trains on the fastest available backend, prints it and records it in run.json', () => {
    const auto = backendsJson().auto;
    expect(['cpu', 'tfjs-cpu', 'tfjs-wasm']).not.toContain(auto); // wasm (or faster) is always here
    const out = join(work, 'auto-model');
    const r = recur(['train', '--data', csv, '--target', 'value', '--lookback', '8', '--horizon', '2', '--hidden', '4', '--epochs', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`on ${auto} \\(auto\\) in `));
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { backend: string; flags: { backend: string } };
    expect(run.backend).toBe(auto);
    expect(run.flags.backend).toBe('auto');
    const json = JSON.parse(recur(['eval', '--model', out, '--json']).stdout) as { backend: string };
    expect(json.backend).toBe(auto);
  });

  it('a pinned backend is used and recorded as given', () => {
    const out = join(work, 'cpu-model');
    const r = recur(['train', '--data', csv, '--target', 'value', '--lookback', '8', '--horizon', '2', '--hidden', '4', '--epochs', '1', '--backend', 'cpu', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ on cpu in /);
    expect((JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { backend: string }).backend).toBe('cpu');
  });
});

interface Tensor {
  shape: number[];
  data: number[];
}
interface DetectCase {
  file: string;
  input: Tensor;
  output: Tensor;
  h_n: Tensor;
  c_n?: Tensor;
  head?: Tensor;
}

function expectClose(actual: Tensor, expected: Tensor, tol = 2e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('recur import-torch reads PyTorch 2.x state dicts without flags', () => {
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Record<string, DetectCase>;

  function importArgs(name: string, args: string[] = []): { code: number | null; stdout: string; stderr: string; dir: string; weights: string } {
    const fx = cases[name]!;
    const weights = join(work, fx.file);
    copyFileSync(join(FIXTURES, fx.file), weights);
    const dir = join(work, `detect-${name}`);
    return { ...recur(['import-torch', weights, ...args, '--out', dir]), dir, weights };
  }

  function predict(name: string, dir: string): { output: Tensor; h_n: Tensor; c_n?: Tensor } {
    const input = join(work, `${name}-in.json`);
    writeFileSync(input, JSON.stringify({ input: cases[name]!.input }));
    const r = recur(['predict', '--model', dir, '--input', input, '--json', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { output: Tensor; h_n: Tensor; c_n?: Tensor };
  }

  it('a bare nn.LSTM (2 layers): prefix "" and the cell detected; outputs, h_n and c_n match PyTorch', () => {
    const r = importArgs('lstmBare');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Found nn\.LSTM under no prefix \(a bare module\), no Linear head\. Detected: prefix, cell\./);
    const out = predict('lstmBare', r.dir);
    expectClose(out.output, cases.lstmBare!.output);
    expectClose(out.h_n, cases.lstmBare!.h_n);
    expectClose(out.c_n!, cases.lstmBare!.c_n!);
  });

  it('a bare bidirectional nn.GRU', () => {
    const r = importArgs('gruBare');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Found nn\.GRU under no prefix/);
    const out = predict('gruBare', r.dir);
    expectClose(out.output, cases.gruBare!.output);
    expectClose(out.h_n, cases.gruBare!.h_n);
  });

  it('a module with rnn. and head.: the head is found and reads the final state', () => {
    const r = importArgs('rnnHead');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Found nn\.LSTM under prefix "rnn\.", Linear head "head"\. Detected: prefix, cell, head\./);
    const out = predict('rnnHead', r.dir);
    expectClose(out.output, cases.rnnHead!.head!);
    expectClose(out.h_n, cases.rnnHead!.h_n);
  });

  it('a module with other names (encoder.gru. and fc)', () => {
    const r = importArgs('otherPrefixes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Found nn\.GRU under prefix "encoder\.gru\.", Linear head "fc"/);
    const out = predict('otherPrefixes', r.dir);
    expectClose(out.output, cases.otherPrefixes!.head!);
    expectClose(out.h_n, cases.otherPrefixes!.h_n);
  });

  it('two possible heads: asks for --head with both candidates; with it, the other is ignored and listed', () => {
    const r = importArgs('twoHeads');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/2 nn\.Linear weights that could read the 4 recurrent features \("aux", "head"\)\. Pass --head with one of them/);
    const ok = importArgs('twoHeads', ['--head', 'head']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Ignored 2 tensors of other modules: aux\.bias, aux\.weight\./);
    expectClose(predict('twoHeads', ok.dir).output, cases.twoHeads!.head!);
  });

  it('two recurrent modules: asks for --prefix with both candidates; with it, imports that one', () => {
    const r = importArgs('twoRnns');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the file holds 2 recurrent modules \("decoder\.", "encoder\."\)\. Pass --prefix with one of them/);
    const ok = importArgs('twoRnns', ['--prefix', 'encoder.']);
    expect(ok.code, ok.stderr).toBe(0);
    const out = predict('twoRnns', ok.dir);
    expectClose(out.output, cases.twoRnns!.output);
    expectClose(out.c_n!, cases.twoRnns!.c_n!);
  });

  it('an nn.RNN: tanh or relu cannot be told from weights, so it asks for --cell; with it, matches PyTorch', () => {
    const r = importArgs('rnnTanhBare');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/it is an nn\.RNN, whose weights do not say its nonlinearity \("rnn-tanh", "rnn-relu"\)\. Pass --cell/);
    const ok = importArgs('rnnTanhBare', ['--cell', 'rnn-tanh']);
    expect(ok.code, ok.stderr).toBe(0);
    expectClose(predict('rnnTanhBare', ok.dir).output, cases.rnnTanhBare!.output);
  });
});

/** Run the built CLI in a user+mount namespace where libvulkan.so.1 cannot load (null if namespaces are not allowed here). */
function withoutVulkanLoader(args: string[]): { code: number | null; stdout: string; stderr: string } | null {
  const loader = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].find((p) => existsSync(p));
  if (!loader) return null;
  const script = `mount --bind /dev/null ${loader} && exec "$0" "$@"`;
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, process.execPath, BIN, ...args], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1', VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error || (r.status !== 0 && /unshare|mount:|Operation not permitted/.test(r.stderr ?? ''))) return null;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('native driver lines never reach the user', () => {
  it('without a Vulkan driver: no command prints Dawn lines; `recur backends` gives the reason once', () => {
    const env = { VK_ICD_FILENAMES: join(work, 'no-such-icd.json') };
    const b = recur(['backends'], { env });
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout + b.stderr).not.toMatch(NATIVE_NOISE);
    expect(b.stdout.match(/no Vulkan driver was found/g)).toHaveLength(1);
    const t = recur(['train', '--data', csv, '--target', 'value', '--lookback', '8', '--horizon', '2', '--hidden', '4', '--epochs', '1', '--out', join(work, 'quiet')], { env });
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout + t.stderr).not.toMatch(NATIVE_NOISE);
    expect(t.stdout + t.stderr).not.toMatch(/Vulkan/);
  });

  it('without the Vulkan loader (libvulkan1 missing, simulated in a mount namespace): the same, in recur words', (ctx) => {
    const b = withoutVulkanLoader(['backends']);
    if (b === null) {
      console.warn('skipped: user/mount namespaces (unshare -rm) are not allowed here, so a missing libvulkan.so.1 cannot be simulated');
      ctx.skip();
      return;
    }
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout + b.stderr).not.toMatch(NATIVE_NOISE);
    const webgpu = b.stdout.split('\n').filter((l) => l.startsWith('webgpu'));
    expect(webgpu).toHaveLength(1);
    expect(webgpu[0]).toMatch(/no +20 +the Vulkan loader \(libvulkan\.so\.1\) could not be loaded .*apt-get install libvulkan1/);
    for (const args of [
      ['train', '--data', csv, '--target', 'value', '--lookback', '8', '--horizon', '2', '--hidden', '4', '--epochs', '1', '--out', join(work, 'noloader')],
      ['eval', '--model', join(work, 'noloader')],
      ['backends', '--json'],
    ]) {
      const r = withoutVulkanLoader(args)!;
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr, args[0]).not.toMatch(NATIVE_NOISE);
    }
    // Asking for webgpu by name: one line in recur's words.
    const w = withoutVulkanLoader(['eval', '--model', join(work, 'noloader'), '--backend', 'webgpu'])!;
    expect(w.code).toBe(1);
    expect(w.stderr.trim().split('\n')).toHaveLength(1);
    expect(w.stderr).toMatch(/^recur: .*the Vulkan loader \(libvulkan\.so\.1\) could not be loaded/);
    expect(w.stderr).not.toMatch(NATIVE_NOISE);
  });
});
