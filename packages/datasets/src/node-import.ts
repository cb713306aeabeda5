/**
 * Import a module at run time through a specifier that bundlers cannot see, so browser
 * bundles of @recur/datasets build (the catalogue is browser-safe): only the loaders,
 * which Node users call, reach this. The comments stop Vite and webpack from warning.
 */
export function importAtRuntime<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
