/**
 * Loading an optional Node-API addon: where it lives, why it is missing (the reason its build script
 * recorded), and whether it exports what the backend calls. Never throws: a backend that cannot load
 * its addon lists itself as unavailable with the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The result of trying to load an addon. */
export type AddonLoad<A> = { readonly ok: true; readonly addon: A; readonly path: string } | { readonly ok: false; readonly reason: string; readonly path: string };

/**
 * Where a package's addon and its build status live: `<package>/build/Release/<file>` (or the path
 * in environment variable `envVar`) and `addon-status.json` two levels above it.
 *
 * @param moduleUrl `import.meta.url` of a module in the package's `src/` or `dist/` (one level below its root).
 * @param file The addon's file name, e.g. `recur_onednn.node`.
 * @param envVar Overrides the addon path, e.g. `RECUR_ONEDNN_ADDON`.
 */
export function addonPaths(moduleUrl: string, file: string, envVar: string): { addon: string; status: string } {
  const root = resolve(dirname(fileURLToPath(moduleUrl)), '..');
  const override = process.env[envVar];
  const addon = override ? resolve(override) : join(root, 'build', 'Release', file);
  return { addon, status: join(dirname(dirname(addon)), 'addon-status.json') };
}

/** The reason the build recorded for not building the addon, if any. */
export function recordedReason(statusPath: string): string | null {
  if (!existsSync(statusPath)) return null;
  try {
    const status = JSON.parse(readFileSync(statusPath, 'utf8')) as { reason?: unknown };
    return typeof status.reason === 'string' && status.reason.length > 0 ? status.reason : null;
  } catch {
    return null;
  }
}

/** What {@link loadAddon} needs to know. */
export interface LoadAddonOptions<A> {
  /** The addon file ({@link addonPaths}). */
  readonly addonPath: string;
  /** Its build status file ({@link addonPaths}). */
  readonly statusPath: string;
  /** Functions the addon must export; a build that lacks one is reported as stale. */
  readonly required: readonly (keyof A & string)[];
  /** What to run when the addon was never built, e.g. "run `pnpm --filter @recur/backend-onednn build` on a machine with …". */
  readonly buildHint: string;
  /** Wraps the `require` (e.g. to set an environment variable the addon's libraries read once, at load). */
  readonly around?: <T>(load: () => T) => T;
}

/**
 * Try to load the addon (never throws). Not built: the reason its build script recorded, else the
 * build hint. Loaded but lacking a required export: "rebuild it". Failing to load: the loader's first
 * message line (a missing shared library, a wrong architecture).
 */
export function loadAddon<A>(options: LoadAddonOptions<A>): AddonLoad<A> {
  const { addonPath, statusPath } = options;
  if (!existsSync(addonPath)) {
    const why = recordedReason(statusPath) ?? `${addonPath} does not exist; ${options.buildHint}`;
    return { ok: false, path: addonPath, reason: `the native addon is not built (${why})` };
  }
  try {
    const load = () => createRequire(import.meta.url)(addonPath) as A;
    const addon = options.around ? options.around(load) : load();
    const missing = options.required.filter((k) => typeof (addon as Record<string, unknown>)[k] !== 'function');
    if (missing.length > 0) return { ok: false, path: addonPath, reason: `the native addon at ${addonPath} lacks ${missing.join(', ')}; rebuild it` };
    return { ok: true, addon, path: addonPath };
  } catch (e) {
    const msg = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    return { ok: false, path: addonPath, reason: `the native addon at ${addonPath} failed to load: ${msg}` };
  }
}

/** What {@link createAddonLoader} needs: {@link LoadAddonOptions} less the paths, plus where they are. */
export interface AddonLoaderOptions<A> extends Omit<LoadAddonOptions<A>, 'addonPath' | 'statusPath'> {
  /** `import.meta.url` of a module one level below the package root ({@link addonPaths}). */
  readonly moduleUrl: string;
  /** The addon's file name, e.g. `recur_onednn.node`. */
  readonly file: string;
  /** The environment variable that overrides the addon path, e.g. `RECUR_ONEDNN_ADDON`. */
  readonly envVar: string;
}

/** A package's addon loader: its paths, a load from any path (tests), and the process-wide load. */
export interface AddonLoader<A> {
  /** Where the addon and its build status live. */
  paths(): { addon: string; status: string };
  /** Try to load the addon at `addonPath` (never throws). */
  loadFrom(addonPath: string, statusPath: string): AddonLoad<A>;
  /** Load the addon at {@link AddonLoader.paths}, once per process (the result is kept). */
  load(): AddonLoad<A>;
}

/** The loader of one package's addon (see {@link loadAddon}). */
export function createAddonLoader<A>(options: AddonLoaderOptions<A>): AddonLoader<A> {
  const { moduleUrl, file, envVar, ...rest } = options;
  let cached: AddonLoad<A> | undefined;
  const loader: AddonLoader<A> = {
    paths: () => addonPaths(moduleUrl, file, envVar),
    loadFrom: (addonPath, statusPath) => loadAddon<A>({ ...rest, addonPath, statusPath }),
    load() {
      if (cached === undefined) {
        const { addon, status } = loader.paths();
        cached = loader.loadFrom(addon, status);
      }
      return cached;
    },
  };
  return loader;
}
