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

async function fetchModule(url: URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetch ${url.href} failed with HTTP ${response.status}`);
  if (typeof WebAssembly.compileStreaming === 'function' && (response.headers.get('content-type') ?? '').startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

async function fromLocation(loc: URL | string): Promise<WebAssembly.Module> {
  const url = typeof loc === 'string' ? toUrl(loc) : loc;
  if (isNode && (url === null || url.protocol === 'file:')) {
    const fs = await nodeFs();
    return WebAssembly.compile((await fs.readFile(url ?? (loc as string))) as BufferSource);
  }
  if (url === null) {
    // a relative string in a browser: resolve against the page
    return fetchModule(new URL(loc as string, (globalThis as { location?: { href: string } }).location?.href));
  }
  return fetchModule(url);
}

async function compileSource(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) return WebAssembly.compile(source as BufferSource);
  return fromLocation(source);
}

/** Which build {@link compileKernels} loaded. */
export type KernelBuild = 'relaxed' | 'baseline' | 'custom';

/** The default kernel files next to this module. The literal `new URL('./…wasm', import.meta.url)` forms are what bundlers look for. */
function defaultCandidates(relaxed: boolean, threaded: boolean): [KernelBuild, URL][] {
  const out: [KernelBuild, URL][] = [];
  const useRelaxed = relaxed && relaxedSimdSupported();
  if (threaded) {
    if (useRelaxed) out.push(['relaxed', new URL('./recur-relaxed-threads.wasm', import.meta.url)]);
    out.push(['baseline', new URL('./recur-threads.wasm', import.meta.url)]);
  } else {
    if (useRelaxed) out.push(['relaxed', new URL('./recur-relaxed.wasm', import.meta.url)]);
    out.push(['baseline', new URL('./recur.wasm', import.meta.url)]);
  }
  return out;
}

/**
 * Compile the kernels from `source`, or from the default location next to this module:
 * `recur-relaxed.wasm` where the runtime validates relaxed SIMD (and `relaxed` is not false),
 * otherwise `recur.wasm`; with `threaded`, their shared-memory builds `recur-relaxed-threads.wasm`
 * and `recur-threads.wasm`.
 */
export async function compileKernels(
  source: WasmSource | undefined,
  relaxed = true,
  threaded = false,
): Promise<{ module: WebAssembly.Module; build: KernelBuild }> {
  try {
    if (source !== undefined) return { module: await compileSource(source), build: 'custom' };
    let firstError: unknown = null;
    for (const [build, url] of defaultCandidates(relaxed, threaded)) {
      try {
        return { module: await fromLocation(url), build };
      } catch (e) {
        firstError ??= e;
      }
      // Running from the TypeScript sources (tests, monorepo dev): the build output is in ../dist.
      const m = /\/src\/(recur(?:-relaxed)?(?:-threads)?\.wasm)$/.exec(url.pathname);
      if (isNode && url.protocol === 'file:' && m) {
        try {
          // A dynamic URL that bundlers must not try to glob (Vite's dev server would load all of dist/).
          const fromDist = new URL(/* @vite-ignore */ `../dist/${m[1]}`, import.meta.url);
          return { module: await fromLocation(fromDist), build };
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

/**
 * Why the threaded build cannot run here, or null when it can: it needs `SharedArrayBuffer` and a
 * shared `WebAssembly.Memory`, which browsers only give to cross-origin isolated pages.
 */
export function threadsUnavailableReason(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown };
  const fix =
    'serve the page cross-origin isolated, with the headers "Cross-Origin-Opener-Policy: same-origin" and ' +
    '"Cross-Origin-Embedder-Policy: require-corp" (or "credentialless")';
  if (typeof g.SharedArrayBuffer !== 'function') {
    return g.crossOriginIsolated === false
      ? `SharedArrayBuffer is unavailable because the page is not cross-origin isolated; ${fix}`
      : 'SharedArrayBuffer is unavailable in this runtime';
  }
  if (!isNode && typeof g.Worker !== 'function') return 'Web Workers are unavailable in this runtime';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
  } catch {
    return g.crossOriginIsolated === false ? `shared WebAssembly memory is unavailable (the page is not cross-origin isolated); ${fix}` : 'shared WebAssembly memory is unavailable in this runtime';
  }
  return null;
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
