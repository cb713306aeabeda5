/**
 * Shared pieces of the file-format fuzz suite (issue 19): hostile values, JSON-document and byte
 * mutations, and the one property every family checks: each input either loads correctly or fails
 * with a typed recur error, within a time limit. Fixed seeds and bounded run counts keep the whole
 * suite deterministic and well under two minutes on a 2-core CI machine.
 */
import { RecurError } from '@recur/backend';
import { RecurDataError } from '@recur/data';
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * The seed of every family (a failure prints its own seed and path to replay it). CI uses 19;
 * `RECUR_FUZZ_SEED=<n>` explores other inputs locally, `RECUR_FUZZ_SCALE=<k>` runs k× the cases.
 */
export const FUZZ_SEED = Number(process.env.RECUR_FUZZ_SEED ?? 19);
/** Multiplier of every family's run count (1 in CI). */
export const FUZZ_SCALE = Math.max(1, Number(process.env.RECUR_FUZZ_SCALE ?? 1));
/** Longest any single case may take (a hang, or a huge allocation, shows up as a failure). */
export const CASE_LIMIT_MS = 2_000;

/** Cases each family ran, printed at the end of a run (for the report). */
export const FAMILY_COUNTS = new Map<string, number>();

/** Count one case of `family`. */
export function countCase(family: string): void {
  FAMILY_COUNTS.set(family, (FAMILY_COUNTS.get(family) ?? 0) + 1);
}

/** Values a hostile or corrupted file might put in any field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, -0.5, 1e9, 2 ** 31, 2 ** 53, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 1_000_000, null, true, false, '', 'x', '1e400', [], {}, [1e308], ['value'], { format: 'recur-scaler' }),
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (keys from the root) in a JSON document, the root itself excluded. */
export function jsonPaths(doc: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const children: [string | number, unknown][] = Array.isArray(doc) ? doc.slice(0, 8).map((v, i) => [i, v]) : doc !== null && typeof doc === 'object' ? Object.entries(doc) : [];
  for (const [k, v] of children) {
    out.push([...prefix, k]);
    jsonPaths(v, [...prefix, k], out);
  }
  return out;
}

/** A copy of `doc` with the value at `path` replaced by `value` (or deleted when `value` is undefined). */
export function setPath(doc: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  let node = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** Mutations of one JSON document: a field replaced by a hostile value, or deleted. */
export function jsonMutation(doc: unknown): fc.Arbitrary<{ path: (string | number)[]; value: unknown; mutated: unknown }> {
  const paths = jsonPaths(doc);
  return fc.record({ path: fc.constantFrom(...paths), value: fc.option(hostileValue, { nil: undefined, freq: 5 }) }).map(({ path, value }) => ({ path, value, mutated: setPath(doc, path, value) }));
}

/** Byte-level damage: a truncation, flipped bytes, or bytes overwritten with a run of one value. */
export function byteMutation(bytes: Uint8Array): fc.Arbitrary<{ what: string; bytes: Uint8Array }> {
  const n = bytes.length;
  return fc.oneof(
    fc.integer({ min: 0, max: n - 1 }).map((len) => ({ what: `truncated to ${len}`, bytes: bytes.slice(0, len) })),
    fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
      const b = bytes.slice();
      for (const [i, x] of flips) b[i] = b[i]! ^ x;
      return { what: `xor ${flips.map(([i, x]) => `${i}^${x}`).join(',')}`, bytes: b };
    }),
    fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom(0x00, 0xff, 0x22, 0x7b, 0x39)).map(([at, len, v]) => {
      const b = bytes.slice();
      b.fill(v, at, Math.min(n, at + len));
      return { what: `fill ${at}+${len} with ${v}`, bytes: b };
    }),
  );
}

/** Is `e` an error recur throws on purpose (a typed error with a code)? */
export function isTypedError(e: unknown): boolean {
  return (e instanceof RecurError || e instanceof RecurDataError) && typeof (e as { code?: unknown }).code === 'string';
}

/**
 * Run `load` on one input: it must resolve (then `check` the result) or throw a typed error whose
 * class is in `allowed` (default: any typed recur error), and finish within {@link CASE_LIMIT_MS}.
 */
export async function expectLoadOrTypedError<T>(
  family: string,
  load: () => T | Promise<T>,
  options: { allowed?: readonly (abstract new (...args: never[]) => Error)[]; check?: (value: T) => void | Promise<void> } = {},
): Promise<'loaded' | 'refused'> {
  countCase(family);
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let outcome: 'loaded' | 'refused';
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${family}: a case took more than ${CASE_LIMIT_MS} ms (hang?)`)), CASE_LIMIT_MS * 2);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(load), deadline]);
    await options.check?.(value);
    outcome = 'loaded';
  } catch (e) {
    if (!isTypedError(e)) throw new Error(`${family}: untyped error ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`, { cause: e });
    if (options.allowed && !options.allowed.some((c) => e instanceof c)) {
      throw new Error(`${family}: ${(e as Error).constructor.name} (${(e as RecurError).code}) is not one of ${options.allowed.map((c) => c.name).join(', ')}: ${(e as Error).message}`, { cause: e });
    }
    expect((e as Error).message.length).toBeGreaterThan(10);
    outcome = 'refused';
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - started;
  if (ms > CASE_LIMIT_MS) throw new Error(`${family}: a case took ${ms.toFixed(0)} ms (limit ${CASE_LIMIT_MS} ms)`);
  return outcome;
}
