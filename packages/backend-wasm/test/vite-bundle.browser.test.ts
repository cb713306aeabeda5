/**
 * The package works in a browser after a bundler handles it: Vite builds a page that imports
 * `@recur/backend-wasm` (the built dist/, as users get it), emits recur.wasm as an asset through the
 * `new URL('./recur.wasm', import.meta.url)` pattern, and headless Chromium runs a GEMM and an LSTM
 * forward with it. Needs `pnpm --filter @recur/backend-wasm build` (run here when dist/ is missing)
 * and Chromium at /usr/bin/chromium (or $CHROMIUM).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

describe.skipIf(!existsSync(chromiumPath))('@recur/backend-wasm in a Vite bundle, in Chromium', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'recur-wasm-vite-'));
  let server: Server | undefined;
  afterAll(() => {
    server?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('emits both kernel builds as assets and computes the same numbers as Node', async () => {
    if (!existsSync(join(pkgRoot, 'dist', 'index.js')) || !existsSync(join(pkgRoot, 'dist', 'recur.wasm'))) {
      execFileSync('pnpm', ['run', 'build'], { cwd: pkgRoot, stdio: 'inherit' });
    }
    const { build } = await import('vite');
    await build({
      root: join(pkgRoot, 'test', '__fixtures__', 'vite-app'),
      logLevel: 'warn',
      resolve: {
        alias: {
          '@recur/backend-wasm': join(pkgRoot, 'dist', 'index.js'),
          '@recur/backend': join(pkgRoot, '..', 'backend', 'src', 'index.ts'),
        },
      },
      build: { outDir, emptyOutDir: true, target: 'es2022' },
    });
    const assets = readdirSync(join(outDir, 'assets'));
    // both builds are emitted (the loader picks one at run time)
    expect(assets.filter((f) => /^recur-relaxed-.*\.wasm$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => /^recur-(?!relaxed).*\.wasm$/.test(f))).toHaveLength(1);

    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
    server = createServer((req, res) => {
      const path = join(outDir, req.url === '/' ? 'index.html' : (req.url ?? ''));
      if (!path.startsWith(outDir) || !existsSync(path)) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', null, { timeout: 60_000 });
      const text = (await page.textContent('#out')) ?? '';
      expect(text.startsWith('ERROR'), text).toBe(false);
      const result = JSON.parse(text) as { build: string; gemm: number[]; h: number[] };
      // Chromium ships relaxed SIMD, so the default loader takes recur-relaxed.wasm there
      expect(result.build).toBe('relaxed');
      expect(result.gemm).toEqual([7, 10, 15, 22]);

      // the same LSTM forward in Node with the same build
      const { createWasmBackend } = (await import(join(pkgRoot, 'dist', 'index.js'))) as typeof import('../src/index.js');
      const b = await createWasmBackend();
      const x = b.upload(new Float32Array(3 * 2 * 4).fill(0.5), [3, 2, 4]);
      const wIh = b.upload(new Float32Array(16 * 4).fill(0.1), [16, 4]);
      const wHh = b.upload(new Float32Array(16 * 4).fill(0.1), [16, 4]);
      const y = b.alloc([3, 2, 4]);
      const hN = b.alloc([2, 4]);
      const cN = b.alloc([2, 4]);
      b.cellForward({ cell: 'lstm', T: 3, B: 2, I: 4, H: 4, x, wIh, wHh, bIh: null, bHh: null, h0: null, y, hN, cN });
      const node = Array.from(await b.read(hN));
      expect(result.h).toHaveLength(node.length);
      // fused vs separate multiply-add may differ in the last bits
      result.h.forEach((v, i) => expect(Math.abs(v - node[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(node[i]!) + 1e-7));
      b.destroy();
    } finally {
      await browser.close();
    }
  });
});
