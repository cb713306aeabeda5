/**
 * Finding and instantiating `recur.wasm`.
 *
 * - Default: `new URL('./recur.wasm', import.meta.url)`, the file tsup's output sits beside in
 *   `dist/`. Bundlers (Vite, webpack 5, Rollup, esbuild with a URL loader) recognise this pattern
 *   and emit the file as an asset. Browsers fetch it (`WebAssembly.instantiateStreaming` when the
 *   server sends `application/wasm`); Node reads it with `fs.readFile`.
 * - Explicit: bytes (`ArrayBuffer`/`Uint8Array`), a compiled `WebAssembly.Module`, a `URL`, or a
 *   string (a URL, or in Node a file path).
 */
import { BackendUnavailableError } from '@recur/backend';

/** Where the kernels' WebAssembly comes from. */
export type WasmSource = ArrayBuffer | Uint8Array | URL | string | WebAssembly.Module;

interface NodeFs {
  readFile(path: string | URL): Promise<Uint8Array>;
}

const isNode = typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

async function nodeFs(): Promise<NodeFs> {
  const proc = process as unknown as { getBuiltinModule?: (id: string) => unknown };
  const builtin = proc.getBuiltinModule?.('node:fs/promises');
  if (builtin) return builtin as NodeFs;
  const id = 'node:fs/promises';
  return (await import(/* @vite-ignore */ id)) as NodeFs;
}

function toUrl(s: string): URL | null {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) && !/^[a-zA-Z]:[\\/]/.test(s)) {
    try {
      return new URL(s);
    } catch {
      return null;
    }
  }
  return null;
}

async function fetchModule(url: URL, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetch ${url.href} failed with HTTP ${response.status}`);
  if (typeof WebAssembly.instantiateStreaming === 'function' && (response.headers.get('content-type') ?? '').startsWith('application/wasm')) {
    return (await WebAssembly.instantiateStreaming(response, imports)).instance;
  }
  const bytes = await response.arrayBuffer();
  return (await WebAssembly.instantiate(bytes, imports)).instance;
}

async function fromBytes(bytes: ArrayBuffer | Uint8Array, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
  return (await WebAssembly.instantiate(bytes as BufferSource, imports)).instance;
}

async function fromLocation(loc: URL | string, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
  const url = typeof loc === 'string' ? toUrl(loc) : loc;
  if (isNode && (url === null || url.protocol === 'file:')) {
    const fs = await nodeFs();
    return fromBytes(await fs.readFile(url ?? (loc as string)), imports);
  }
  if (url === null) {
    // a relative string in a browser: resolve against the page
    return fetchModule(new URL(loc as string, (globalThis as { location?: { href: string } }).location?.href), imports);
  }
  return fetchModule(url, imports);
}

/** Instantiate the kernels from `source`, or from the default location next to this module. */
export async function instantiateKernels(source: WasmSource | undefined, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
  try {
    if (source instanceof WebAssembly.Module) return await WebAssembly.instantiate(source, imports);
    if (source instanceof ArrayBuffer || source instanceof Uint8Array) return await fromBytes(source, imports);
    if (source !== undefined) return await fromLocation(source, imports);
    // The literal `new URL('./recur.wasm', import.meta.url)` is what bundlers look for.
    const defaultUrl = new URL('./recur.wasm', import.meta.url);
    try {
      return await fromLocation(defaultUrl, imports);
    } catch (e) {
      // Running from the TypeScript sources (tests, monorepo dev): the build output is in ../dist.
      if (isNode && defaultUrl.protocol === 'file:' && /\/src\/recur\.wasm$/.test(defaultUrl.pathname)) {
        return await fromLocation(new URL('../dist/recur.wasm', import.meta.url), imports);
      }
      throw e;
    }
  } catch (e) {
    throw new BackendUnavailableError(
      'wasm',
      `could not load recur.wasm (${e instanceof Error ? e.message : String(e)}); build it with \`pnpm --filter @recur/backend-wasm build\` or pass the bytes/URL as the \`wasm\` option`,
      [],
    );
  }
}

/** A tiny module using one SIMD instruction: validates only where WebAssembly SIMD128 exists. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Why the WASM backend cannot run here, or null when it can. */
export function wasmUnavailableReason(): string | null {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return 'WebAssembly is not available in this runtime';
  try {
    if (!WebAssembly.validate(SIMD_PROBE)) return 'WebAssembly SIMD (simd128) is not supported by this runtime';
  } catch {
    return 'WebAssembly SIMD (simd128) is not supported by this runtime';
  }
  return null;
}
