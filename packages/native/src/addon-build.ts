/**
 * What the build scripts of recur's native backends (`scripts/build-addon.mjs`) share. The build is
 * optional: when a toolchain or library is missing it records the reason in
 * `build/addon-status.json` (the runtime reports it as the reason the backend is unavailable), prints
 * ONE line saying what is missing and how to install it, and exits 0 (1 when `<PREFIX>_REQUIRE=1`).
 * It never downloads anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

/** What {@link AddonBuild} needs to know about a package. */
export interface AddonBuildOptions {
  /** For messages, e.g. `@recur/backend-onednn`. */
  readonly packageName: string;
  /** The package directory. */
  readonly packageDir: string;
  /** The addon's file name, e.g. `recur_onednn.node`. */
  readonly addonFile: string;
  /** Prefix of the build's environment variables: `<PREFIX>_BUILD_DIR`, `<PREFIX>_REQUIRE=1`, `<PREFIX>_FORCE=1`. */
  readonly envPrefix: string;
  /** How to install what is missing: appended to every "not built" line. */
  readonly howToInstall: string;
}

/** Build settings recorded in the status file (compiler, library paths, …). */
export type BuildConfig = Record<string, unknown>;

/** One addon build: its paths, its status file, and the steps every build script takes. */
export class AddonBuild {
  /** Output directory (`<PREFIX>_BUILD_DIR`, default `<package>/build`). */
  readonly outDir: string;
  readonly releaseDir: string;
  readonly objDir: string;
  readonly addonPath: string;
  readonly statusPath: string;
  /** `<PREFIX>_REQUIRE=1`: a build that cannot be made fails (exit 1) instead of being skipped. */
  readonly required: boolean;
  private readonly force: boolean;

  constructor(private readonly options: AddonBuildOptions) {
    const env = process.env;
    this.outDir = resolve(env[`${options.envPrefix}_BUILD_DIR`] || join(options.packageDir, 'build'));
    this.releaseDir = join(this.outDir, 'Release');
    this.objDir = join(this.outDir, 'obj');
    this.addonPath = join(this.releaseDir, options.addonFile);
    this.statusPath = join(this.outDir, 'addon-status.json');
    this.required = env[`${options.envPrefix}_REQUIRE`] === '1';
    this.force = env[`${options.envPrefix}_FORCE`] === '1';
  }

  /** Record the build's outcome (what the runtime reads back for its "unavailable" reason). */
  writeStatus(status: BuildConfig): void {
    mkdirSync(this.outDir, { recursive: true });
    writeFileSync(this.statusPath, JSON.stringify({ ...status, time: new Date().toISOString() }, null, 2) + '\n');
  }

  /** Not buildable here: record why, print one line with how to fix it, and exit (0, or 1 when required). */
  skip(reason: string): never {
    const kept = existsSync(this.addonPath);
    this.writeStatus({ built: kept, reason, keptEarlierBuild: kept });
    console.log(`[${this.options.packageName}] native addon not built: ${reason}. ${this.options.howToInstall}`);
    process.exit(this.required ? 1 : 0);
  }

  /**
   * The addon is newer than every input (sources, headers, the build script): record it and exit 0.
   * Otherwise (or with `<PREFIX>_FORCE=1`) create the output directories and return.
   */
  exitIfUpToDate(inputs: readonly string[], config: BuildConfig): void {
    const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
    if (!this.force && existsSync(this.addonPath) && statSync(this.addonPath).mtimeMs > newest) {
      this.writeStatus({ built: true, upToDate: true, ...config });
      console.log(`[${this.options.packageName}] native addon is up to date: ${this.addonPath}`);
      process.exit(0);
    }
    mkdirSync(this.releaseDir, { recursive: true });
    mkdirSync(this.objDir, { recursive: true });
  }

  /** Run a compiler step; on failure print its output, record it and exit (0, or 1 when required). */
  run(cmd: string, args: readonly string[], config: BuildConfig): void {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      const out = `${r.stdout || ''}${r.stderr || ''}${r.error ? String(r.error) : ''}`.trim();
      console.error(out);
      this.writeStatus({ built: false, reason: `compiling the addon failed: ${cmd} ${args.join(' ')}\n${out.slice(0, 4000)}`, ...config });
      console.log(`[${this.options.packageName}] native addon not built: the compiler failed (see above and ${this.statusPath}).`);
      process.exit(this.required ? 1 : 0);
    }
  }

  /** Record a finished build started at `t0` (`Date.now()`) and print one line ending in `detail`. */
  finish(config: BuildConfig, t0: number, detail: string): void {
    const seconds = (Date.now() - t0) / 1000;
    this.writeStatus({ built: true, ...config, seconds });
    console.log(`[${this.options.packageName}] built ${this.addonPath} in ${seconds.toFixed(1)} s ${detail}`);
  }
}

/** The first `cmd` on PATH, or null. */
export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

/** The directory with `node_api.h`: `NODE_API_HEADERS`, next to the running node, or the system's; null if none. */
export function findNodeApiHeaders(): string | null {
  const dirs = [process.env.NODE_API_HEADERS, join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  return dirs.find((d): d is string => !!d && existsSync(join(d, 'node_api.h'))) ?? null;
}
