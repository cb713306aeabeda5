/**
 * SHA-256 of a byte array as 64 lowercase hex digits. Uses `node:crypto` under Node and WebCrypto
 * (`crypto.subtle.digest`) elsewhere, so it works in browsers too.
 */
import { RecurError } from '@recur/backend';
import { nodeCrypto } from './node-modules.js';

interface SubtleLike {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}

/**
 * Hashes `bytes` with SHA-256.
 *
 * @returns 64 lowercase hexadecimal characters.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const crypto = await nodeCrypto();
  if (crypto !== undefined) return crypto.createHash('sha256').update(bytes).digest('hex');
  return sha256HexWebCrypto(bytes);
}

/** The WebCrypto path of {@link sha256Hex} (browsers, Deno, workers). Exported for tests. */
export async function sha256HexWebCrypto(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
  if (subtle === undefined) {
    throw new RecurError(
      'E_UNSUPPORTED_ENVIRONMENT',
      'SHA-256 needs node:crypto or WebCrypto (crypto.subtle, only available in secure contexts such as https or localhost).',
    );
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
