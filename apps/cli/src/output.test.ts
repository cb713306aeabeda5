import { describe, expect, it } from 'vitest';
import { classifyError, CliUserError } from './errors.js';
import { formatDuration, formatNumber, formatTable, Output } from './output.js';
import { InvalidArgumentError } from '@recur/backend';
import { UnknownColumnError } from '@recur/data';

function sink(isTTY: boolean) {
  let text = '';
  return { stream: { isTTY, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream & { isTTY: boolean }, text: () => text };
}

describe('Output', () => {
  it('prints results, and status only on a terminal; NO_COLOR turns colour off', () => {
    const out1 = sink(false);
    const err1 = sink(false);
    const o = new Output({ stdout: out1.stream, stderr: err1.stream }, { json: false, env: {} });
    o.print('result');
    o.status('progress');
    expect(out1.text()).toBe('result\n');
    expect(err1.text()).toBe('');
    const out2 = sink(true);
    const err2 = sink(true);
    const tty = new Output({ stdout: out2.stream, stderr: err2.stream }, { json: false, env: { NO_COLOR: '1' } });
    tty.status(tty.color.bold('progress'));
    expect(err2.text()).toBe('progress\n');
    const colored = new Output({ stdout: out2.stream, stderr: err2.stream }, { json: false, env: {} });
    expect(colored.color.bold('x')).not.toBe('x');
  });

  it('--json prints only the JSON document', () => {
    const out = sink(true);
    const err = sink(true);
    const o = new Output({ stdout: out.stream, stderr: err.stream }, { json: true, env: {} });
    o.print('text');
    o.status('status');
    o.emitJson({ a: 1 });
    expect(JSON.parse(out.text())).toEqual({ a: 1 });
    expect(err.text()).toBe('');
  });
});

describe('formatting', () => {
  it('formats numbers, durations and tables', () => {
    expect(formatNumber(0.73481)).toBe('0.7348');
    expect(formatNumber(2.5)).toBe('2.5');
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(1.5e-6)).toBe('1.500e-6');
    expect(formatDuration(3.21)).toBe('3.2s');
    expect(formatDuration(75)).toBe('1m 15s');
    const t = formatTable(['model', 'MAE'], [['lstm', 0.5], ['persistence', 2.25]]).split('\n');
    expect(t[0]).toBe(`model${' '.repeat(9)}MAE`);
    expect(t[2]).toBe(`lstm${' '.repeat(10)}0.5`);
    expect(t[3]).toBe('persistence  2.25');
  });
});

describe('classifyError', () => {
  it('maps user errors to exit 1 with one line and anything else to exit 2', () => {
    expect(classifyError(new CliUserError('bad\nflag'))).toMatchObject({ exitCode: 1, message: 'bad flag' });
    expect(classifyError(new InvalidArgumentError('x', 'nope'))).toMatchObject({ exitCode: 1, code: 'E_INVALID_ARGUMENT' });
    expect(classifyError(new UnknownColumnError('valeu', ['value'], 'value'))).toMatchObject({ exitCode: 1, code: 'E_UNKNOWN_COLUMN' });
    expect(classifyError(Object.assign(new Error('x'), { code: 'ENOENT', path: '/a/b' }))).toMatchObject({ exitCode: 1, message: '/a/b: no such file or directory.' });
    const internal = classifyError(new TypeError('undefined is not a function'));
    expect(internal.exitCode).toBe(2);
    expect(internal.message).toMatch(/^internal error: undefined is not a function \(run again with --debug/);
  });
});
