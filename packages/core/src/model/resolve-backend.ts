/** A backend instance, or one from the registry by name. */
import { getBackend, type Backend } from '@recur/backend';

/** Resolve a backend or registry name. */
export async function resolveBackend(target: Backend | string): Promise<Backend> {
  return typeof target === 'string' ? getBackend(target) : target;
}
