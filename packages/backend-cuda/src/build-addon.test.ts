// The optional build: with no nvcc, or nvcc but no cuBLAS (CI), scripts/build-addon.mjs prints one
// line naming what is missing and how to point the build at a toolkit, records the reason, exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'build-addon.mjs');
const dir = mkdtempSync(join(tmpdir(), 'recur-cuda-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(env: Record<string, string | undefined>, out: string) {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env, RECUR_CUDA_BUILD_DIR: out })) {
    if (v !== undefined && !(k in env && env[k] === undefined)) clean[k] = v;
  }
  for (const k of ['CUBLAS_HOME', 'CUDA_HOME', 'CUDA_PATH', 'RECUR_CUDA_REQUIRE']) if (!(k in env)) delete clean[k];
  const r = spawnSync(process.execPath, [script], { env: clean, encoding: 'utf8' });
  const status = existsSync(join(out, 'addon-status.json')) ? (JSON.parse(readFileSync(join(out, 'addon-status.json'), 'utf8')) as { built: boolean; reason?: string }) : null;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, status };
}

describe('scripts/build-addon.mjs', () => {
  it('skips with one line and exit 0 when nvcc is missing', () => {
    const r = build({ CUDA_HOME: join(dir, 'no-cuda') }, join(dir, 'a'));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[@recur\/backend-cuda\] native addon not built: nvcc was not found/);
    expect(lines[0]).toContain('CUDA_HOME');
    expect(lines[0]).toContain('CUBLAS_HOME');
    expect(r.status).toMatchObject({ built: false });
    expect(r.status!.reason).toMatch(/nvcc was not found/);
  });

  it('skips when CUBLAS_HOME points at a directory without cuBLAS', () => {
    const r = build({ CUBLAS_HOME: join(dir, 'empty') }, join(dir, 'b'));
    expect(r.code).toBe(0);
    // With no nvcc at all the first missing piece is nvcc; with nvcc, it is cuBLAS.
    expect(r.status!.reason).toMatch(/nvcc was not found|cuBLAS was not found under CUBLAS_HOME=/);
  });

  it('fails instead of skipping with RECUR_CUDA_REQUIRE=1', () => {
    const r = build({ CUDA_HOME: join(dir, 'no-cuda'), RECUR_CUDA_REQUIRE: '1' }, join(dir, 'c'));
    expect(r.code).toBe(1);
    expect(r.status!.built).toBe(false);
  });
});
