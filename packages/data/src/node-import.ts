/**
 * Import a module at run time through a specifier that bundlers cannot see, so browser
 * bundles of @recur/data build: only Node users ever call the functions that reach this
 * (reading CSV files and streams). The comments stop Vite and webpack from warning.
 */
export function importAtRuntime<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
