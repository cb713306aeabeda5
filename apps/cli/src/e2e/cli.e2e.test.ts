/**
 * End-to-end tests of the BUILT `recur` executable, run as a child process: train → eval →
 * predict, an interrupted run that resumes, PyTorch import → predict against PyTorch's outputs,
 * and every bad-input case (exit code 1, one line, no stack trace).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ROOT, ensureBuilt, expectOneLineError, recur, recurAsync, syntheticCsv } from './harness.js';

const FIXTURES = join(CLI_ROOT, 'src', '__fixtures__');
let work: string;
let csv: string;

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'recur-cli-e2e-'));
  csv = join(work, 'tiny.csv');
  writeFileSync(csv, syntheticCsv(240));
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});


const TINY = ['--lookback', '14', '--horizon', '3', '--hidden', '8', '--epochs', '4', '--batch-size', '16', '--seasonal-period', '7'];

describe('train → eval → predict', () => {
  let model: string;

  it('trains on a CSV and writes the model directory, scaler, log and report', () => {
    model = join(work, 'model');
    const r = recur(['train', '--data', csv, '--target', 'value', ...TINY, '--out', model, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { model: string; report: string; scores: { rows: { model: string; mae: number }[]; horizon: number } };
    expect(json.model).toBe(model);
    expect(json.scores.horizon).toBe(3);
    expect(json.scores.rows.map((x) => x.model)).toEqual(['LSTM (recur)', 'persistence', 'seasonal naive (7)']);
    for (const f of ['model.safetensors', 'config.json', 'scaler.json', 'training-log.json', 'report.html', 'run.json']) expect(existsSync(join(model, f)), f).toBe(true);
    expect(existsSync(join(model, 'checkpoint.safetensors'))).toBe(false);
    const html = readFileSync(json.report, 'utf8');
    expect((html.match(/<svg/g) ?? []).length).toBe(3); // forecast, per-horizon, loss curves
    expect(html).not.toMatch(/<script|<link /);
    const log = JSON.parse(readFileSync(join(model, 'training-log.json'), 'utf8')) as { epochs: unknown[]; stepLosses: number[] };
    expect(log.epochs.length).toBeGreaterThan(0);
    expect(log.stepLosses.every(Number.isFinite)).toBe(true);
    const scaler = JSON.parse(readFileSync(join(model, 'scaler.json'), 'utf8')) as { format: string; fittedOn: { role: string; rows: [number, number] } };
    expect(scaler.format).toBe('recur-scaler');
    expect(scaler.fittedOn.role).toBe('train');
    expect(scaler.fittedOn.rows).toEqual([0, 168]); // 70% of 240 rows: fitted on training rows only
  });

  it('evaluates the model against the baselines, with a backtest', () => {
    const r = recur(['eval', '--model', model, '--backtest', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { scores: { rows: { model: string; mae: number; perHorizon: number[] }[] }; backtest: { fold: number; mae: number }[] };
    expect(json.scores.rows).toHaveLength(3);
    for (const row of json.scores.rows) {
      expect(row.perHorizon).toHaveLength(3);
      expect(Number.isFinite(row.mae)).toBe(true);
    }
    expect(json.backtest.map((b) => b.fold)).toEqual([1, 2]);
    const text = recur(['eval', '--model', model]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/persistence/);
    expect(text.stdout).toMatch(/MASE\(7\)/);
  });

  it('forecasts the next horizon steps after the data', () => {
    const r = recur(['forecast', '--model', model, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { target: string; forecast: { step: number; time: string; value: number }[] };
    expect(json.target).toBe('value');
    expect(json.forecast.map((f) => f.time)).toEqual(['2020-08-28', '2020-08-29', '2020-08-30']);
    // The series hovers around 10 + 0.02·t ≈ 14.8 at its end; a sane forecast is within the data's range.
    for (const f of json.forecast) expect(f.value).toBeGreaterThan(8);
    for (const f of json.forecast) expect(f.value).toBeLessThan(20);
  });

  it('runs raw tensors through a trained model (predict --input)', () => {
    const input = join(work, 'raw-in.json');
    writeFileSync(input, JSON.stringify({ input: { shape: [2, 14, 1], data: Array.from({ length: 28 }, (_, i) => Math.sin(i)) } }));
    const out = join(work, 'raw-out.json');
    const r = recur(['predict', '--model', model, '--input', input, '--output', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { output: { shape: number[]; data: number[] }; h_n: { shape: number[] }; c_n: { shape: number[] } };
    expect(json.output.shape).toEqual([2, 3]);
    expect(json.h_n.shape).toEqual([1, 2, 8]);
    expect(json.c_n.shape).toEqual([1, 2, 8]);
  });

  it('summarises the model (inspect)', () => {
    const r = recur(['inspect', model, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { config: { cell: string; hiddenSize: number }; parameters: number };
    expect(json.config).toMatchObject({ cell: 'lstm', hiddenSize: 8 });
    // LSTM: 4H(I + H + 2) + head H·O + O = 32·(1 + 8 + 2) + 8·3 + 3
    expect(json.parameters).toBe(32 * 11 + 27);
  });

  it('probes how much context the model uses', () => {
    const r = recur(['probe', '--model', model, '--json', '--report', join(work, 'probe.html')]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { ablation: { steps: number; effectiveContext: number; curve: { k: number; score: number }[] }; gradientByLag: { lags: number[]; norms: number[] } };
    expect(json.ablation.steps).toBe(14);
    expect(json.ablation.curve.map((p) => p.k)).toEqual([1, 2, 4, 8, 14]);
    expect(json.ablation.effectiveContext).toBeGreaterThanOrEqual(1);
    expect(json.ablation.effectiveContext).toBeLessThanOrEqual(14);
    expect(json.gradientByLag.norms).toHaveLength(14);
    expect(readFileSync(join(work, 'probe.html'), 'utf8')).toMatch(/<svg/);
  });

  it('reads flags from a --config file, the command line winning', () => {
    const config = join(work, 'recur.json');
    const out = join(work, 'from-config');
    writeFileSync(config, JSON.stringify({ train: { data: csv, target: 'value', lookback: 10, horizon: 2, hidden: 4, epochs: 1, out } }));
    const r = recur(['train', '--config', config, '--horizon', '4', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { model: string; scores: { horizon: number } };
    expect(json.model).toBe(out);
    expect(json.scores.horizon).toBe(4);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { flags: { lookback: number; hidden: number } };
    expect(run.flags).toMatchObject({ lookback: 10, hidden: 4 });
  });

  it('is quiet when stdout is not a terminal: no progress bar, results only', () => {
    const r = recur(['train', '--data', csv, '--target', 'value', ...TINY, '--epochs', '1', '--out', join(work, 'quiet')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.includes(String.fromCharCode(27))).toBe(false); // NO_COLOR and no TTY: no escape codes
    expect(r.stdout).toMatch(/Report: /);
  });
});

describe('character language model', () => {
  it('trains with --task lm on a text file and generates from a prompt', () => {
    const text = join(work, 'text.txt');
    writeFileSync(text, 'the cat sat on the mat. the dog sat on the log. '.repeat(40));
    const dir = join(work, 'lm');
    const r = recur(['train', '--task', 'lm', '--text', text, '--epochs', '2', '--seq-len', '16', '--batch-size', '4', '--hidden', '8', '--embedding', '4', '--out', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { training: { validationBitsPerChar: number } };
    expect(json.training.validationBitsPerChar).toBeGreaterThan(0);
    expect(json.training.validationBitsPerChar).toBeLessThan(Math.log2(14)); // better than uniform over the 13 letters + <unk>
    const g = recur(['generate', '--model', dir, '--prompt', 'the ', '--length', '20', '--temperature', '0', '--json']);
    expect(g.code, g.stderr).toBe(0);
    const out = JSON.parse(g.stdout) as { text: string };
    expect(out.text.startsWith('the ')).toBe(true);
    expect(out.text).toHaveLength(24);
    expectOneLineError(recur(['generate', '--model', dir, '--prompt', 'xyz']), /characters the model never saw: "x", "y", "z"/);
  });
});

describe('interrupted training resumes', () => {
  it('saves a checkpoint on SIGINT, exits 130, and --resume finishes the run', async () => {
    const dir = join(work, 'resumable');
    const big = join(work, 'big.csv');
    writeFileSync(big, syntheticCsv(400));
    const args = ['train', '--data', big, '--target', 'value', '--lookback', '14', '--horizon', '3', '--hidden', '12', '--batch-size', '8', '--epochs', '12', '--patience', '0', '--checkpoint-every', '10', '--out', dir];
    const { child, done } = recurAsync(args);
    const ckpt = join(dir, 'checkpoint.safetensors');
    const t0 = Date.now();
    while (!existsSync(ckpt) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(ckpt)).toBe(true);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toMatch(/Interrupted at step \d+\. Checkpoint saved/);
    const step = Number(/Interrupted at step (\d+)/.exec(r.stdout)![1]);
    expect(existsSync(ckpt)).toBe(true);
    expect(existsSync(join(dir, 'model.safetensors'))).toBe(false);

    const resumed = recur(['train', '--resume', dir, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const json = JSON.parse(resumed.stdout) as { training: { epochs: number; steps: number } };
    expect(json.training.epochs).toBe(12);
    // 400 rows: 280 training rows → 264 windows → 33 batches of 8 per epoch.
    expect(json.training.steps).toBe(12 * 33);
    expect(step).toBeLessThan(12 * 33);
    const log = JSON.parse(readFileSync(join(dir, 'training-log.json'), 'utf8')) as { resumed: boolean; stepLosses: number[] };
    expect(log.resumed).toBe(true);
    expect(log.stepLosses).toHaveLength(12 * 33 - step); // only the resumed session's steps
    expect(existsSync(ckpt)).toBe(false);
  });

  it('refuses to resume a finished run with one line', () => {
    expectOneLineError(recur(['train', '--resume', join(work, 'model')]), /no checkpoint\.safetensors: that run finished/);
  });
});

interface TorchCase {
  file: string;
  input: { shape: number[]; data: number[] };
  h_n: { shape: number[]; data: number[] };
  c_n?: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
  headSeq?: { shape: number[]; data: number[] };
  headFinalState?: { shape: number[]; data: number[] };
}

function expectClose(actual: { shape: number[]; data: number[] }, expected: { shape: number[]; data: number[] }, tol = 2e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.data).toHaveLength(expected.data.length);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('PyTorch interop: import-torch then predict', () => {
  const fixtures = JSON.parse(readFileSync(join(FIXTURES, 'torch-interop.json'), 'utf8')) as Record<string, TorchCase>;

  function importAndPredict(name: string, importArgs: string[]): { output: { shape: number[]; data: number[] }; h_n: { shape: number[]; data: number[] }; c_n?: { shape: number[]; data: number[] } } {
    const fx = fixtures[name]!;
    const dir = join(work, `torch-${name}`);
    const weights = join(work, fx.file);
    copyFileSync(join(FIXTURES, fx.file), weights);
    const imp = recur(['import-torch', weights, ...importArgs, '--out', dir]);
    expect(imp.code, imp.stderr).toBe(0);
    const input = join(work, `${name}-in.json`);
    writeFileSync(input, JSON.stringify({ input: fx.input }));
    const output = join(work, `${name}-out.json`);
    const r = recur(['predict', '--model', dir, '--input', input, '--output', output]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(readFileSync(output, 'utf8'));
  }

  it('nn.LSTM (2 layers) + Linear head: output = head(final state), h_n and c_n match PyTorch', () => {
    const fx = fixtures.lstm2Head!;
    const out = importAndPredict('lstm2Head', ['--cell', 'lstm', '--prefix', 'rnn.', '--head', 'head']);
    expectClose(out.output, fx.headFinalState!);
    expectClose(out.h_n, fx.h_n);
    expectClose(out.c_n!, fx.c_n!);
  });

  it('bidirectional nn.GRU + Linear head at every step (--kind seq2seq) matches PyTorch', () => {
    const fx = fixtures.gruBiHead!;
    const out = importAndPredict('gruBiHead', ['--cell', 'gru', '--kind', 'seq2seq']);
    expectClose(out.output, fx.headSeq!);
    expectClose(out.h_n, fx.h_n);
    expect(out.c_n).toBeUndefined();
  });

  it('a bare nn.RNN(relu) without head or biases: output is the recurrent output', () => {
    const fx = fixtures.rnnReluBare!;
    const out = importAndPredict('rnnReluBare', ['--cell', 'rnn-relu', '--prefix', '']);
    expectClose(out.output, fx.output);
    expectClose(out.h_n, fx.h_n);
  });

  it('passes initial states h0/c0 through (batch-first input, [layers·directions, B, H] states)', () => {
    const fx = fixtures.lstm2Head!;
    const dir = join(work, 'torch-lstm2Head');
    // Continuing from (h_n, c_n) of the whole sequence on an empty-effect check: running the second
    // half from the state after the first half equals running the whole sequence.
    const [B, T, I] = fx.input.shape as [number, number, number];
    const half = (from: number, to: number) => {
      const data: number[] = [];
      for (let b = 0; b < B; b++) for (let t = from; t < to; t++) for (let i = 0; i < I; i++) data.push(fx.input.data[(b * T + t) * I + i]!);
      return { shape: [B, to - from, I], data };
    };
    const firstIn = join(work, 'first.json');
    writeFileSync(firstIn, JSON.stringify({ input: half(0, 2) }));
    const first = recur(['predict', '--model', dir, '--input', firstIn, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const s = JSON.parse(first.stdout) as { h_n: unknown; c_n: unknown };
    const secondIn = join(work, 'second.json');
    writeFileSync(secondIn, JSON.stringify({ input: half(2, T), h0: s.h_n, c0: s.c_n }));
    const second = recur(['predict', '--model', dir, '--input', secondIn, '--json']);
    expect(second.code, second.stderr).toBe(0);
    const out = JSON.parse(second.stdout) as { output: { shape: number[]; data: number[] }; h_n: { shape: number[]; data: number[] } };
    expectClose(out.output, fx.headFinalState!);
    expectClose(out.h_n, fx.h_n);
  });

  it('export-torch writes weights that import back to the same model', () => {
    const fx = fixtures.lstm2Head!;
    const file = join(work, 'exported.safetensors');
    expect(recur(['export-torch', '--model', join(work, 'torch-lstm2Head'), '--out', file]).code).toBe(0);
    const dir = join(work, 'reimported');
    expect(recur(['import-torch', file, '--cell', 'lstm', '--out', dir]).code).toBe(0);
    const input = join(work, 'lstm2Head-in.json');
    const r = recur(['predict', '--model', dir, '--input', input, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectClose((JSON.parse(r.stdout) as { output: { shape: number[]; data: number[] } }).output, fx.headFinalState!);
  });
});

describe('bad input: one clear line and exit code 1', () => {
  it('a missing data file', () => {
    expectOneLineError(recur(['train', '--data', join(work, 'nope.csv')]), /Data file not found: .*nope\.csv/);
  });

  it('an unknown column, with the nearest name', () => {
    expectOneLineError(recur(['train', '--data', csv, '--target', 'valeu', ...TINY, '--out', join(work, 'x')]), /Unknown column "valeu"\. Did you mean "value"\?/);
  });

  it('NaN values, with row and column', () => {
    const bad = join(work, 'nan.csv');
    writeFileSync(bad, syntheticCsv(60, { nanAt: 17 }));
    expectOneLineError(recur(['train', '--data', bad, '--target', 'value', ...TINY, '--out', join(work, 'x')]), /row 17.*value|value.*row 17/);
    // The fix the message suggests works.
    const filled = recur(['train', '--data', bad, '--target', 'value', ...TINY, '--epochs', '1', '--missing', 'interpolate', '--out', join(work, 'filled')]);
    expect(filled.code, filled.stderr).toBe(0);
  });

  it('a lookback larger than the data', () => {
    expectOneLineError(recur(['train', '--data', csv, '--target', 'value', '--lookback', '5000', '--out', join(work, 'x')]), /--lookback 5000 .* training rows/);
  });

  it('an unknown backend, listing the available ones', () => {
    expectOneLineError(recur(['train', '--data', csv, '--backend', 'quantum', '--out', join(work, 'x')]), /Unknown backend "quantum"\. Available here: .*cpu/);
  });

  it('a corrupted model file', () => {
    const dir = join(work, 'corrupt');
    expect(recur(['import-torch', join(FIXTURES, 'torch-lstm2-head.safetensors'), '--cell', 'lstm', '--out', dir]).code).toBe(0);
    const weights = join(dir, 'model.safetensors');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(weights, bytes);
    expectOneLineError(recur(['predict', '--model', dir, '--input', join(work, 'lstm2Head-in.json')]), /model\.safetensors: checksum mismatch/);
    expectOneLineError(recur(['inspect', dir]), /checksum mismatch/);
  });

  it('a model directory that does not exist, an unknown dataset, a bad flag value, an unknown flag', () => {
    expectOneLineError(recur(['eval', '--model', join(work, 'missing-model')]), /Model directory not found/);
    expectOneLineError(recur(['train', '--dataset', 'seatle-weather']), /Unknown dataset "seatle-weather"\. Did you mean "seattle-weather"\?/);
    expectOneLineError(recur(['train', '--lookback', 'ten']), /--lookback must be an integer, got "ten"/);
    expectOneLineError(recur(['train', '--lookbak', '3']), /unknown option '--lookbak'/);
  });

  it('a malformed tensor for predict', () => {
    const bad = join(work, 'bad-in.json');
    writeFileSync(bad, JSON.stringify({ input: { shape: [2, 4, 7], data: new Array(56).fill(0) } }));
    expectOneLineError(recur(['predict', '--model', join(work, 'torch-lstm2Head'), '--input', bad]), /has 7 features per step but the model takes 3/);
  });

  it('--json errors are machine-readable too', () => {
    const r = recur(['train', '--data', join(work, 'nope.csv'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { exitCode: 1 } });
  });
});

describe('help and listings', () => {
  it('every command has --help with examples', () => {
    for (const cmd of ['train', 'eval', 'predict', 'forecast', 'probe', 'generate', 'import-torch', 'export-torch', 'backends', 'datasets', 'inspect', 'bench']) {
      const r = recur([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(/Examples:\n {2}\$ recur /);
    }
  });

  it('lists backends with availability and reasons, and datasets', () => {
    const b = recur(['backends', '--json']);
    expect(b.code).toBe(0);
    const json = JSON.parse(b.stdout) as { backends: { name: string; available: boolean; reason: string | null }[] };
    expect(json.backends.find((x) => x.name === 'cpu')).toMatchObject({ available: true });
    for (const x of json.backends) if (!x.available) expect(x.reason).toBeTruthy();
    const d = recur(['datasets', '--json']);
    expect(d.code).toBe(0);
    expect((JSON.parse(d.stdout) as { datasets: { name: string }[] }).datasets.map((x) => x.name)).toContain('co2-concentration');
  });
});
