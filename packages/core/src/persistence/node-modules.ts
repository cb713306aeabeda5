/**
 * Lazy access to Node's built-in modules. Everything Node-only in persistence goes through here, via
 * dynamic `import()`, so `@recur/core` still bundles and runs in browsers: nothing is loaded until a
 * file-system function is actually called.
 */
import type * as CryptoModule from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import type * as PathModule from 'node:path';
import { RecurError } from '@recur/backend';

// Type-only imports above are erased at build time; the modules load lazily below.

/** True when running under Node (or a runtime that implements its built-in modules). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Loads a Node built-in. The specifier is deliberately not a string literal: bundlers targeting
 * browsers (esbuild, webpack, Vite, Rollup) then leave the import alone instead of failing to
 * resolve `node:*`; it only ever runs under Node.
 */
function loadBuiltin<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}

function requireNode(what: string): void {
  if (!isNode()) {
    throw new RecurError(
      'E_UNSUPPORTED_ENVIRONMENT',
      `${what} needs Node's file system. In a browser, use encodeModel()/decodeModel() and store the bytes yourself (fetch, IndexedDB, File API).`,
    );
  }
}

/** `node:fs/promises`, loaded on first use. */
export async function nodeFs(what: string): Promise<typeof FsPromises> {
  requireNode(what);
  return loadBuiltin<typeof FsPromises>('fs/promises');
}

/** `node:path`, loaded on first use. */
export async function nodePath(what: string): Promise<typeof PathModule> {
  requireNode(what);
  return loadBuiltin<typeof PathModule>('path');
}

/** `node:crypto`, loaded on first use; undefined outside Node. */
export async function nodeCrypto(): Promise<typeof CryptoModule | undefined> {
  if (!isNode()) return undefined;
  return loadBuiltin<typeof CryptoModule>('crypto');
}
