/**
 * The one way recur reads a file it is given (Node only; the file system is reached through
 * `process.getBuiltinModule` or a dynamic import, so browsers bundling this package never load
 * `node:fs`).
 *
 * Every path is opened once, with `O_NONBLOCK` so that opening a FIFO cannot hang, and checked
 * with `fstat` on that same descriptor before one byte is read: anything but a regular file
 * (a directory, a FIFO, a socket, a character device such as `/dev/zero` or `/dev/urandom`, a
 * block device) is refused with a {@link FileReadError} that says what the path is. The size is
 * bounded: a file larger than the caller's named limit is refused before it is read.
 */
import type * as NodeFs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { RecurError } from './errors.js';

/** Why a file could not be read. */
export type FileReadProblem = 'not-found' | 'not-a-file' | 'too-large' | 'unreadable';

const CODES: Record<FileReadProblem, string> = {
  'not-found': 'E_FILE_NOT_FOUND',
  'not-a-file': 'E_NOT_A_FILE',
  'too-large': 'E_FILE_TOO_LARGE',
  unreadable: 'E_IO',
};

/**
 * A file could not be read: it does not exist, is not a regular file, is larger than the limit,
 * or the operating system refused it. `problem` says which; the message names the path and, for a
 * size, the limit and its name.
 */
export class FileReadError extends RecurError {
  override name = 'FileReadError';
  /** The path that was asked for. */
  readonly path: string;
  readonly problem: FileReadProblem;
  constructor(path: string, problem: FileReadProblem, message: string, options?: { cause?: unknown }) {
    super(CODES[problem], `${path}: ${message}`, options);
    this.path = path;
    this.problem = problem;
  }
}

/** A bound on how many bytes a read may take, and the name the error message gives it. */
export interface FileSizeLimit {
  /** Largest accepted size in bytes. */
  readonly maxBytes: number;
  /** Name of the limit (an exported constant), printed in the error so users can find it. */
  readonly limitName: string;
  /** What the file is, for messages: "a model config", "a CSV file"… */
  readonly what?: string;
}

/** The slice of `node:fs` this module needs (sync API, handles). */
type Fs = typeof NodeFs;

/** `node:fs`, synchronously (Node ≥ 20.16: `process.getBuiltinModule`). */
function nodeFs(): Fs {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = p?.getBuiltinModule?.('node:fs') as Fs | undefined;
  if (fs === undefined) {
    throw new RecurError('E_UNSUPPORTED_ENVIRONMENT', 'Reading files synchronously needs Node 20.16 or newer (process.getBuiltinModule); in a browser, pass the bytes yourself.');
  }
  return fs;
}

/**
 * `node:fs` for the async functions: `process.getBuiltinModule` where it exists, else a dynamic
 * import through a specifier bundlers do not follow (older Node 20 releases).
 */
async function nodeFsAsync(): Promise<Fs> {
  const p = (globalThis as { process?: { getBuiltinModule?: unknown; versions?: { node?: string } } }).process;
  if (typeof p?.getBuiltinModule === 'function') return nodeFs();
  if (typeof p?.versions?.node !== 'string') {
    throw new RecurError('E_UNSUPPORTED_ENVIRONMENT', "Reading files needs Node's file system; in a browser, pass the bytes yourself.");
  }
  const specifier = ['node', 'fs'].join(':');
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as Fs;
}

/** Human words for what a non-regular path is. */
function kindOf(st: NodeFs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device (like /dev/zero or /dev/urandom)';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function openError(path: string, cause: unknown): FileReadError {
  const code = (cause as { code?: string }).code;
  if (code === 'ENOENT') return new FileReadError(path, 'not-found', 'file not found.', { cause });
  if (code === 'ENOTDIR') return new FileReadError(path, 'not-found', 'file not found (a part of the path is not a directory).', { cause });
  if (code === 'EISDIR') return new FileReadError(path, 'not-a-file', 'is a directory, not a regular file.', { cause });
  return new FileReadError(path, 'unreadable', `could not read the file${code ? ` (${code})` : ''}: ${(cause as Error).message}`, { cause });
}

/** Refuses anything but a regular file within the limit (the stat must come from the open descriptor). */
function checkStat(path: string, st: NodeFs.Stats, limit?: FileSizeLimit): void {
  const what = limit?.what ?? 'the file';
  if (!st.isFile()) {
    throw new FileReadError(path, 'not-a-file', `is ${kindOf(st)}, not a regular file; recur reads ${what} only from a regular file.`);
  }
  if (limit !== undefined && st.size > limit.maxBytes) {
    throw new FileReadError(
      path,
      'too-large',
      `is ${formatBytes(st.size)} (${st.size} bytes), more than the ${limit.maxBytes}-byte limit ${limit.limitName} for ${what}; this is not ${what} recur wrote, or it is damaged.`,
    );
  }
}

function openFlags(fs: Fs): number {
  const c = fs.constants;
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of blocking forever.
  return c.O_RDONLY | (c.O_NONBLOCK ?? 0) | (c.O_NOCTTY ?? 0);
}

/**
 * Reads a whole regular file, refusing special files and files above `limit.maxBytes`.
 *
 * @throws {FileReadError} `E_FILE_NOT_FOUND`, `E_NOT_A_FILE`, `E_FILE_TOO_LARGE` or `E_IO`, naming the path.
 */
export function readRegularFileSync(path: string, limit: FileSizeLimit): Uint8Array {
  const fs = nodeFs();
  let fd: number;
  try {
    fd = fs.openSync(path, openFlags(fs));
  } catch (cause) {
    throw openError(path, cause);
  }
  try {
    const st = fs.fstatSync(fd);
    checkStat(path, st, limit);
    const out = new Uint8Array(st.size);
    let pos = 0;
    while (pos < out.length) {
      const n = fs.readSync(fd, out, pos, out.length - pos, pos);
      if (n === 0) break; // the file shrank while being read
      pos += n;
    }
    return pos === out.length ? out : out.subarray(0, pos);
  } catch (cause) {
    if (cause instanceof FileReadError) throw cause;
    throw openError(path, cause);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Async form of {@link readRegularFileSync} (same checks; the read itself runs off the main thread).
 *
 * @throws {FileReadError} naming the path and the problem.
 */
export async function readRegularFile(path: string, limit: FileSizeLimit): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(path, limit);
  try {
    const out = new Uint8Array(size);
    let pos = 0;
    while (pos < out.length) {
      const { bytesRead } = await handle.read(out, pos, out.length - pos, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
    }
    return pos === out.length ? out : out.subarray(0, pos);
  } catch (cause) {
    throw openError(path, cause);
  } finally {
    await handle.close();
  }
}

/** An open, checked regular file. Close `handle` when done. */
export interface OpenRegularFile {
  readonly handle: FileHandle;
  /** Size in bytes when it was opened. */
  readonly size: number;
}

/**
 * Opens a path for streaming after the same checks as {@link readRegularFile} (`limit` optional:
 * a streamed file need not fit in memory, but it must be a regular file).
 *
 * @throws {FileReadError} naming the path and the problem.
 */
export async function openRegularFile(path: string, limit?: FileSizeLimit): Promise<OpenRegularFile> {
  const fs = await nodeFsAsync();
  let handle: FileHandle;
  try {
    handle = await fs.promises.open(path, openFlags(fs));
  } catch (cause) {
    throw openError(path, cause);
  }
  try {
    const st = await handle.stat();
    checkStat(path, st, limit);
    return { handle, size: st.size };
  } catch (cause) {
    await handle.close().catch(() => undefined);
    if (cause instanceof FileReadError) throw cause;
    throw openError(path, cause);
  }
}
