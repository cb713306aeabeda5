import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileReadError, openRegularFile, readRegularFile, readRegularFileSync } from './files.js';

const LIMIT = { maxBytes: 1024, limitName: 'TEST_LIMIT', what: 'a test file' };
let root: string;
let fifo: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'recur-files-'));
  fifo = join(root, 'pipe');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(join(root, 'small.bin'), new Uint8Array([1, 2, 3]));
  writeFileSync(join(root, 'big.bin'), new Uint8Array(2048));
  mkdirSync(join(root, 'dir'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function problemOf(p: Promise<unknown>): Promise<[string, string, string]> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(FileReadError);
  const f = e as FileReadError;
  return [f.problem, f.code, f.message];
}

describe('readRegularFile', () => {
  it('reads a regular file', async () => {
    expect(Array.from(await readRegularFile(join(root, 'small.bin'), LIMIT))).toEqual([1, 2, 3]);
    expect(Array.from(readRegularFileSync(join(root, 'small.bin'), LIMIT))).toEqual([1, 2, 3]);
  });

  it('refuses a FIFO at once (no hang), sync and async, and when streaming', async () => {
    const [problem, code, message] = await problemOf(readRegularFile(fifo, LIMIT));
    expect([problem, code]).toEqual(['not-a-file', 'E_NOT_A_FILE']);
    expect(message).toMatch(/is a FIFO \(named pipe\), not a regular file/);
    expect(() => readRegularFileSync(fifo, LIMIT)).toThrow(/FIFO/);
    await expect(openRegularFile(fifo)).rejects.toThrow(/FIFO/);
  }, 5000);

  it('refuses character devices (/dev/zero, /dev/urandom) and directories', async () => {
    for (const dev of ['/dev/zero', '/dev/urandom']) {
      const [problem, , message] = await problemOf(readRegularFile(dev, LIMIT));
      expect(problem).toBe('not-a-file');
      expect(message).toMatch(/character device/);
    }
    const [problem, , message] = await problemOf(readRegularFile(join(root, 'dir'), LIMIT));
    expect(problem).toBe('not-a-file');
    expect(message).toMatch(/is a directory/);
  }, 5000);

  it('names the size limit', async () => {
    const [problem, code, message] = await problemOf(readRegularFile(join(root, 'big.bin'), LIMIT));
    expect([problem, code]).toEqual(['too-large', 'E_FILE_TOO_LARGE']);
    expect(message).toMatch(/2048 bytes\), more than the 1024-byte limit TEST_LIMIT for a test file/);
  });

  it('names a missing file', async () => {
    const [problem, code, message] = await problemOf(readRegularFile(join(root, 'nope'), LIMIT));
    expect([problem, code]).toEqual(['not-found', 'E_FILE_NOT_FOUND']);
    expect(message).toMatch(/nope: file not found\./);
  });
});
