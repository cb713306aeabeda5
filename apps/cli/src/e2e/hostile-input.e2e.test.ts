/**
 * Issue 19: every bad file the CLI reads gives ONE line, a typed error and exit code 1 (never the
 * internal-error exit code 2, never a hang). One test per case the hostile-input report listed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createCpuBackend } from '@recur/backend-cpu';
import { createModel, decodeSafetensors, encodeCheckpoint, encodeSafetensors, fit, type Checkpoint } from '@recur/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectOneLineError, recur, syntheticCsv } from './harness.js';

let work: string;
let csv: string;
let model: string;
let fifo: string;
let checkpointBytes: Uint8Array;

const TINY = ['--lookback', '8', '--horizon', '2', '--hidden', '4', '--epochs', '2', '--batch-size', '16'];
/** Every case must end well within this (a hang would otherwise only stop at the harness's 120 s). */
const QUICK_MS = 20_000;


/** A copy of the trained model with config.json edited by `edit`. */
function editedModel(name: string, edit: (j: { config: Record<string, unknown>; extra: { pipeline: Record<string, unknown> & { scaler: Record<string, unknown> } } }) => void): string {
  const dir = join(work, name);
  cpSync(model, dir, { recursive: true });
  const path = join(dir, 'config.json');
  const j = JSON.parse(readFileSync(path, 'utf8'));
  edit(j);
  writeFileSync(path, JSON.stringify(j));
  return dir;
}

/** A run directory (run.json of a real run) holding `checkpoint` bytes as its checkpoint. */
function runWithCheckpoint(name: string, checkpoint: Uint8Array | null): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  cpSync(join(model, 'run.json'), join(dir, 'run.json'));
  if (checkpoint) writeFileSync(join(dir, 'checkpoint.safetensors'), checkpoint);
  return dir;
}

/** The checkpoint with its metadata JSON rewritten by `edit` (the text of `__metadata__.checkpoint`). */
function withMetadata(edit: (text: string) => string): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(checkpointBytes);
  return encodeSafetensors(tensors, { ...metadata, checkpoint: edit(metadata.checkpoint!) });
}

function csvFile(name: string, content: string | Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

const train = (data: string, extra: string[] = []) => recur(['train', '--data', data, '--target', 'value', ...TINY, '--out', join(work, 'out'), ...extra]);

beforeAll(async () => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'recur-hostile-'));
  csv = join(work, 'tiny.csv');
  writeFileSync(csv, syntheticCsv(200));
  model = join(work, 'model');
  const r = recur(['train', '--data', csv, '--target', 'value', ...TINY, '--out', model]);
  expect(r.code, r.stderr).toBe(0);
  fifo = join(work, 'fifo');
  execFileSync('mkfifo', [fifo]);
  // A genuine checkpoint of a forecaster like the one above (taken after the first step).
  const backend = createCpuBackend();
  const m = createModel({ kind: 'seq2one', cell: 'lstm', inputSize: 1, hiddenSize: 4, outputSize: 2 }, { backend, seed: 1 });
  const batch = { inputs: new Float32Array(8 * 2).fill(0.5), T: 8, B: 2, targets: new Float32Array(4).fill(1) };
  let ckpt: Checkpoint | undefined;
  await fit(m, [batch, batch], { epochs: 1, optimizer: { kind: 'adam', lr: 0.01 }, validation: [batch], earlyStopping: { patience: 3, restoreBest: true }, checkpoint: { every: 1 }, callbacks: { onCheckpoint: (c) => { ckpt = c; return 'stop'; } } });
  checkpointBytes = encodeCheckpoint(ckpt!);
  m.dispose();
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('config.json sizes are refused before anything is allocated', { timeout: QUICK_MS }, () => {
  it('hiddenSize huge', () => {
    expectOneLineError(recur(['predict', '--model', editedModel('h1', (j) => (j.config.hiddenSize = 1e9))]), /config\.json: field config\.hiddenSize: expected at most MODEL_LIMITS\.maxHiddenSize = 32768 \(got 1000000000\)/);
  });
  it('inputSize huge', () => {
    expectOneLineError(recur(['predict', '--model', editedModel('h2', (j) => (j.config.inputSize = 2 ** 31))]), /field config\.inputSize: expected at most MODEL_LIMITS\.maxInputSize/);
  });
  it('numLayers: 1000000 (used to hang)', () => {
    expectOneLineError(recur(['predict', '--model', editedModel('h3', (j) => (j.config.numLayers = 1_000_000))]), /field config\.numLayers: expected at most MODEL_LIMITS\.maxNumLayers = 256/);
  });
  it('a size within the limits that disagrees with the weights', () => {
    expectOneLineError(recur(['predict', '--model', editedModel('h4', (j) => (j.config.hiddenSize = 1000))]), /model\.safetensors: does not match config\.json: tensor "rnn\.weight_ih_l0" has shape \[16, 1\], but .* needs \[4000, 1\]/);
  });
});

describe('the forecasting pipeline section is validated against the model', { timeout: QUICK_MS }, () => {
  it('a horizon that disagrees with the outputs', () => {
    expectOneLineError(recur(['predict', '--model', editedModel('p1', (j) => (j.extra.pipeline.horizon = 5))]), /field extra\.pipeline\.horizon: expected 2, the model's number of outputs/);
  });
  it('an unknown target', () => {
    expectOneLineError(recur(['predict', '--model', editedModel('p2', (j) => (j.extra.pipeline.target = 'zzz'))]), /field extra\.pipeline\.target: expected one of the scaler's columns \(value\) \(got "zzz"\)/);
  });
  it('a scaler centre of 1e308', () => {
    expectOneLineError(recur(['predict', '--model', editedModel('p3', (j) => (j.extra.pipeline.scaler.center = [1e308]))]), /field extra\.pipeline\.scaler\.center\[0\]: expected a finite number within the float32 range/);
  });
  it('a missing source', () => {
    expectOneLineError(recur(['eval', '--model', editedModel('p4', (j) => delete j.extra.pipeline.source)]), /field extra\.pipeline\.source: expected \{ csv \} or \{ dataset \}/);
  });
  it('a non-array features', () => {
    expectOneLineError(recur(['predict', '--model', editedModel('p5', (j) => (j.extra.pipeline.features = 'value'))]), /field extra\.pipeline\.features: expected an array of column names \(got "value"\)/);
  });
});

describe('checkpoint metadata and run.json are validated', { timeout: QUICK_MS }, () => {
  it('a genuine checkpoint is accepted (the control for the cases below)', () => {
    const r = recur(['train', '--resume', runWithCheckpoint('c0', checkpointBytes), '--epochs', '1']);
    // The checkpoint is from another (tiny) data set: it loads, then the run refuses the mismatch by batch count.
    expect(r.stderr).not.toMatch(/internal error|checkpoint\.safetensors: .*(metadata|not a readable)/);
    expect(r.code).not.toBe(2);
  });
  it('earlyStopping missing (was: Cannot read properties of undefined (reading \'best\'))', () => {
    const bytes = withMetadata((t) => JSON.stringify({ ...JSON.parse(t), earlyStopping: undefined }));
    expectOneLineError(recur(['train', '--resume', runWithCheckpoint('c1', bytes)]), /checkpoint\.safetensors: metadata field earlyStopping: expected object, received undefined|checkpoint\.safetensors: metadata field earlyStopping: .*missing/);
  });
  it('history not an array (was: r.history is not iterable)', () => {
    const bytes = withMetadata((t) => JSON.stringify({ ...JSON.parse(t), history: 7 }));
    expectOneLineError(recur(['train', '--resume', runWithCheckpoint('c2', bytes)]), /checkpoint\.safetensors: metadata field history: expected an array of epoch logs \(got 7\)/);
  });
  it('a flipped byte in the metadata JSON (was: a JSON syntax error)', () => {
    const bytes = withMetadata((t) => t.replace('{', '}'));
    expectOneLineError(recur(['train', '--resume', runWithCheckpoint('c3', bytes)]), /checkpoint\.safetensors: __metadata__\.checkpoint is not valid JSON/);
  });
  it('run.json with a flipped byte', () => {
    const dir = runWithCheckpoint('r1', checkpointBytes);
    const text = readFileSync(join(dir, 'run.json'), 'utf8');
    writeFileSync(join(dir, 'run.json'), text.replace('{', '['));
    expectOneLineError(recur(['train', '--resume', dir]), /run\.json: is not valid JSON/);
  });
  it('run.json with a flag of the wrong type', () => {
    const dir = runWithCheckpoint('r2', checkpointBytes);
    const j = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    j.flags.lookback = 'ten';
    writeFileSync(join(dir, 'run.json'), JSON.stringify(j));
    expectOneLineError(recur(['train', '--resume', dir]), /run\.json: field flags\.lookback: "lookback" must be an integer, got "ten"/);
  });
});

describe('special files are refused at once, never read (no hang)', { timeout: QUICK_MS }, () => {
  it('a FIFO as the model config', () => {
    const dir = join(work, 'fifo-model');
    cpSync(model, dir, { recursive: true });
    rmSync(join(dir, 'config.json'));
    execFileSync('mkfifo', [join(dir, 'config.json')]);
    expectOneLineError(recur(['predict', '--model', dir]), /config\.json: is a FIFO \(named pipe\), not a regular file/);
  });
  it('/dev/zero as the model weights', () => {
    const dir = join(work, 'zero-model');
    cpSync(model, dir, { recursive: true });
    rmSync(join(dir, 'model.safetensors'));
    symlinkSync('/dev/zero', join(dir, 'model.safetensors'));
    expectOneLineError(recur(['predict', '--model', dir]), /model\.safetensors: is a character device .*not a regular file/);
  });
  it('a FIFO as the model directory', () => {
    expectOneLineError(recur(['predict', '--model', fifo]), /Model directory is not a directory/);
  });
  it('a FIFO as the checkpoint', () => {
    const dir = runWithCheckpoint('fifo-ckpt', null);
    execFileSync('mkfifo', [join(dir, 'checkpoint.safetensors')]);
    expectOneLineError(recur(['train', '--resume', dir]), /checkpoint\.safetensors: is a FIFO \(named pipe\), not a regular file/);
  });
  it('/dev/urandom as the checkpoint', () => {
    const dir = runWithCheckpoint('urandom-ckpt', null);
    symlinkSync('/dev/urandom', join(dir, 'checkpoint.safetensors'));
    expectOneLineError(recur(['train', '--resume', dir]), /checkpoint\.safetensors: is a character device/);
  });
  it('a FIFO as run.json', () => {
    const dir = join(work, 'fifo-run');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'run.json')]);
    writeFileSync(join(dir, 'checkpoint.safetensors'), checkpointBytes);
    expectOneLineError(recur(['train', '--resume', dir]), /run\.json: is a FIFO \(named pipe\), not a regular file/);
  });
  it('/dev/zero as run.json', () => {
    const dir = join(work, 'zero-run');
    mkdirSync(dir);
    symlinkSync('/dev/zero', join(dir, 'run.json'));
    expectOneLineError(recur(['train', '--resume', dir]), /run\.json: is a character device/);
  });
  it('a FIFO as --data', () => {
    expectOneLineError(train(fifo), /Data file is a FIFO \(named pipe\), not a regular file/);
  });
  it('/dev/zero as --data', () => {
    expectOneLineError(train('/dev/zero'), /Data file is a character device, not a regular file: \/dev\/zero/);
  });
  it('/dev/urandom as --data', () => {
    expectOneLineError(train('/dev/urandom'), /Data file is a character device, not a regular file: \/dev\/urandom/);
  });
  it('/dev/zero as --config', () => {
    expectOneLineError(recur(['train', '--config', '/dev/zero']), /Config file is a character device, not a regular file/);
  });
});

describe('CSV input', { timeout: QUICK_MS }, () => {
  const lines = syntheticCsv(200).split('\n');
  const withCell = (name: string, cell: string) => {
    const l = [...lines];
    const parts = l[5]!.split(',');
    parts[1] = cell;
    l[5] = parts.join(',');
    return csvFile(name, l.join('\n'));
  };
  it('a stray quote: file, line and field', () => {
    const l = [...lines];
    l[3] = l[3]!.replace(',', ',"');
    expectOneLineError(train(csvFile('quote.csv', l.join('\n'))), /quote\.csv": Malformed CSV at row 2 \(file line \d+\), field 2: Quote Not Closed/);
  });
  it('binary data', () => {
    expectOneLineError(train(csvFile('binary.csv', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), /is not UTF-8 CSV text: it looks like binary data/);
  });
  it('a gzip file', () => {
    expectOneLineError(train(csvFile('gz.csv', gzipSync(syntheticCsv(200)))), /it looks like gzip-compressed data \(magic 1F 8B\)\. Decompress it first/);
  });
  it('a JSON file', () => {
    expectOneLineError(train(csvFile('data.json', JSON.stringify({ date: ['2020-01-01'], value: [1] }))), /it looks like JSON/);
  });
  it.each(['0x1A', '0b11', '0o17'])('%s is not a number', (cell) => {
    expectOneLineError(train(withCell(`lit-${cell}.csv`, cell)), new RegExp(`Cannot parse "${cell}" at row 4, column "value" \\(file line 6\\) as a number \\(hexadecimal, octal and binary literals are not CSV numbers\\)`));
  });
  it('a UTF-16 file', () => {
    const text = syntheticCsv(200);
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i);
    expectOneLineError(train(csvFile('utf16.csv', bytes)), /it looks like UTF-16 LE text \(byte-order mark FF FE\)\. Re-save it as UTF-8/);
  });
  it('a constant series (zero variance) is refused by name, not trained into NaN metrics', () => {
    const l = lines.map((x, i) => (i === 0 || x === '' ? x : x.replace(/^([^,]*),[^,]*,/, '$1,5,')));
    expectOneLineError(train(csvFile('constant.csv', l.join('\n'))), /Column "value" is constant \(5 on all \d+ rows of the training part\): it has zero variance/);
  });
});

describe('numbers', { timeout: QUICK_MS }, () => {
  it('--lr 1e6 diverges: a warning, and the saved model is the best epoch, not the last', () => {
    const r = recur(['train', '--data', csv, '--target', 'value', ...TINY, '--epochs', '5', '--lr', '1e6', '--out', join(work, 'diverged'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^recur: warning: training diverged: .*Lower --lr \(it is 1000000\) or set --clip/m);
    const json = JSON.parse(r.stdout) as { training: { warning?: string; bestEpoch: number | null } };
    expect(json.training.warning).toMatch(/training diverged/);
    const log = JSON.parse(readFileSync(join(work, 'diverged', 'training-log.json'), 'utf8')) as { epochs: { epoch: number; valLoss: number }[]; bestEpoch: number };
    const best = log.epochs.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    expect(log.bestEpoch).toBe(best.epoch);
  });
  it('--seasonal-period beyond the series', () => {
    expectOneLineError(train(csv, ['--seasonal-period', '1000000000']), /--seasonal-period 1000000000 does not fit the training part \(\d+ rows\)/);
  });
  it('a non-finite loss names the CLI flag --clip, not the API option', () => {
    const r = train(csv, ['--lr', '1e30']);
    expectOneLineError(r, /Non-finite value .* in the loss .*set --clip/);
    expect(r.stderr).not.toMatch(/clipNorm/);
  });
});
