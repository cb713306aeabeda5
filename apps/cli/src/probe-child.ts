/**
 * Child-process entry of an isolated backend probe (see backend-packages.ts): `node
 * dist/probe-child.js <package> <register export>` registers the package's backends, probes them
 * and prints `{"rows": BackendInfo[]}` (or `{"error": "..."}`) as one JSON line on stdout. Native
 * drivers may write to stderr; the parent reads it but never shows it.
 */
import { listBackends } from '@recur/backend';

async function main(): Promise<void> {
  const [pkg, register] = process.argv.slice(2);
  if (!pkg || !register) throw new Error('usage: probe-child <package> <register export>');
  const mod = (await import(pkg)) as Record<string, unknown>;
  const fn = mod[register];
  if (typeof fn !== 'function') throw new Error(`${pkg} does not export ${register}()`);
  (fn as () => void)();
  const rows = (await listBackends()).map(({ capabilities: _omitted, ...row }) => row);
  return write({ rows });
}

function write(value: unknown): Promise<void> {
  return new Promise((res) => process.stdout.write(`${JSON.stringify(value)}\n`, () => res()));
}

main().then(
  // Exit explicitly: a GPU instance can keep Node alive.
  () => process.exit(0),
  async (e: unknown) => {
    const code = (e as { code?: string }).code;
    await write({ error: e instanceof Error ? e.message.split('\n')[0] : String(e), ...(code ? { code } : {}) });
    process.exit(0);
  },
);
