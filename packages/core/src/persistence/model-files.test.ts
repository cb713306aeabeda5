import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetRegistry, useBackend } from '@recur/backend';
import { createCpuBackend, registerCpuBackend } from '@recur/backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { createModel, type Model } from '../model/model.js';
import { ModelFormatError } from './errors.js';
import { decodeModelFiles, encodeModelFiles, loadModel, loadTensors, readModel, saveModel, saveTensors } from './model-files.js';
import { sha256Hex } from './sha256.js';

const root = mkdtempSync(join(tmpdir(), 'recur-model-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `m${n++}`);
const backend = createCpuBackend();

function inputs(T: number, B: number, I: number): number[] {
  return Array.from({ length: T * B * I }, (_, i) => Math.sin(i * 0.7) * 0.9);
}

async function bits(model: Model, T = 6, B = 2): Promise<Uint32Array> {
  const p = await model.predict({ inputs: inputs(T, B, model.config.inputSize), T, B });
  const out = p.output instanceof Float32Array ? p.output : Float32Array.from(p.output);
  return new Uint32Array(out.buffer.slice(0));
}

async function expectFormatError(p: Promise<unknown>, pattern: RegExp): Promise<ModelFormatError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ModelFormatError);
  expect((caught as Error).message).toMatch(pattern);
  return caught as ModelFormatError;
}

describe('saveModel / loadModel', () => {
  it('save then load gives bit-identical outputs, config and extra', async () => {
    for (const cfg of [
      { kind: 'seq2one', cell: 'lstm', inputSize: 3, hiddenSize: 7, numLayers: 2, outputSize: 2 },
      { kind: 'seq2seq', cell: 'gru', inputSize: 2, hiddenSize: 5, bidirectional: true, outputSize: 3, headActivation: 'tanh' },
      { kind: 'seq2one', cell: 'rnn-tanh', inputSize: 4, hiddenSize: 3, bias: false },
    ] as const) {
      const model = createModel(cfg, { backend, seed: 42 });
      const dir = freshDir();
      await saveModel(model, dir, { extra: { scaler: { mean: [1.5], std: [2] }, note: 'sine' } });
      expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors']);
      const loaded = await loadModel(dir, { backend });
      expect(loaded.config).toEqual(model.config);
      expect(await bits(loaded)).toEqual(await bits(model));
      const contents = await readModel(dir);
      expect(contents.extra).toEqual({ scaler: { mean: [1.5], std: [2] }, note: 'sine' });
      model.dispose();
      loaded.dispose();
    }
  });

  it('round-trips a language model', async () => {
    const model = createModel({ kind: 'lm', cell: 'lstm', hiddenSize: 6, vocabSize: 9, embeddingDim: 4 }, { backend, seed: 5 });
    const dir = freshDir();
    await saveModel(model, dir);
    const loaded = await loadModel(dir, { backend });
    const tokens = [1, 4, 2, 8, 0, 3];
    const a = await model.predict({ inputs: tokens, T: 3, B: 2 });
    const b = await loaded.predict({ inputs: tokens, T: 3, B: 2 });
    expect(Array.from(b.output)).toEqual(Array.from(a.output));
    model.dispose();
    loaded.dispose();
  });

  it('records the format, version, size and SHA-256 in config.json', async () => {
    const model = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: 3 }, { backend });
    const dir = freshDir();
    await saveModel(model, dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const weights = new Uint8Array(readFileSync(join(dir, 'model.safetensors')));
    expect(manifest.format).toBe('recur-model');
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.config).toEqual(JSON.parse(JSON.stringify(model.config)));
    expect(manifest.extra).toEqual({});
    expect(manifest.files['model.safetensors']).toEqual({ bytes: weights.length, sha256: await sha256Hex(weights) });
    model.dispose();
  });

  it('overwrites a previous save in place', async () => {
    const dir = freshDir();
    const a = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 3 }, { backend, seed: 1 });
    const b = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 3 }, { backend, seed: 2 });
    await saveModel(a, dir);
    await saveModel(b, dir);
    const loaded = await loadModel(dir, { backend });
    expect(await bits(loaded)).toEqual(await bits(b));
    expect(await bits(loaded)).not.toEqual(await bits(a));
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors']);
    for (const m of [a, b, loaded]) m.dispose();
  });

  it('works in memory (browser path): encodeModelFiles → decodeModelFiles', async () => {
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 1 }, { backend, seed: 9 });
    const files = await encodeModelFiles(model, { extra: { a: 1 } });
    const loaded = await decodeModelFiles(files, { backend });
    expect(await bits(loaded)).toEqual(await bits(model));
    model.dispose();
    loaded.dispose();
  });

  it('loads onto a backend given by registry name, or the current backend', async () => {
    const model = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 1 }, { backend, seed: 4 });
    const dir = freshDir();
    await saveModel(model, dir);
    try {
      registerCpuBackend({ precision: 'float64' });
      const byName = await loadModel(dir, { backend: 'cpu' });
      expect(byName.backend.name).toBe('cpu');
      expect(byName.backend).not.toBe(backend);
      await useBackend('cpu');
      const current = await loadModel(dir);
      expect(current.backend).toBe(byName.backend);
      expect(Array.from((await current.predict({ inputs: inputs(3, 1, 2), T: 3, B: 1 })).output)).toEqual(
        Array.from((await byName.predict({ inputs: inputs(3, 1, 2), T: 3, B: 1 })).output),
      );
      byName.dispose();
      current.dispose();
    } finally {
      resetRegistry();
      model.dispose();
    }
  });

  it('rejects extra that is not JSON', async () => {
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 2 }, { backend });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(saveModel(model, freshDir(), { extra: cyclic })).rejects.toThrow(/extra: must be JSON-serialisable/);
    model.dispose();
  });
});

describe('loadModel rejects damaged directories with a clear ModelFormatError', () => {
  async function savedDir(): Promise<string> {
    const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2 }, { backend, seed: 7 });
    const dir = freshDir();
    await saveModel(model, dir);
    model.dispose();
    return dir;
  }

  it('a flipped byte in the weights → checksum mismatch naming the file', async () => {
    const dir = await savedDir();
    const path = join(dir, 'model.safetensors');
    const bytes = readFileSync(path);
    bytes[bytes.length - 3]! ^= 0x10;
    writeFileSync(path, bytes);
    const e = await expectFormatError(loadModel(dir, { backend }), /model\.safetensors: checksum mismatch: config\.json records sha256 [0-9a-f]{64}, file hashes to [0-9a-f]{64}/);
    expect(e.file).toBe(path);
  });

  it('truncated weights → size mismatch', async () => {
    const dir = await savedDir();
    const path = join(dir, 'model.safetensors');
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, 100));
    await expectFormatError(loadModel(dir, { backend }), new RegExp(`file is truncated: config\\.json records ${bytes.length} bytes, file has 100`));
  });

  it('a missing config.json or weights file', async () => {
    const empty = freshDir();
    await expectFormatError(loadModel(empty, { backend }), /is not a recur model directory: config\.json not found/);
    const dir = await savedDir();
    rmSync(join(dir, 'model.safetensors'));
    await expectFormatError(loadModel(dir, { backend }), /model\.safetensors not found in .*config\.json lists it/);
  });

  it('bad config.json: JSON, format, version, digest, config', async () => {
    const dir = await savedDir();
    const path = join(dir, 'config.json');
    const good = JSON.parse(readFileSync(path, 'utf8'));
    const write = (m: unknown) => writeFileSync(path, typeof m === 'string' ? m : JSON.stringify(m));
    write('{"format": "recur-model",');
    await expectFormatError(loadModel(dir, { backend }), /config\.json: not valid JSON/);
    write({ ...good, format: 'keras' });
    await expectFormatError(loadModel(dir, { backend }), /"format" is "keras", expected "recur-model"/);
    write({ ...good, formatVersion: 2 });
    await expectFormatError(loadModel(dir, { backend }), /formatVersion 2 was written by a newer recur.*Upgrade @recur\/core/);
    write({ ...good, files: {} });
    await expectFormatError(loadModel(dir, { backend }), /field files\["model\.safetensors"\]: expected \{ bytes, sha256 \}/);
    write({ ...good, config: { ...good.config, hiddenSize: -1 } });
    await expectFormatError(loadModel(dir, { backend }), /field config\.hiddenSize: expected a positive integer \(got -1\)/);
    // Sizes far beyond any model are refused by the schema, naming the limit, before any allocation.
    for (const [field, value, limit] of [['hiddenSize', 1e9, 'maxHiddenSize'], ['inputSize', 2 ** 31, 'maxInputSize'], ['numLayers', 1_000_000, 'maxNumLayers']] as const) {
      write({ ...good, config: { ...good.config, [field]: value } });
      await expectFormatError(loadModel(dir, { backend }), new RegExp(`field config\\.${field}: expected at most MODEL_LIMITS\\.${limit}`));
    }
    // Within the limits but not what the weights hold: refused by the cross-check, naming the tensor.
    write({ ...good, config: { ...good.config, hiddenSize: 4096 } });
    const e = await expectFormatError(loadModel(dir, { backend }), /does not match config\.json: tensor "rnn\.weight_ih_l0" has shape \[\d+, \d+\], but config\.json .* needs \[16384, \d+\]/);
    expect(e.field).toBe('rnn.weight_ih_l0');
  });

  it('weights that do not fit the config', async () => {
    const dir = await savedDir();
    const path = join(dir, 'config.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    m.config.hiddenSize = 5;
    writeFileSync(path, JSON.stringify(m));
    await expectFormatError(loadModel(dir, { backend }), /model\.safetensors: does not match config\.json/);
  });
});

describe('saveTensors / loadTensors', () => {
  it('round-trip with a verified digest, and reject a modified file', async () => {
    const dir = freshDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const tensors = { w: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } };
    const d = await saveTensors(dir, 'opt.safetensors', tensors, { step: '3' });
    const back = await loadTensors(dir, 'opt.safetensors', d);
    expect(back.metadata).toEqual({ step: '3' });
    expect(Array.from(back.tensors['w']!.data)).toEqual([1, 2, 3, 4]);
    await expectFormatError(loadTensors(dir, 'opt.safetensors', { ...d, sha256: '0'.repeat(64) }), /opt\.safetensors: checksum mismatch/);
  });
});
