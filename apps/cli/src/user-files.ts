/**
 * Every file the CLI reads itself (the `--config` file, `--input` tensors, `--text`, run.json, a
 * CSV's header) goes through `@recur/backend`'s readRegularFile: a FIFO, a device (/dev/zero,
 * /dev/urandom) or a directory is refused at once, and each kind of file has a named size limit.
 * Model directories and checkpoints are read by @recur/core, CSV rows by @recur/data, through the
 * same helper.
 */
import { FileReadError, openRegularFile, readRegularFile, readRegularFileSync, type FileSizeLimit } from '@recur/backend';
import { CliUserError } from './errors.js';

const MiB = 1024 * 1024;

/** Size limits of the files the CLI reads, by the name printed when one is hit. */
export const CLI_FILE_LIMITS = Object.freeze({
  config: { maxBytes: 1 * MiB, limitName: 'MAX_CLI_CONFIG_BYTES', what: 'a --config file' },
  run: { maxBytes: 1 * MiB, limitName: 'MAX_RUN_FILE_BYTES', what: 'a run.json' },
  input: { maxBytes: 256 * MiB, limitName: 'MAX_INPUT_JSON_BYTES', what: 'an --input tensor file' },
  text: { maxBytes: 512 * MiB, limitName: 'MAX_TEXT_BYTES', what: 'a --text file' },
} satisfies Record<string, FileSizeLimit>);

/** Bytes read to find a CSV's header row. */
export const CSV_HEADER_BYTES = 1 * MiB;

function utf8(path: string, bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliUserError(`${path} is not UTF-8 text; ${what} must be UTF-8.`);
  }
}

/** Read a whole text file (UTF-8), synchronously. */
export function readTextFileSync(path: string, limit: FileSizeLimit): string {
  return utf8(path, readRegularFileSync(path, limit), limit.what ?? 'the file');
}

/** Read a whole text file (UTF-8). */
export async function readTextFile(path: string, limit: FileSizeLimit): Promise<string> {
  return utf8(path, await readRegularFile(path, limit), limit.what ?? 'the file');
}

/** The first `CSV_HEADER_BYTES` of a CSV file (enough for its header row), as text. */
export async function readCsvHead(path: string): Promise<string> {
  const { handle } = await openRegularFile(path, { maxBytes: Number.MAX_SAFE_INTEGER, limitName: 'none', what: 'a CSV file' });
  try {
    const buf = new Uint8Array(CSV_HEADER_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    // Lenient decode: @recur/data's reader says precisely what a non-UTF-8 file looks like.
    return new TextDecoder('utf-8').decode(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** True for the error a missing file gives. */
export function isNotFound(e: unknown): boolean {
  return e instanceof FileReadError && e.problem === 'not-found';
}
