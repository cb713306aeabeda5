/**
 * Fuzz suite of every file format recur reads (issue 19), through the same functions the CLI uses:
 * the model directory (config.json + model.safetensors), training checkpoints, run.json, the
 * forecasting and language-model pipeline sections, saved scalers and tokenizers, CSV, and special
 * files. Property: every input either loads correctly or fails with a typed recur error of the
 * format's class, within CASE_LIMIT_MS. Seeds are fixed; run counts are bounded.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileReadError, readRegularFile } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import {
  CheckpointError,
  createModel,
  decodeCheckpoint,
  decodeModelFiles,
  decodeSafetensors,
  encodeCheckpoint,
  encodeModelFiles,
  encodeSafetensors,
  fit,
  loadCheckpoint,
  loadTensors,
  ModelFormatError,
  readModel,
  sha256Hex,
  type Batch,
  type Checkpoint,
} from '@recur/core';
import { CharTokenizer, CSV_NUMBER, readCsv, RecurDataError, SavedFormatError, scalerFromJSON, StandardScaler, chronologicalSplit, Series, tokenizerFromJSON } from '@recur/data';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validForecastPipeline, validLmTokenizer } from '../pipeline-schemas.js';
import { parseRunFile } from '../run-files.js';
import { CLI_FILE_LIMITS, readTextFile } from '../user-files.js';
import { byteMutation, expectLoadOrTypedError, FAMILY_COUNTS, FUZZ_SCALE, FUZZ_SEED, isTypedError, jsonMutation } from './harness.js';

const backend = createCpuBackend();
const TIMEOUT = 60_000;
const run = { seed: FUZZ_SEED, endOnFailure: true } as const;

let work: string;
let modelFiles: Record<string, Uint8Array>;
let manifest: Record<string, unknown>;
let checkpointBytes: Uint8Array;
let batches: Batch[];
let pipelineContents: { config: { kind: 'seq2one'; inputSize: number; outputSize: number } & Record<string, unknown>; extra: Record<string, unknown> };

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** config.json bytes for `doc`, with the weights digest recomputed so the damage reaches the decoder. */
async function modelWith(doc: unknown, weights: Uint8Array): Promise<Record<string, Uint8Array>> {
  const d = doc as { files?: Record<string, { bytes: number; sha256: string }> };
  if (d && typeof d === 'object' && d.files && typeof d.files === 'object' && d.files['model.safetensors'] && typeof d.files['model.safetensors'] === 'object') {
    d.files['model.safetensors'] = { bytes: weights.length, sha256: await sha256Hex(weights) };
  }
  return { 'config.json': encoder.encode(JSON.stringify(doc)), 'model.safetensors': weights };
}

/** A safetensors file re-assembled from a (possibly mutated) header object and the original data. */
function withHeader(header: unknown, data: Uint8Array): Uint8Array {
  const json = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function splitSafetensors(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(decoder.decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>, data: bytes.subarray(8 + n) };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'recur-fuzz-'));
  const model = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 2 }, { backend, seed: 3 });
  // A forecaster's pipeline, as `recur train` writes it.
  const series = Series.fromColumns({ value: Array.from({ length: 40 }, (_, i) => Math.sin(i / 3) + i / 10), temp: Array.from({ length: 40 }, (_, i) => Math.cos(i / 5)) });
  const split = chronologicalSplit(series, { ratio: { train: 0.6, validation: 0.2, test: 0.2 } });
  const scaler = new StandardScaler().fit(split.train);
  const pipeline = {
    format: 'recur-cli-forecast', version: 1, source: { csv: '/data/x.csv', timestamp: null, missing: 'error' }, target: 'value', features: ['value', 'temp'],
    lookback: 8, horizon: 2, seasonalPeriod: 7, split: { train: 0.6, validation: 0.2, test: 0.2 }, residual: true, scaler: scaler.toJSON(), hasTimestamps: false,
  };
  modelFiles = await encodeModelFiles(model, { extra: { pipeline } });
  manifest = JSON.parse(decoder.decode(modelFiles['config.json'])) as Record<string, unknown>;
  pipelineContents = { config: model.config as never, extra: { pipeline } };
  // A checkpoint taken mid-epoch, with carried state absent, best weights and optimizer state present.
  batches = [0, 1, 2].map((k) => ({ inputs: Float32Array.from({ length: 4 * 2 * 2 }, (_, i) => Math.sin(i + k)), T: 4, B: 2, targets: Float32Array.from({ length: 4 }, (_, i) => i / 4 - k) }));
  let ckpt: Checkpoint | undefined;
  await fit(model, batches, { epochs: 2, optimizer: { kind: 'adam', lr: 0.01 }, validation: [batches[0]!], earlyStopping: { patience: 5, restoreBest: true }, checkpoint: { every: 1 }, callbacks: { onCheckpoint: (c) => { if (c.step === 4) { ckpt = c; return 'stop'; } return undefined; } } });
  checkpointBytes = encodeCheckpoint(ckpt!);
  model.dispose();
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  const rows = [...FAMILY_COUNTS].map(([family, n]) => `  ${String(n).padStart(5)}  ${family}`);
  console.log(`fuzz cases per family (seed ${FUZZ_SEED}):\n${rows.join('\n')}\n  ${String([...FAMILY_COUNTS.values()].reduce((a, b) => a + b, 0)).padStart(5)}  total`);
});

describe('model directory (config.json + model.safetensors)', () => {
  const load = (files: Record<string, Uint8Array>) => async () => {
    const m = await decodeModelFiles(files, { backend });
    const n = m.numParameters;
    m.dispose();
    return n;
  };

  it('config.json: a field replaced by a hostile value or deleted', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutation(manifest), async ({ mutated }) => {
        await expectLoadOrTypedError('config.json field mutations', load(await modelWith(mutated, modelFiles['model.safetensors']!)), { allowed: [ModelFormatError] });
      }),
      { ...run, numRuns: 400 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('config.json: sizes set to huge numbers are refused before allocation', async () => {
    const cfg = manifest.config as Record<string, unknown>;
    const huge = fc.constantFrom(1e9, 2 ** 31, 1_000_000, 100_000, 32_769, 2 ** 53, 1e308);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('hiddenSize', 'inputSize', 'numLayers', 'outputSize'), huge, async (field, value) => {
        const doc = { ...manifest, config: { ...cfg, [field]: value } };
        const outcome = await expectLoadOrTypedError('config.json huge sizes', load(await modelWith(doc, modelFiles['model.safetensors']!)), { allowed: [ModelFormatError] });
        expect(outcome).toBe('refused');
      }),
      { ...run, numRuns: 60 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('config.json: truncations and byte damage', async () => {
    await fc.assert(
      fc.asyncProperty(byteMutation(modelFiles['config.json']!), async ({ bytes }) => {
        await expectLoadOrTypedError('config.json byte damage', load({ ...modelFiles, 'config.json': bytes }), { allowed: [ModelFormatError] });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('model.safetensors: truncations and byte damage (digest recomputed, so the decoder sees it)', async () => {
    await fc.assert(
      fc.asyncProperty(byteMutation(modelFiles['model.safetensors']!), async ({ bytes }) => {
        await expectLoadOrTypedError('model.safetensors byte damage', load(await modelWith(JSON.parse(JSON.stringify(manifest)), bytes)), { allowed: [ModelFormatError] });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('model.safetensors: header fields (dtype, shape, data_offsets, names) mutated', async () => {
    const { header, data } = splitSafetensors(modelFiles['model.safetensors']!);
    await fc.assert(
      fc.asyncProperty(jsonMutation(header), async ({ mutated }) => {
        const weights = withHeader(mutated, data);
        await expectLoadOrTypedError('safetensors header mutations', load(await modelWith(JSON.parse(JSON.stringify(manifest)), weights)), { allowed: [ModelFormatError] });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);
});

describe('training checkpoint', () => {
  /** Decode, then resume training from it: both must succeed or fail typed. */
  const decodeAndResume = (bytes: Uint8Array) => async () => {
    const ckpt = decodeCheckpoint(bytes, 'checkpoint.safetensors');
    const m = createModel(ckpt.config, { backend, seed: 3 });
    try {
      await fit(m, batches, { epochs: 2, optimizer: { kind: ckpt.optimizer.config.kind, lr: ckpt.optimizer.config.lr }, validation: [batches[0]!], earlyStopping: { patience: 5, restoreBest: true }, resumeFrom: ckpt });
    } catch (e) {
      // Resuming may refuse a checkpoint that does not fit these batches, but only with a typed error.
      if (!isTypedError(e)) throw e;
    } finally {
      m.dispose();
    }
    return ckpt;
  };

  it('truncations and byte damage', async () => {
    await fc.assert(
      fc.asyncProperty(byteMutation(checkpointBytes), async ({ bytes }) => {
        await expectLoadOrTypedError('checkpoint byte damage', decodeAndResume(bytes), { allowed: [CheckpointError] });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('metadata fields replaced by hostile values or deleted, then resumed', async () => {
    const { tensors, metadata } = decodeSafetensors(checkpointBytes);
    const meta = JSON.parse(metadata.checkpoint!) as unknown;
    await fc.assert(
      fc.asyncProperty(jsonMutation(meta), async ({ mutated }) => {
        const bytes = encodeSafetensors(tensors, { ...metadata, checkpoint: JSON.stringify(mutated) });
        await expectLoadOrTypedError('checkpoint metadata mutations', decodeAndResume(bytes), { allowed: [CheckpointError] });
      }),
      { ...run, numRuns: 400 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('metadata text damaged (flipped characters: JSON syntax errors)', async () => {
    const { tensors, metadata } = decodeSafetensors(checkpointBytes);
    const text = metadata.checkpoint!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: text.length - 1 }), fc.constantFrom('{', '}', '"', ',', ':', '9', ' ', '-', 'e'), async (at, ch) => {
        const bytes = encodeSafetensors(tensors, { ...metadata, checkpoint: text.slice(0, at) + ch + text.slice(at + 1) });
        await expectLoadOrTypedError('checkpoint metadata text damage', decodeAndResume(bytes), { allowed: [CheckpointError] });
      }),
      { ...run, numRuns: 200 * FUZZ_SCALE },
    );
  }, TIMEOUT);
});

describe('run.json', () => {
  const good = { format: 'recur-cli-run', version: 1, flags: { task: 'forecast', data: '/d/x.csv', target: 'value', lookback: 8, horizon: 2, hidden: 4, layers: 1, epochs: 2, batchSize: 16, lr: 0.01, clip: 1, patience: 0, seed: 0, cell: 'lstm', split: ['0.7', '0.15', '0.15'], residual: true, out: '/tmp/run' } };

  it('the genuine file parses', () => {
    expect(parseRunFile(JSON.stringify(good), 'run.json').flags.lookback).toBe(8);
  });

  it('fields replaced by hostile values or deleted', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutation(good), async ({ mutated }) => {
        await expectLoadOrTypedError('run.json field mutations', () => parseRunFile(JSON.stringify(mutated), 'run.json'), { allowed: [CheckpointError] });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('truncations and byte damage', async () => {
    const bytes = encoder.encode(JSON.stringify(good, null, 2));
    await fc.assert(
      fc.asyncProperty(byteMutation(bytes), async ({ bytes: b }) => {
        await expectLoadOrTypedError('run.json byte damage', () => parseRunFile(decoder.decode(b), 'run.json'), { allowed: [CheckpointError] });
      }),
      { ...run, numRuns: 200 * FUZZ_SCALE },
    );
  }, TIMEOUT);
});

describe('pipeline sections of config.json', () => {
  it('forecasting pipeline: fields replaced by hostile values or deleted', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutation(pipelineContents.extra.pipeline), async ({ mutated }) => {
        await expectLoadOrTypedError('forecast pipeline mutations', () => validForecastPipeline({ config: pipelineContents.config as never, extra: { pipeline: mutated } }, '/m'), {
          allowed: [ModelFormatError],
          check: (p) => {
            // null: no longer marked as a forecaster (format changed): the commands then say so.
            if (p === null) return expect((mutated as { format?: unknown } | null)?.format).not.toBe('recur-cli-forecast');
            // Accepted: the scaler rebuilds, and the target's affine map is finite (no NaN forecasts from it).
            const scaler = scalerFromJSON(p!.scaler);
            const i = scaler.columns.indexOf(p!.target);
            expect(i).toBeGreaterThanOrEqual(0);
            expect(Number.isFinite(scaler.parameters.center[i]!) && scaler.parameters.scale[i]! > 0).toBe(true);
            expect(p!.horizon).toBe(pipelineContents.config.outputSize);
            expect(p!.features.length).toBe(pipelineContents.config.inputSize);
          },
        });
      }),
      { ...run, numRuns: 400 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('language-model pipeline: tokenizer fields replaced by hostile values or deleted', async () => {
    const tok = new CharTokenizer().fit('hello world, hostile input');
    const pipeline = { format: 'recur-cli-lm', version: 1, tokenizer: tok.toJSON(), seqLen: 16 };
    const config = { kind: 'lm', vocabSize: tok.vocabulary.size } as never;
    await fc.assert(
      fc.asyncProperty(jsonMutation(pipeline), async ({ mutated }) => {
        await expectLoadOrTypedError('lm pipeline mutations', () => validLmTokenizer({ config, extra: { pipeline: mutated } }, '/m'), {
          allowed: [ModelFormatError],
          check: (t) => {
            if (t === null) return expect((mutated as { format?: unknown } | null)?.format).not.toBe('recur-cli-lm');
            expect(t.vocabulary.size).toBe(tok.vocabulary.size);
          },
        });
      }),
      { ...run, numRuns: 200 * FUZZ_SCALE },
    );
  }, TIMEOUT);
});

describe('saved scaler and tokenizer (@recur/data)', () => {
  it('scaler JSON: fields replaced by hostile values or deleted', async () => {
    const s = Series.fromColumns({ a: [1, 2, 3, 4, 5, 6], b: [0, 0.5, 1, 1.5, 2, 9] }).withRole('train');
    const good = new StandardScaler().fit(s).toJSON();
    await fc.assert(
      fc.asyncProperty(jsonMutation(good), async ({ mutated }) => {
        await expectLoadOrTypedError('scaler mutations', () => scalerFromJSON(mutated), {
          allowed: [SavedFormatError],
          check: (sc) => {
            const p = sc.parameters;
            expect([...p.center, ...p.scale, p.offset].every(Number.isFinite) && [...p.scale].every((v) => v > 0)).toBe(true);
            expect(sc.transformValues(Float32Array.from([1, 2]), sc.columns.slice(0, 1)).every(Number.isFinite)).toBe(true);
          },
        });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('tokenizer JSON: fields replaced by hostile values or deleted', async () => {
    const good = new CharTokenizer().fit('abc abd').toJSON();
    await fc.assert(
      fc.asyncProperty(jsonMutation(good), async ({ mutated }) => {
        await expectLoadOrTypedError('tokenizer mutations', () => tokenizerFromJSON(mutated), {
          allowed: [SavedFormatError, RecurDataError],
          check: (t) => {
            const tokens = t.vocabulary.tokens;
            expect(t.vocabulary.decode(t.vocabulary.encode(tokens))).toEqual([...tokens]);
          },
        });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);
});

describe('CSV', () => {
  const good = 'date,value,temp\n' + Array.from({ length: 30 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')},${(10 + Math.sin(i)).toFixed(3)},${i % 7}`).join('\n') + '\n';
  const goodBytes = encoder.encode(good);
  const bytesSource = (b: Uint8Array) => ({
    async *[Symbol.asyncIterator]() {
      // Two chunks, so streaming decode and chunk boundaries are exercised too.
      yield b.subarray(0, b.length >> 1);
      yield b.subarray(b.length >> 1);
    },
  });
  const readAll = (b: Uint8Array) => async () => {
    const s = await readCsv(bytesSource(b), { timestamp: 'date' });
    expect(Array.from(s.data).every(Number.isFinite)).toBe(true);
    return s;
  };
  const hostileText = fc.constantFrom('"', '""', ',', '\n', '\r\n', '\u0000', '0x1A', '0b11', '0o17', 'NaN', 'inf', '-Infinity', '1e999', '1_000', '\uFEFF', '\uFFFD', 'é', '{', '[', ' ', '', '1e', '.', '+-1');

  it('text insertions (quotes, delimiters, NUL, literals, non-finite spellings)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: good.length }), hostileText), { minLength: 1, maxLength: 4 }), async (edits) => {
        let t = good;
        for (const [at, s] of edits) t = t.slice(0, at) + s + t.slice(at);
        await expectLoadOrTypedError('CSV text insertions', readAll(encoder.encode(t)), { allowed: [RecurDataError] });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('truncations and byte damage (invalid UTF-8, binary)', async () => {
    await fc.assert(
      fc.asyncProperty(byteMutation(goodBytes), async ({ bytes }) => {
        await expectLoadOrTypedError('CSV byte damage', readAll(bytes), { allowed: [RecurDataError] });
      }),
      { ...run, numRuns: 300 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('arbitrary bytes, and known magic numbers in front of CSV text', async () => {
    const magic = fc.constantFrom([0x1f, 0x8b], [0xff, 0xfe], [0xfe, 0xff], [0xff, 0xfe, 0, 0], [0x50, 0x4b, 3, 4], [0x42, 0x5a, 0x68], [0x25, 0x50, 0x44, 0x46], [0xef, 0xbb, 0xbf]);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 512 }), magic.map((m) => Uint8Array.from([...m, ...goodBytes]))), async (bytes) => {
        await expectLoadOrTypedError('CSV arbitrary bytes', readAll(bytes), { allowed: [RecurDataError] });
      }),
      { ...run, numRuns: 200 * FUZZ_SCALE },
    );
  }, TIMEOUT);

  it('one number grammar: a cell loads exactly when it matches CSV_NUMBER, with the value Number() gives', async () => {
    // Cells that stay one cell (no delimiter, quote, line break or NUL; not blank).
    const cell = fc
      .oneof(fc.stringMatching(/^[+-]?[0-9.eExXoObB_a-fA-F]{1,8}$/), fc.double({ noNaN: true }).map(String), hostileText)
      .filter((t) => t.trim().length > 0 && !/[",\r\n\uFEFF]/.test(t) && !t.includes(String.fromCharCode(0)));
    await fc.assert(
      fc.asyncProperty(cell, async (text) => {
        const outcome = await expectLoadOrTypedError('CSV number grammar', () => readCsv({ text: `v\n1\n${text}\n` }), {
          allowed: [RecurDataError],
          check: (s) => {
            expect(CSV_NUMBER.test(text.trim()), text).toBe(true);
            expect(s.get(1, 'v')).toBe(Math.fround(Number(text.trim())));
          },
        });
        if (outcome === 'refused' && CSV_NUMBER.test(text.trim())) {
          // Only values outside float32 may be refused among grammatical numbers.
          expect(Math.abs(Number(text.trim()))).toBeGreaterThan(3.4028234663852886e38);
        }
      }),
      { ...run, numRuns: 400 * FUZZ_SCALE },
    );
  }, TIMEOUT);
});

describe('special files (FIFO, devices, directories, links) through every reader', () => {
  it('every reader refuses every special path at once, with a typed error', async () => {
    const fifo = join(work, 'fifo');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(work, 'dir'));
    symlinkSync(fifo, join(work, 'link-to-fifo'));
    symlinkSync(join(work, 'nothing-here'), join(work, 'dangling'));
    const specials = [fifo, '/dev/zero', '/dev/urandom', '/dev/null', join(work, 'dir'), join(work, 'link-to-fifo'), join(work, 'dangling')];
    /** A model directory whose `name` is the special path (a symlink to it). */
    const modelDirWith = (name: string, target: string): string => {
      const dir = mkdtempSync(join(work, 'm-'));
      for (const [f, b] of Object.entries(modelFiles)) if (f !== name) writeFileSync(join(dir, f), b);
      symlinkSync(target, join(dir, name));
      return dir;
    };
    const readers: [string, (p: string) => Promise<unknown>][] = [
      ['readRegularFile', (p) => readRegularFile(p, { maxBytes: 1 << 20, limitName: 'TEST' })],
      ['readModel (config.json)', (p) => readModel(modelDirWith('config.json', p))],
      ['readModel (model.safetensors)', (p) => readModel(modelDirWith('model.safetensors', p))],
      ['loadCheckpoint', (p) => loadCheckpoint(p)],
      ['loadTensors', (p) => loadTensors('/', p)],
      ['readCsv', (p) => readCsv(p)],
      ['CLI readTextFile (run.json)', (p) => readTextFile(p, CLI_FILE_LIMITS.run)],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...readers), fc.constantFrom(...specials), async ([, read], path) => {
        const outcome = await expectLoadOrTypedError('special files', () => read(path), { allowed: [FileReadError, ModelFormatError] });
        expect(outcome).toBe('refused');
      }),
      { ...run, numRuns: 98 },
    );
  }, TIMEOUT);
});
