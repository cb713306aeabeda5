/**
 * Backend discovery for the CLI. Each backend package is imported on demand inside try/catch, so
 * a package that is missing, unbuilt or broken is listed as unavailable with its reason instead
 * of crashing the command.
 */
import { CliUserError } from './errors.js';
import { listBackends, registerBackend, selectBackend, useBackend, type Backend, type BackendInfo } from '@recur/backend';

interface BackendPackage {
  /** npm package. */
  readonly pkg: string;
  /** Its registration function. */
  readonly register: string;
  /** Registry name to list when the package cannot be loaded. */
  readonly fallbackName: string;
  readonly description: string;
}

const PACKAGES: readonly BackendPackage[] = [
  { pkg: '@recur/backend-cpu', register: 'registerCpuBackend', fallbackName: 'cpu', description: 'Plain TypeScript on Float32Array; the reference backend.' },
  { pkg: '@recur/backend-wasm', register: 'registerWasmBackend', fallbackName: 'wasm', description: "recur's WASM-SIMD kernels." },
  { pkg: '@recur/backend-onednn', register: 'registerOnednnBackend', fallbackName: 'onednn', description: 'CPU through oneDNN (Node-API addon; needs libdnnl).' },
  { pkg: '@recur/backend-webgpu', register: 'registerWebgpuBackend', fallbackName: 'webgpu', description: "recur's WGSL kernels (browsers; Node through the webgpu package)." },
  { pkg: '@recur/backend-tfjs', register: 'registerTfjsBackends', fallbackName: 'tfjs', description: 'Adapter over TensorFlow.js engines.' },
];

/** Packages whose registration ran (or is running). */
const registered = new Map<string, Promise<void>>();

/** Backends whose probe starts a GPU driver (slow, and noisy on machines without a GPU): loaded only when asked for. */
const GPU_PACKAGES = new Set(['@recur/backend-webgpu']);

/** Import a module by a runtime specifier (kept out of the bundle on purpose). */
async function importRuntime(specifier: string): Promise<Record<string, unknown>> {
  return (await import(specifier)) as Record<string, unknown>;
}

function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `package not installed or not built (${msg.split('\n')[0]})`;
  return msg.split('\n')[0] ?? msg;
}

async function registerPackage(p: BackendPackage): Promise<void> {
  try {
    const mod = await importRuntime(p.pkg);
    const register = mod[p.register];
    if (typeof register !== 'function') throw new Error(`${p.pkg} does not export ${p.register}() yet`);
    (register as () => void)();
  } catch (e) {
    const reason = reasonOf(e);
    registerBackend(p.fallbackName, {
      create: () => {
        throw new Error(reason);
      },
      probe: () => ({ available: false, reason }),
      priority: -100,
      description: p.description,
    });
  }
}

/**
 * Register every backend package that loads; the ones that do not are registered as unavailable
 * with the reason. GPU backends are included only with `gpu` (their probe starts a driver).
 */
export async function registerAllBackends(options: { gpu?: boolean } = {}): Promise<void> {
  for (const p of PACKAGES) {
    if (GPU_PACKAGES.has(p.pkg) && !options.gpu) continue;
    if (!registered.has(p.pkg)) registered.set(p.pkg, registerPackage(p));
    await registered.get(p.pkg);
  }
}

/** Every backend with availability. */
export async function allBackends(): Promise<BackendInfo[]> {
  await registerAllBackends({ gpu: true });
  return listBackends();
}

/**
 * Resolve a `--backend` value: a registry name, or `auto` (the available backend with the highest
 * priority). Throws BackendUnavailableError (listing the available ones) for unknown names.
 */
export async function resolveBackendFlag(name: string): Promise<{ backend: Backend; chosen: string; auto: boolean }> {
  if (name === 'auto') {
    await registerAllBackends({ gpu: true });
    const backend = await selectBackend(['auto']);
    return { backend, chosen: backend.name, auto: true };
  }
  const gpu = PACKAGES.some((p) => GPU_PACKAGES.has(p.pkg) && name.startsWith(p.fallbackName));
  await registerAllBackends({ gpu });
  const infos = await listBackends();
  if (!infos.some((i) => i.name === name)) {
    const available = infos.filter((i) => i.available).map((i) => i.name);
    throw new CliUserError(`Unknown backend "${name}". Available here: ${available.join(', ')}${gpu ? '' : ' (webgpu is probed only when named; `recur backends` lists every backend)'}.`);
  }
  const backend = await useBackend(name);
  return { backend, chosen: name, auto: false };
}
