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

/** Which build {@link instantiateKernels} loaded. */
export type KernelBuild = 'relaxed' | 'baseline' | 'custom';

/**
 * Instantiate the kernels from `source`, or from the default location next to this module:
 * `recur-relaxed.wasm` where the runtime validates relaxed SIMD (and `relaxed` is not false),
 * otherwise `recur.wasm`.
 */
export async function instantiateKernels(
  source: WasmSource | undefined,
  imports: WebAssembly.Imports,
  relaxed = true,
): Promise<{ instance: WebAssembly.Instance; build: KernelBuild }> {
  try {
    if (source instanceof WebAssembly.Module) return { instance: await WebAssembly.instantiate(source, imports), build: 'custom' };
    if (source instanceof ArrayBuffer || source instanceof Uint8Array) return { instance: await fromBytes(source, imports), build: 'custom' };
    if (source !== undefined) return { instance: await fromLocation(source, imports), build: 'custom' };
    // The literal `new URL('./…wasm', import.meta.url)` forms are what bundlers look for.
    const candidates: [KernelBuild, URL][] = [];
    if (relaxed && relaxedSimdSupported()) candidates.push(['relaxed', new URL('./recur-relaxed.wasm', import.meta.url)]);
    candidates.push(['baseline', new URL('./recur.wasm', import.meta.url)]);
    let firstError: unknown = null;
    for (const [build, url] of candidates) {
      try {
        return { instance: await fromLocation(url, imports), build };
      } catch (e) {
        firstError ??= e;
      }
      // Running from the TypeScript sources (tests, monorepo dev): the build output is in ../dist.
      const m = /\/src\/(recur(?:-relaxed)?\.wasm)$/.exec(url.pathname);
      if (isNode && url.protocol === 'file:' && m) {
        try {
          // A dynamic URL that bundlers must not try to glob (Vite's dev server would load all of dist/).
          const fromDist = new URL(/* @vite-ignore */ `../dist/${m[1]}`, import.meta.url);
          return { instance: await fromLocation(fromDist, imports), build };
        } catch {
          // keep the first error
        }
      }
      // a relaxed build that cannot be loaded (e.g. not copied by a packager) falls back to baseline
    }
    throw firstError;
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

/** A tiny module using `f32x4.relaxed_madd`: validates only where relaxed SIMD is enabled. */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);

/** Whether this runtime runs WebAssembly relaxed SIMD (Chrome 114+, Node 22+). */
export function relaxedSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

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
