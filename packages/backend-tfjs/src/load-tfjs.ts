/**
 * Loading TensorFlow.js and one of its engines at run time.
 *
 * Nothing here is imported statically: `@tensorflow/tfjs-core` and the engine packages are optional
 * peer dependencies, so an application installs only the engines it uses. A missing package
 * becomes a {@link TfjsUnavailableError} that names the exact `npm install` to run.
 */
import { BackendUnavailableError } from '@recur/backend';
import {
  ENGINE_PACKAGES,
  TFJS_CORE_PACKAGE,
  TFJS_ENGINES,
  checkRuntime,
  registryName,
  type TfjsEngine,
} from './engines.js';
import type { Tfjs } from './tf-types.js';

/**
 * A tfjs engine cannot run here. A {@link BackendUnavailableError} (code `E_BACKEND_UNAVAILABLE`)
 * that also says which package is missing, when that is the reason.
 */
export class TfjsUnavailableError extends BackendUnavailableError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'TfjsUnavailableError';
  /** The engine that was asked for. */
  readonly engine: TfjsEngine;
  /** The npm package to install, when a missing package is the reason; otherwise null. */
  readonly missingPackage: string | null;
  constructor(engine: TfjsEngine, reason: string, available: readonly string[], missingPackage: string | null = null) {
    super(registryName(engine), reason, available);
    this.engine = engine;
    this.missingPackage = missingPackage;
  }
}

/** The outcome of importing an optional package. */
type ImportResult =
  | { readonly ok: true; readonly module: unknown }
  | { readonly ok: false; readonly missing: boolean; readonly error: unknown };

function isModuleNotFound(e: unknown, specifier: string): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return message.includes(specifier);
  // Bundlers and test runners word it differently.
  return (
    message.includes(specifier) &&
    /cannot find (module|package)|failed to (resolve|load)|not found|does the file exist/i.test(message)
  );
}

/** `import(specifier)`, hidden from bundlers so that an engine the app does not install is not a build error. */
export async function importOptional(specifier: string): Promise<ImportResult> {
  try {
    const module: unknown = await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
    return { ok: true, module };
  } catch (error) {
    return { ok: false, missing: isModuleNotFound(error, specifier), error };
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The tfjs-core namespace of an imported module (ESM namespace or CJS `default`). */
function asTfjs(module: unknown): Tfjs | null {
  const m = module as { setBackend?: unknown; default?: { setBackend?: unknown } } | null;
  if (m && typeof m.setBackend === 'function') return m as unknown as Tfjs;
  if (m?.default && typeof m.default.setBackend === 'function') return m.default as unknown as Tfjs;
  return null;
}

/** Names (`tfjs-…`) of the engines whose factories are registered with `tf`. */
export function registeredEngines(tf: Tfjs | null): string[] {
  if (!tf) return [];
  return TFJS_ENGINES.filter((e) => tf.findBackendFactory(e) != null).map(registryName);
}

/** Import `@tensorflow/tfjs-core`, or explain how to install it. */
export async function loadTfjsCore(engine: TfjsEngine): Promise<Tfjs> {
  const r = await importOptional(TFJS_CORE_PACKAGE);
  if (r.ok) {
    const tf = asTfjs(r.module);
    if (tf) return tf;
    throw new TfjsUnavailableError(engine, `${TFJS_CORE_PACKAGE} loaded but does not look like TensorFlow.js (no setBackend)`, []);
  }
  if (r.missing) {
    throw new TfjsUnavailableError(
      engine,
      `the package ${TFJS_CORE_PACKAGE} is not installed; run \`npm install ${TFJS_CORE_PACKAGE}\``,
      [],
      TFJS_CORE_PACKAGE,
    );
  }
  throw new TfjsUnavailableError(engine, `${TFJS_CORE_PACKAGE} failed to load: ${describe(r.error)}`, []);
}

/** The `npm install` hint for an engine (both packages for `tensorflow`). */
export function installHint(engine: TfjsEngine): string {
  const pkgs = ENGINE_PACKAGES[engine];
  return pkgs.map((p) => `\`npm install ${p}\``).join(' or ');
}

/**
 * Make sure `engine` is registered with `tf`: when it is not yet, import its package (which
 * registers it as a side effect). Returns the package that provided it, or null when the engine
 * was already registered (e.g. the app imported the package itself).
 */
export async function ensureEngineRegistered(tf: Tfjs, engine: TfjsEngine): Promise<string | null> {
  const runtime = checkRuntime(engine);
  if (!runtime.ok) throw new TfjsUnavailableError(engine, runtime.reason, registeredEngines(tf));
  if (tf.findBackendFactory(engine) != null) return null;
  const failures: string[] = [];
  let allMissing = true;
  for (const pkg of ENGINE_PACKAGES[engine]) {
    const r = await importOptional(pkg);
    if (r.ok) {
      if (tf.findBackendFactory(engine) != null) return pkg;
      allMissing = false;
      failures.push(
        `${pkg} loaded but did not register the "${engine}" engine with this ${TFJS_CORE_PACKAGE} (are two different versions of ${TFJS_CORE_PACKAGE} installed? Pass your own \`tf\` to createTfjsBackend)`,
      );
      continue;
    }
    if (!r.missing) allMissing = false;
    failures.push(r.missing ? `${pkg} is not installed` : `${pkg} failed to load: ${describe(r.error)}`);
  }
  const first = ENGINE_PACKAGES[engine][0] as string;
  throw new TfjsUnavailableError(
    engine,
    allMissing
      ? `the package for the tfjs "${engine}" engine is not installed; run ${installHint(engine)}`
      : failures.join('; '),
    registeredEngines(tf),
    allMissing ? first : null,
  );
}

/**
 * Register, initialise and activate `engine` on `tf` (`tf.setBackend` + `tf.ready`).
 * Throws {@link TfjsUnavailableError} when it cannot run here.
 */
export async function activateEngine(tf: Tfjs, engine: TfjsEngine): Promise<string | null> {
  const pkg = await ensureEngineRegistered(tf, engine);
  let ok: boolean;
  try {
    ok = await tf.setBackend(engine);
    await tf.ready();
  } catch (e) {
    throw new TfjsUnavailableError(engine, `TensorFlow.js could not initialise the "${engine}" engine: ${describe(e)}`, registeredEngines(tf));
  }
  if (!ok || tf.getBackend() !== engine) {
    throw new TfjsUnavailableError(
      engine,
      `TensorFlow.js could not initialise the "${engine}" engine here (tf.setBackend returned false${
        engine === 'webgl' ? '; no WebGL context' : engine === 'webgpu' ? '; no WebGPU adapter' : ''
      })`,
      registeredEngines(tf),
    );
  }
  return pkg;
}
