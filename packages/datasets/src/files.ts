/**
 * Locating data files inside the npm packages that ship them. Node-only: `node:module` and
 * `node:path` are imported dynamically, when a loader is called, so the catalogue still
 * bundles for browsers.
 */
import type * as NodeFs from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as NodePath from 'node:path';
import { RecurDataError } from '@recur/data';
import { importAtRuntime } from './node-import';

/** Absolute path of `file` (relative to the package root) inside npm package `pkg`. */
export async function packageFile(pkg: string, file: string): Promise<string> {
  const [{ createRequire }, path] = await Promise.all([
    importAtRuntime<typeof NodeModule>('node:module'),
    importAtRuntime<typeof NodePath>('node:path'),
  ]);
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    // Packages whose `exports` hide package.json (vega-datasets) are found through their
    // main entry and the nearest package.json above it.
    root = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    try {
      let dir = path.dirname(require.resolve(pkg));
      const { existsSync } = await importAtRuntime<typeof NodeFs>('node:fs');
      while (!existsSync(path.join(dir, 'package.json'))) {
        const up = path.dirname(dir);
        if (up === dir) throw new Error('no package.json');
        dir = up;
      }
      root = dir;
    } catch (err) {
      throw new RecurDataError(
        'E_INVALID_ARGUMENT',
        `Cannot find the npm package ${JSON.stringify(pkg)} that holds this dataset. It is a dependency of @recur/datasets; reinstall (npm install @recur/datasets).`,
        {},
        { cause: err },
      );
    }
  }
  return path.join(root, file);
}
