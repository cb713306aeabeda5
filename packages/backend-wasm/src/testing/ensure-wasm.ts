/**
 * Test support: the tests load `dist/recur.wasm`, the output of `node scripts/build-wasm.mjs`
 * (part of `pnpm build`). When it is missing or older than any source in `assembly/`, it is
 * rebuilt here (about 10 s), so `pnpm vitest run packages/backend-wasm` works on a fresh checkout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Path of the built baseline kernels. */
export const WASM_PATH = join(pkgRoot, 'dist', 'recur.wasm');
/** Path of the built relaxed-SIMD kernels. */
export const RELAXED_WASM_PATH = join(pkgRoot, 'dist', 'recur-relaxed.wasm');
/** Paths of the shared-memory (threaded) builds. */
export const THREADS_WASM_PATH = join(pkgRoot, 'dist', 'recur-threads.wasm');
export const RELAXED_THREADS_WASM_PATH = join(pkgRoot, 'dist', 'recur-relaxed-threads.wasm');

/** Build the four `dist/recur*.wasm` files if any is missing or stale; returns the baseline path. */
export function ensureWasmBuilt(): string {
  const asmDir = join(pkgRoot, 'assembly');
  const newestSource = Math.max(...readdirSync(asmDir).map((f) => statSync(join(asmDir, f)).mtimeMs));
  const stale = (p: string) => !existsSync(p) || statSync(p).mtimeMs < newestSource;
  if ([WASM_PATH, RELAXED_WASM_PATH, THREADS_WASM_PATH, RELAXED_THREADS_WASM_PATH].some(stale)) {
    execFileSync(process.execPath, [join(pkgRoot, 'scripts', 'build-wasm.mjs')], { stdio: 'inherit' });
  }
  return WASM_PATH;
}
