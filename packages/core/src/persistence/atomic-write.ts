/**
 * Crash-safe file replacement (Node only, loaded lazily so browsers never see `node:fs`).
 *
 * Protocol: write the bytes to a temporary file in the SAME directory (so the rename stays on one
 * file system), fsync it, rename it over the target (atomic on POSIX and on NTFS for same-volume
 * renames), then fsync the directory so the rename itself survives a power cut. Readers therefore
 * see either the complete old file or the complete new one, never a mix or a truncated file. On any
 * failure the temporary file is removed and the old target is left untouched.
 */
import { PersistenceIOError } from './errors.js';
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
 * Reads a whole file as bytes.
 *
 * @throws {PersistenceIOError} naming `path` when it is missing or unreadable.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const fs = await nodeFs('readFileBytes');
  try {
    const buf = await fs.readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    throw new PersistenceIOError(
      path,
      code === 'ENOENT' ? 'file not found.' : `could not read the file${code ? ` (${code})` : ''}: ${(cause as Error).message}`,
      { cause },
    );
  }
}
