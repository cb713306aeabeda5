/**
 * The backend packages the CLI knows. Each package registers its own backends (names, factories,
 * priorities, descriptions and probes) through its `register*()` export, so an entry here only
 * says where to find that export. To add a backend package: add its dependency to
 * apps/cli/package.json and one entry below.
 */

/** One backend package. */
export interface BackendPackage {
  /** npm package name. */
  readonly pkg: string;
  /** Its registration function (registers one or more backends with `@recur/backend`). */
  readonly register: string;
  /**
   * Probe in a child process: the package loads a native driver (Vulkan, CUDA) whose own lines on
   * stderr must not reach the user. The child's verdict is used, its stderr is only read for a
   * reason in recur's words (see `explainNative`), and the driver is loaded in this process only
   * when the backend is actually used.
   */
  readonly isolateProbe?: boolean;
  /**
   * Optional export `(nativeOutput: string) => string | null` that turns the driver's own stderr
   * lines from an isolated probe into one reason in recur's words.
   */
  readonly explainNative?: string;
}

/** Every backend package, in listing order (the listing itself sorts by priority). */
export const BACKEND_PACKAGES: readonly BackendPackage[] = Object.freeze([
  { pkg: '@recur/backend-cpu', register: 'registerCpuBackend' },
  { pkg: '@recur/backend-wasm', register: 'registerWasmBackend' },
  { pkg: '@recur/backend-onednn', register: 'registerOnednnBackend' },
  { pkg: '@recur/backend-webgpu', register: 'registerWebgpuBackend', isolateProbe: true, explainNative: 'explainDawnOutput' },
  { pkg: '@recur/backend-cuda', register: 'registerCudaBackend', isolateProbe: true },
  { pkg: '@recur/backend-tfjs', register: 'registerTfjsBackends' },
]);

/** The registry name to list for a package that cannot be loaded at all: `@recur/backend-cuda` → `cuda`. */
export function fallbackBackendName(pkg: string): string {
  return pkg.replace(/^@[^/]+\//, '').replace(/^backend-/, '');
}
