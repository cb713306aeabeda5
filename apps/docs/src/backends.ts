/**
 * The backends a demo can run on, created by name inside the page (or its worker).
 */
import { BackendUnavailableError, type Backend } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { createWasmBackend, probeWasmBackend, relaxedSimdSupported } from '@recur/backend-wasm';
import { createWebgpuBackend, probeWebgpu } from '@recur/backend-webgpu';

/** A backend the site's demos can switch to. */
export type DemoBackendName = 'cpu' | 'wasm' | 'webgpu';

/** Every backend name, in the switcher's order. */
export const DEMO_BACKENDS: readonly DemoBackendName[] = ['cpu', 'wasm', 'webgpu'];

/** Labels shown in the switcher. */
export const BACKEND_LABELS: Readonly<Record<DemoBackendName, string>> = { cpu: 'CPU', wasm: 'WASM-SIMD', webgpu: 'WebGPU' };

/** The backends this browser can run: CPU and WASM always, WebGPU when `navigator.gpu` exists. */
export function availableBackends(nav: { gpu?: unknown } | undefined = globalThis.navigator as { gpu?: unknown } | undefined): DemoBackendName[] {
  const out: DemoBackendName[] = ['cpu', 'wasm'];
  if (nav && nav.gpu) out.push('webgpu');
  return out;
}

/** Where the WASM kernels are fetched from (the bundler's URLs for `recur.wasm` and `recur-relaxed.wasm`). */
export interface BackendSources {
  readonly wasmUrl?: string;
  /** The relaxed-SIMD build, used where the browser validates relaxed SIMD. */
  readonly wasmRelaxedUrl?: string;
  /** The shared-memory (threaded) builds, used where the page is cross-origin isolated. */
  readonly wasmThreadsUrl?: string;
  readonly wasmRelaxedThreadsUrl?: string;
}

/** The kernels' URL for this runtime, or undefined to let the backend find them itself. */
export function wasmSourceFor(sources: BackendSources, relaxed: boolean = relaxedSimdSupported()): string | undefined {
  return relaxed && sources.wasmRelaxedUrl !== undefined ? sources.wasmRelaxedUrl : sources.wasmUrl;
}

/** Whether a demo backend can run in this runtime (the package's own probe). */
export async function demoBackendRuns(name: DemoBackendName): Promise<boolean> {
  if (name === 'cpu') return true;
  if (name === 'wasm') return probeWasmBackend().available;
  return (await probeWebgpu()).available;
}

/**
 * The same error with the list of backends that do run here (the factories throw with an empty
 * list, since they do not know the others), so the message names the ones the user can switch to.
 */
export async function withAvailableBackends(error: unknown, runs: (name: DemoBackendName) => Promise<boolean> = demoBackendRuns): Promise<unknown> {
  if (!(error instanceof BackendUnavailableError) || error.available.length > 0) return error;
  const available: string[] = [];
  for (const other of DEMO_BACKENDS) if (other !== error.backend && (await runs(other))) available.push(other);
  return new BackendUnavailableError(error.backend, error.reason, available);
}


/** The threaded kernels' URL for this runtime (same rule as {@link wasmSourceFor}). */
export function wasmThreadsSourceFor(sources: BackendSources, relaxed: boolean = relaxedSimdSupported()): string | undefined {
  return relaxed && sources.wasmRelaxedThreadsUrl !== undefined ? sources.wasmRelaxedThreadsUrl : sources.wasmThreadsUrl;
}

/**
 * How a backend ran, for the demo's status line: its name, and for WASM its thread count (or why it
 * runs on one thread), e.g. "wasm on 2 threads".
 */
export function describeBackend(backend: Backend): string {
  const b = backend as Backend & { threads?: number; threadsUnavailable?: string | null };
  if (b.name !== 'wasm' || b.threads === undefined) return b.name;
  if (b.threads > 1) return `wasm on ${b.threads} threads`;
  return b.threadsUnavailable ? `wasm on 1 thread (${b.threadsUnavailable})` : 'wasm on 1 thread';
}

/** Create a backend by name; an unavailable one throws a BackendUnavailableError that lists the ones that run here. */
export async function createDemoBackend(name: DemoBackendName, sources: BackendSources = {}): Promise<Backend> {
  try {
    return await createByName(name, sources);
  } catch (e) {
    throw await withAvailableBackends(e);
  }
}

async function createByName(name: DemoBackendName, sources: BackendSources): Promise<Backend> {
  switch (name) {
    case 'cpu':
      return createCpuBackend();
    case 'wasm': {
      // threads: the default (the browser's cores) where the page is cross-origin isolated
      const wasm = wasmSourceFor(sources);
      const wasmThreads = wasmThreadsSourceFor(sources);
      return createWasmBackend({ ...(wasm === undefined ? {} : { wasm }), ...(wasmThreads === undefined ? {} : { wasmThreads }) });
    }
    case 'webgpu':
      return createWebgpuBackend();
    default:
      throw new Error(`unknown backend "${String(name)}"; use one of ${DEMO_BACKENDS.join(', ')}`);
  }
}
