import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@recur/backend-cpu';
import type * as FsPromises from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createModel } from '../model/model.js';
import { atomicWriteFile, readFileBytes } from './atomic-write.js';
import { ModelFormatError, PersistenceIOError } from './errors.js';
import { loadModel, saveModel } from './model-files.js';

// Fault injection: the real fs, except that writes or renames can be made to fail part-way.
const faults = vi.hoisted(() => ({
  failWriteFor: null as RegExp | null,
  failRenameTo: null as RegExp | null,
  renames: [] as string[],
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const open: typeof fs.open = async (path, flags, mode) => {
    const handle = await fs.open(path, flags, mode);
    if (faults.failWriteFor?.test(String(path))) {
      // Write half the data, then fail like a full disk.
      handle.writeFile = async (data: unknown) => {
        const bytes = data as Uint8Array;
        await handle.write(bytes.subarray(0, bytes.length >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
    }
    return handle;
  };
  const rename: typeof fs.rename = async (from, to) => {
    if (faults.failRenameTo?.test(String(to))) throw Object.assign(new Error(`EIO: i/o error, rename '${String(from)}'`), { code: 'EIO' });
    faults.renames.push(String(to));
    return fs.rename(from, to);
  };
  return { ...fs, open, rename, default: { ...fs, open, rename } };
});

const root = mkdtempSync(join(tmpdir(), 'recur-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  faults.failWriteFor = null;
  faults.failRenameTo = null;
  faults.renames.length = 0;
});
let n = 0;
const freshDir = () => {
  const d = join(root, `d${n++}`);
  rmSync(d, { recursive: true, force: true });
  return d;
};

describe('atomicWriteFile', () => {
  it('creates and replaces a file, leaving no temp files', async () => {
    const path = join(root, 'a.bin');
    await atomicWriteFile(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    await atomicWriteFile(path, new Uint8Array([9]));
    expect(Array.from(readFileSync(path))).toEqual([9]);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a write that fails part-way leaves the old file intact and no temp file', async () => {
    const dir = join(root, 'partial');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const path = join(dir, 'weights.bin');
    writeFileSync(path, 'old contents');
    faults.failWriteFor = /\.tmp$/;
    const err = await atomicWriteFile(path, new Uint8Array(1000).fill(7)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PersistenceIOError);
    expect((err as Error).message).toMatch(/weights\.bin: could not write the file \(ENOSPC\).*previous contents, if any, are unchanged/);
    expect(readFileSync(path, 'utf8')).toBe('old contents');
    expect(readdirSync(dir)).toEqual(['weights.bin']);
  });

  it('a failed rename leaves the old file intact and no temp file', async () => {
    const dir = join(root, 'rename');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const path = join(dir, 'x.json');
    writeFileSync(path, '{"v":1}');
    faults.failRenameTo = /x\.json$/;
    await expect(atomicWriteFile(path, new TextEncoder().encode('{"v":2}'))).rejects.toThrow(/\(EIO\)/);
    expect(readFileSync(path, 'utf8')).toBe('{"v":1}');
    expect(readdirSync(dir)).toEqual(['x.json']);
  });

  it('names the target when its directory does not exist', async () => {
    const path = join(root, 'missing-dir', 'f.bin');
    await expect(atomicWriteFile(path, new Uint8Array(1))).rejects.toThrow(PersistenceIOError);
    await expect(atomicWriteFile(path, new Uint8Array(1))).rejects.toThrow(/missing-dir\/f\.bin: could not write the file \(ENOENT\)/);
  });

  it('readFileBytes names a missing file', async () => {
    await expect(readFileBytes(join(root, 'nope.bin'))).rejects.toThrow(/nope\.bin: file not found\./);
  });
});

describe('saveModel crash safety', () => {
  const backend = createCpuBackend();
  const cfg = { kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 3, outputSize: 1 } as const;
  const T = 4;
  const B = 1;
  const inputs = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8];

  it('writes the weights first and config.json last', async () => {
    const model = createModel(cfg, { backend });
    await saveModel(model, freshDir());
    expect(faults.renames.map((p) => p.split('/').pop())).toEqual(['model.safetensors', 'config.json']);
    model.dispose();
  });

  it('a crash while writing new weights leaves the previous save loadable and unchanged', async () => {
    const dir = freshDir();
    const v1 = createModel(cfg, { backend, seed: 1 });
    const v2 = createModel(cfg, { backend, seed: 2 });
    await saveModel(v1, dir);
    faults.failWriteFor = /model\.safetensors\..*\.tmp$/;
    await expect(saveModel(v2, dir)).rejects.toThrow(PersistenceIOError);
    faults.failWriteFor = null;
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors']);
    const loaded = await loadModel(dir, { backend });
    expect(Array.from((await loaded.predict({ inputs, T, B })).output)).toEqual(Array.from((await v1.predict({ inputs, T, B })).output));
    for (const m of [v1, v2, loaded]) m.dispose();
  });

  it('a crash between the weights and config.json is detected on load, never silently mixed', async () => {
    const dir = freshDir();
    const v1 = createModel(cfg, { backend, seed: 1 });
    const v2 = createModel(cfg, { backend, seed: 2 });
    await saveModel(v1, dir);
    faults.failRenameTo = /config\.json$/;
    await expect(saveModel(v2, dir)).rejects.toThrow(PersistenceIOError);
    faults.failRenameTo = null;
    await expect(loadModel(dir, { backend })).rejects.toThrow(ModelFormatError);
    await expect(loadModel(dir, { backend })).rejects.toThrow(/model\.safetensors: checksum mismatch/);
    // Saving again completes the interrupted save.
    await saveModel(v2, dir);
    const loaded = await loadModel(dir, { backend });
    expect(Array.from((await loaded.predict({ inputs, T, B })).output)).toEqual(Array.from((await v2.predict({ inputs, T, B })).output));
    for (const m of [v1, v2, loaded]) m.dispose();
  });
});
