/**
 * Backend discovery for the CLI. Every package of backend-packages.ts is imported on demand inside
 * try/catch, so a package that is missing, unbuilt or broken is listed as unavailable with its
 * reason instead of crashing the command. Packages that load a native GPU driver are probed in a
 * child process, so the driver's own stderr lines never reach the user.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackendRegistration, listBackends, registerBackend, selectBackend, useBackend, type Availability, type Backend, type BackendInfo } from '@recur/backend';
import { BACKEND_PACKAGES, fallbackBackendName, type BackendPackage } from './backend-packages.js';
import { CliUserError } from './errors.js';

/** Packages whose registration ran (or is running). */
const registered = new Map<string, Promise<void>>();

/** How long an isolated probe may take before the backend is listed as unavailable. */
const ISOLATED_PROBE_TIMEOUT_MS = 30_000;

/**
 * Load a module by a runtime specifier (kept out of the bundle on purpose), in the module system
 * this build runs in: the CJS build must `require` the packages, or they would register with the
 * ESM copy of `@recur/backend` while the CLI lists the CJS copy.
 */
async function importRuntime(specifier: string): Promise<Record<string, unknown>> {
  if (typeof __dirname === 'string') return createRequire(join(__dirname, 'index.cjs'))(specifier) as Record<string, unknown>;
  return (await import(specifier)) as Record<string, unknown>;
}

function reasonOf(message: string, code?: string): string {
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `package not installed or not built (${message})`;
  return message;
}

function errorReason(e: unknown): string {
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  return reasonOf(msg, (e as { code?: string }).code);
}

/** List a package that cannot be loaded under its conventional name, unavailable, with the reason. */
function registerUnavailable(p: BackendPackage, reason: string): void {
  registerBackend(fallbackBackendName(p.pkg), {
    create: () => {
      throw new Error(reason);
    },
    probe: () => ({ available: false, reason }),
    priority: -100,
    description: `${p.pkg} (could not be loaded)`,
  });
}

async function registerFunction(p: BackendPackage): Promise<{ mod: Record<string, unknown>; register: () => void }> {
  const mod = await importRuntime(p.pkg);
  const register = mod[p.register];
  if (typeof register !== 'function') throw new Error(`${p.pkg} does not export ${p.register}()`);
  return { mod, register: register as () => void };
}

/** What an isolated probe printed: the package's rows, or why it could not run, plus the child's stderr. */
interface IsolatedProbe {
  readonly rows?: readonly BackendInfo[];
  readonly error?: string;
  readonly code?: string;
  readonly stderr: string;
}

/** The folder of the built CLI (dist/), which holds probe-child.js: `__dirname` in the CJS build, the module URL in ESM. */
function distDir(): string {
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}

/** Run probe-child.js for one package and collect its verdict. Never rejects. */
function probeInChild(p: BackendPackage): Promise<IsolatedProbe> {
  const script = join(distDir(), 'probe-child.js');
  return new Promise((res) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, [script, p.pkg, p.register], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const timer = setTimeout(() => child.kill('SIGKILL'), ISOLATED_PROBE_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      res({ error: `could not start the probe process: ${e.message}`, stderr });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as { rows?: BackendInfo[]; error?: string; code?: string };
        if (parsed.rows || parsed.error) return res({ ...parsed, stderr });
      } catch {
        // fall through: the child died before answering
      }
      const how = signal === 'SIGKILL' ? `did not answer within ${ISOLATED_PROBE_TIMEOUT_MS / 1000} s` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
      res({ error: `probing ${p.pkg} in a child process failed: it ${how}`, stderr });
    });
  });
}

/**
 * Register a package whose probe loads a native driver: the verdict comes from a child process;
 * here the package is imported (which loads no driver) and its own registrations are kept, with
 * their probes answered from the child's verdict. The driver loads here only on `create`.
 */
async function registerIsolated(p: BackendPackage): Promise<void> {
  const probe = await probeInChild(p);
  if (!probe.rows) return registerUnavailable(p, reasonOf(probe.error ?? 'the probe printed nothing', probe.code));
  const { mod, register } = await registerFunction(p);
  register();
  const explain = p.explainNative !== undefined ? mod[p.explainNative] : undefined;
  const native = probe.stderr.trim() !== '' && typeof explain === 'function' ? (explain as (s: string) => string | null)(probe.stderr) : null;
  for (const row of probe.rows) {
    const real = getBackendRegistration(row.name);
    if (!real) continue;
    const availability: Availability = row.available
      ? { available: true, priority: row.priority, ...(row.note !== undefined ? { note: row.note } : {}) }
      : { available: false, reason: native ?? row.reason ?? 'unavailable' };
    registerBackend(row.name, { ...real, probe: () => availability });
  }
}

async function registerPackage(p: BackendPackage): Promise<void> {
  try {
    if (p.isolateProbe) return await registerIsolated(p);
    (await registerFunction(p)).register();
  } catch (e) {
    registerUnavailable(p, errorReason(e));
  }
}

/** Register the given packages (each once per process), concurrently. */
async function registerPackages(packages: readonly BackendPackage[]): Promise<void> {
  await Promise.all(
    packages.map((p) => {
      if (!registered.has(p.pkg)) registered.set(p.pkg, registerPackage(p));
      return registered.get(p.pkg)!;
    }),
  );
}

/** Every backend of every package, available or not, with the reason. */
export async function allBackends(): Promise<BackendInfo[]> {
  await registerPackages(BACKEND_PACKAGES);
  return listBackends();
}

/**
 * Resolve a `--backend` value: a registry name, or `auto` (the available backend with the highest
 * priority: backends on emulated hardware, such as WebGPU on SwiftShader, rank below cpu). Named
 * backends are looked up among the in-process packages first, so `--backend cpu` starts no driver
 * probe. Throws a one-line error listing the available ones for unknown names.
 */
export async function resolveBackendFlag(name: string): Promise<{ backend: Backend; chosen: string; auto: boolean }> {
  if (name === 'auto') {
    await registerPackages(BACKEND_PACKAGES);
    const backend = await selectBackend(['auto']);
    return { backend, chosen: backend.name, auto: true };
  }
  await registerPackages(BACKEND_PACKAGES.filter((p) => !p.isolateProbe));
  let infos = await listBackends();
  if (!infos.some((i) => i.name === name)) {
    await registerPackages(BACKEND_PACKAGES);
    infos = await listBackends();
  }
  if (!infos.some((i) => i.name === name)) {
    const available = infos.filter((i) => i.available).map((i) => i.name);
    throw new CliUserError(`Unknown backend "${name}". Available here: ${available.join(', ')} (\`recur backends\` lists every backend and why some cannot run).`);
  }
  const backend = await useBackend(name);
  return { backend, chosen: name, auto: false };
}
