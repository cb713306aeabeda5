/**
 * Crash-safe file replacement (Node only, loaded lazily so browsers never see `node:fs`).
 *
 * Protocol: write the bytes to a temporary file in the SAME directory (so the rename stays on one
 * file system), fsync it, rename it over the target (atomic on POSIX and on NTFS for same-volume
 * renames), then fsync the directory so the rename itself survives a power cut. Readers therefore
 * see either the complete old file or the complete new one, never a mix or a truncated file. On any
 * failure the temporary file is removed and the old target is left untouched.
 */
import { readRegularFile, type FileSizeLimit } from '@recur/backend';
import { PersistenceIOError } from './errors.js';
import { MAX_TENSOR_FILE_BYTES } from './limits.js';
import { nodeFs, nodePath } from './node-modules.js';

/** Prefix and suffix of the temporary files {@link atomicWriteFile} creates (for cleanup tools). */
export const TEMP_FILE_PATTERN = /^\..+\.[0-9a-f]+\.tmp$/;

/**
 * Atomically replaces (or creates) the file at `path` with `bytes`.
 *
 * @throws {PersistenceIOError} naming `path` when the directory is missing, not writable, or the disk is full.
 */
export async function atomicWriteFile(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await nodeFs('atomicWriteFile');
  const { dirname, basename, join } = await nodePath('atomicWriteFile');
  const dir = dirname(path);
  const nonce = `${process.pid.toString(16)}${Math.floor(Math.random() * 0xffffffff).toString(16)}`;
  const tmp = join(dir, `.${basename(path)}.${nonce}.tmp`);
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(tmp, 'wx', 0o644);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, path);
  } catch (cause) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const code = (cause as { code?: string }).code;
    throw new PersistenceIOError(
      path,
      `could not write the file${code ? ` (${code})` : ''}: ${(cause as Error).message}. The previous contents, if any, are unchanged.`,
      { cause },
    );
  }
  // Persist the rename (directory entry). Not every platform can fsync a directory (Windows cannot).
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // best effort
  }
}

/**
 * Reads a whole regular file as bytes, through `@recur/backend`'s {@link readRegularFile}: a FIFO,
 * a device (`/dev/zero`), a directory or a file above the limit is refused at once, naming it.
 *
 * @param limit Size bound and its name; default {@link MAX_TENSOR_FILE_BYTES}.
 * @throws {FileReadError} naming `path`: `E_FILE_NOT_FOUND`, `E_NOT_A_FILE`, `E_FILE_TOO_LARGE` or `E_IO`.
 */
export async function readFileBytes(path: string, limit?: FileSizeLimit): Promise<Uint8Array> {
  return readRegularFile(path, limit ?? { maxBytes: MAX_TENSOR_FILE_BYTES, limitName: 'MAX_TENSOR_FILE_BYTES' });
}
