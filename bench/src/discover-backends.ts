/**
 * recur's backends, discovered rather than listed: every published workspace package whose built
 * entry exports `BACKEND_PACKAGE_INFO` (the static declaration every backend package makes, typed
 * `BackendPackageInfo` in @recur/backend) contributes one source per registry name it provides. A
 * new backend package is benchmarked once it is built; nothing here names it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BackendPackageInfo } from '@recur/backend';
import { repoRoot } from './paths.js';

/** A discovered backend package, or why one that looks like a backend could not be used. */
export type DiscoveredPackage = { readonly info: BackendPackageInfo } | { readonly name: string; readonly problem: string };

/** The built ESM entry of a package manifest (exports["."].import, else module, else main). */
function esmEntry(manifest: { exports?: unknown; module?: string; main?: string }): string | undefined {
  const pick = (e: unknown): string | undefined => {
    if (typeof e === 'string') return e;
    if (!e || typeof e !== 'object') return undefined;
    const o = e as Record<string, unknown>;
    return pick(o['import']) ?? pick(o['node']) ?? pick(o['default']);
  };
  const exp = manifest.exports as Record<string, unknown> | undefined;
  return pick(exp && typeof exp === 'object' && '.' in exp ? exp['.'] : exp) ?? manifest.module ?? manifest.main;
}

/** Every backend package under `root`/packages, in name order. */
export async function discoverBackendPackages(root: string = repoRoot): Promise<DiscoveredPackage[]> {
  const dir = join(root, 'packages');
  const found: DiscoveredPackage[] = [];
  for (const folder of readdirSync(dir).sort()) {
    const file = join(dir, folder, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean; exports?: unknown; module?: string; main?: string };
    if (manifest.private) continue;
    const entry = esmEntry(manifest);
    const looksLikeBackend = manifest.name.startsWith('@recur/backend-');
    if (!entry || !existsSync(join(dir, folder, entry))) {
      if (looksLikeBackend) found.push({ name: manifest.name, problem: `not built (${join('packages', folder, entry ?? 'dist/index.js')} is missing): run \`pnpm build\`` });
      continue;
    }
    const mod = (await import(pathToFileURL(join(dir, folder, entry)).href)) as { BACKEND_PACKAGE_INFO?: BackendPackageInfo };
    if (mod.BACKEND_PACKAGE_INFO) found.push({ info: mod.BACKEND_PACKAGE_INFO });
    else if (looksLikeBackend) found.push({ name: manifest.name, problem: 'exports no BACKEND_PACKAGE_INFO (see docs/contributing/add-a-backend.md)' });
  }
  return found;
}
