import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliUserError } from './errors.js';
import { resolveFlags } from './options.js';
import { COMMANDS, findCommand } from './spec.js';

const train = findCommand('train')!;

describe('resolveFlags', () => {
  it('takes defaults from the spec', () => {
    const { values, sources } = resolveFlags(train, {}, () => false);
    expect(values).toMatchObject({ lookback: 24, horizon: 12, cell: 'lstm', backend: 'auto', residual: true, split: ['0.7', '0.15', '0.15'] });
    expect(sources.lookback).toBe('default');
  });

  it('parses typed values and rejects bad ones with the flag name', () => {
    const cli = { lookback: '48', lr: '1e-3', features: 'a, b', cell: 'gru' };
    const { values } = resolveFlags(train, cli, (n) => n in cli);
    expect(values).toMatchObject({ lookback: 48, lr: 0.001, features: ['a', 'b'], cell: 'gru' });
    expect(() => resolveFlags(train, { lookback: '4.5' }, (n) => n === 'lookback')).toThrow(/--lookback must be an integer, got "4.5"/);
    expect(() => resolveFlags(train, { lr: 'fast' }, (n) => n === 'lr')).toThrow(CliUserError);
    expect(() => resolveFlags(train, { cell: 'transformer' }, (n) => n === 'cell')).toThrow(/--cell must be one of lstm, gru, rnn-tanh, rnn-relu/);
  });

  it('reads a config file: top level, then the command section, then the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-opts-'));
    const file = join(dir, 'recur.json');
    writeFileSync(file, JSON.stringify({ backend: 'wasm', hidden: 16, train: { hidden: 64, lookback: 36, epochs: 5 }, eval: { backtest: 3 } }));
    const cli = { config: file, epochs: '7' };
    const { values, sources } = resolveFlags(train, cli, (n) => n in cli);
    expect(values).toMatchObject({ backend: 'wasm', hidden: 64, lookback: 36, epochs: 7 });
    expect(sources).toMatchObject({ hidden: 'config', epochs: 'cli', horizon: 'default' });
    writeFileSync(file, JSON.stringify({ train: { lookbak: 3 } }));
    expect(() => resolveFlags(train, { config: file }, (n) => n === 'config')).toThrow(/unknown flag "lookbak"/);
    writeFileSync(file, '{ not json');
    expect(() => resolveFlags(train, { config: file }, (n) => n === 'config')).toThrow(/not valid JSON/);
  });

  it('requires the required flags', () => {
    expect(() => resolveFlags(findCommand('import-torch')!, {}, () => false)).toThrow(/needs --out <dir>/);
    // --cell, --prefix and --head are detected from the file when not given.
    const { values } = resolveFlags(findCommand('import-torch')!, { out: 'x' }, (n) => n === 'out');
    expect(values.cell).toBeUndefined();
    expect(values.prefix).toBeUndefined();
  });
});

describe('the command table', () => {
  it('describes every command with examples and unique flags', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(['train', 'eval', 'predict', 'probe', 'generate', 'import-torch', 'export-torch', 'export-onnx', 'import-onnx', 'backends', 'datasets', 'inspect', 'bench']);
    for (const c of COMMANDS) {
      expect(c.examples.length, c.name).toBeGreaterThan(0);
      const names = c.flags.map((f) => f.name);
      expect(new Set(names).size, c.name).toBe(names.length);
      for (const f of c.flags) expect(f.flag.startsWith('--'), `${c.name} ${f.flag}`).toBe(true);
    }
    expect(findCommand('forecast')?.name).toBe('predict');
    // JSON-serialisable (the docs site reads it as data).
    expect(JSON.parse(JSON.stringify(COMMANDS))).toEqual(COMMANDS);
  });
});
