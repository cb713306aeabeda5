/** Run the same host-driven computation on the backend under test and on the float64 oracle. */
import type { Backend } from '@recur/backend';
import type { Harness } from '../harness.js';
import { withScope, type TensorScope } from '../tensor-scope.js';

/** Named outputs of one computation, read back to the host. */
export type Outputs = Record<string, ArrayLike<number> | null>;

/**
 * Run `fn` on the backend and on the oracle (each with its own scope, disposed afterwards) and
 * compare every named output at the backend's tolerance.
 */
export async function compareWithOracle(
  h: Harness,
  what: string,
  fn: (s: TensorScope, b: Backend) => Promise<Outputs>,
): Promise<{ actual: Outputs; expected: Outputs }> {
  const actual = await withScope(h.backend, (s) => fn(s, h.backend));
  const expected = await withScope(h.oracle, (s) => fn(s, h.oracle));
  for (const [key, exp] of Object.entries(expected)) {
    const act = actual[key];
    if (exp === null || act === null || act === undefined) {
      h.assert((exp === null) === (act === null || act === undefined), `${what} ${key}: one side produced no output`);
      continue;
    }
    h.check(act, exp, `${what} ${key}`);
  }
  return { actual, expected };
}
