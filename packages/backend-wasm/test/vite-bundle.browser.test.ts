/**
 * The package works in a browser after a bundler handles it: Vite builds a page that imports
 * `@recur/backend-wasm` (the built dist/, as users get it), emits recur.wasm as an asset through the
 * `new URL('./recur.wasm', import.meta.url)` pattern, and headless Chromium runs a GEMM and an LSTM
 * forward with it. Served cross-origin isolated (COOP/COEP), the page also runs the threaded build
 * on a worker pool (Web Workers over a shared memory) and gets the 1-thread result bit for bit;
 * served without those headers, it falls back to one thread and says why. Needs
 * `pnpm --filter @recur/backend-wasm build` (run here when dist/ is missing) and Chromium at
 * /usr/bin/chromium (or $CHROMIUM).
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
    expect(assets.filter((f) => /^recur-relaxed-(?!threads).*\.wasm$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => /^recur-(?!relaxed|threads).*\.wasm$/.test(f))).toHaveLength(1);
    // and the shared-memory builds the worker pool runs
    expect(assets.filter((f) => /^recur-relaxed-threads-.*\.wasm$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => /^recur-threads-.*\.wasm$/.test(f))).toHaveLength(1);

    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
    server = createServer((req, res) => {
      // `/?plain` is served without the cross-origin isolation headers
      const [url = '/', query] = (req.url ?? '/').split('?');
      const isolation = query === 'plain' ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
      const path = join(outDir, url === '/' ? 'index.html' : url);
      if (!path.startsWith(outDir) || !existsSync(path)) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { ...isolation, 'content-type': types[extname(path)] ?? 'application/octet-stream' });
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
      const result = JSON.parse(text) as {
        build: string; gemm: number[]; h: number[]; isolated: boolean; cores: number;
        threads: number; threadsUnavailable: string | null; parallelRuns: number; threadedEqualsOne: boolean;
      };
      // cross-origin isolated: the default is the browser's cores, the sequence ran split, and bit-identical
      console.log(`[wasm browser] isolated ${result.isolated}, ${result.cores} cores, ${result.threads} threads, ${result.parallelRuns} split runs`);
      expect(result.isolated).toBe(true);
      expect(result.threads, result.threadsUnavailable ?? '').toBe(Math.min(8, result.cores));
      if (result.cores > 1) expect(result.parallelRuns).toBeGreaterThan(0);
      expect(result.threadedEqualsOne).toBe(true);
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

      // the same page without COOP/COEP: no SharedArrayBuffer, so one thread, and the reason names the headers
      const plain = await browser.newPage();
      await plain.goto(`http://127.0.0.1:${port}/?plain`);
      await plain.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', null, { timeout: 60_000 });
      const plainText = (await plain.textContent('#out')) ?? '';
      expect(plainText.startsWith('ERROR'), plainText).toBe(false);
      const p = JSON.parse(plainText) as typeof result;
      expect(p.isolated).toBe(false);
      expect(p.threads).toBe(1);
      expect(p.parallelRuns).toBe(0);
      expect(p.threadsUnavailable).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
      expect(p.threadedEqualsOne).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
