/** Assertions on the typed errors a backend throws. */
import type { Harness } from './harness.js';

/** An error class (matched by `instanceof` or by name). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** Assert that `fn` throws (or rejects with) an error of class `cls`, or one of `cls` (matched by class or name). */
export async function expectError(h: Harness, what: string, cls: ErrorClass | readonly ErrorClass[], fn: () => unknown): Promise<void> {
  const classes: readonly ErrorClass[] = Array.isArray(cls) ? cls : [cls as ErrorClass];
  const names = classes.map((c) => c.name).join(' or ');
  let caught: unknown = undefined;
  let threw = false;
  try {
    await fn();
  } catch (e) {
    threw = true;
    caught = e;
  }
  if (!threw) throw new Error(`conformance[${h.name}] ${what}: did not throw; expected ${names}`);
  const ok = classes.some((c) => caught instanceof c || (caught instanceof Error && caught.name === c.name));
  h.assert(ok, `${what}: threw ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}; expected ${names}`);
}

