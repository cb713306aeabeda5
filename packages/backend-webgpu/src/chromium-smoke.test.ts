/**
 * Smoke test in headless Chromium: a page (bundled here with esbuild from this package's and the
 * CPU backend's sources, served from 127.0.0.1) runs an LSTM forward pass on WebGPU through
 * `navigator.gpu` and on the CPU backend, and the two must agree within float32 tolerance, with
 * no console errors. Skips, printing why, when /usr/bin/chromium is missing — except under CI,
 * where that is a failure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { toleranceFor } from '@recur/backend';
import type { SmokeResult } from './chromium-smoke.page.js';

const CHROMIUM = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const packages = resolve(here, '../..');

/** Flags that give navigator.gpu a (SwiftShader) adapter in headless Chromium on this machine. */
const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

async function bundlePage(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "import { runLstmSmoke } from './chromium-smoke.page.ts'; globalThis.recurSmoke = runLstmSmoke;",
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // The `webgpu` package (Dawn) is Node-only; in the page navigator.gpu is used instead.
    external: ['webgpu'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'recur-workspace-sources',
        setup(b) {
          b.onResolve({ filter: /^@recur\/(backend|backend-cpu)$/ }, (args) => ({ path: join(packages, args.path.slice('@recur/'.length), 'src/index.ts') }));
          b.onResolve({ filter: /\.js$/ }, (args) => {
            if (!args.path.startsWith('.')) return undefined;
            const ts = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
            return existsSync(ts) ? { path: ts } : undefined;
          });
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

function serve(script: string): Promise<{ server: Server; url: string }> {
  const html = '<!doctype html><meta charset="utf-8"><title>recur webgpu smoke</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    ok({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
  }));
}

function expectClose(actual: readonly number[], expected: readonly number[], what: string): void {
  const { rtol, atol } = toleranceFor('float32');
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}[${i}]: webgpu ${a} vs cpu ${e} (|Δ| ${Math.abs(a - e)} > ${atol} + ${rtol}·|cpu|)`);
    }
  }
}

const haveChromium = existsSync(CHROMIUM);

describe('headless Chromium smoke test', () => {
  let browser: Browser | null = null;
  let server: Server | null = null;
  let userDataDir: string | null = null;
  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  if (!haveChromium) {
    if (process.env.CI) {
      it('has /usr/bin/chromium under CI', () => {
        throw new Error(`${CHROMIUM} is missing under CI; install it (apt-get install chromium libvulkan1).`);
      });
    } else {
      console.warn(`[webgpu] skipping the Chromium smoke test: ${CHROMIUM} is not installed`);
      it.skip(`needs ${CHROMIUM}`, () => undefined);
    }
    return;
  }

  it('an LSTM forward pass on navigator.gpu matches the CPU backend', async () => {
    const script = await bundlePage();
    const served = await serve(script);
    server = served.server;
    userDataDir = mkdtempSync(join(tmpdir(), 'recur-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    browser = context.browser();
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(served.url);
    await page.waitForFunction(() => typeof (globalThis as { recurSmoke?: unknown }).recurSmoke === 'function');
    const result = (await page.evaluate(() => (globalThis as unknown as { recurSmoke: () => Promise<unknown> }).recurSmoke())) as SmokeResult;
    await context.close();
    expect(errors).toEqual([]);
    expect(result.webgpu).toHaveLength(2);
    result.webgpu.forEach((g, k) => {
      const c = result.cpu[k]!;
      expectClose(g.y, c.y, `case ${k} y`);
      expectClose(g.hN, c.hN, `case ${k} hN`);
      expectClose(g.cN, c.cN, `case ${k} cN`);
    });
    expect(result.leakedTensors).toBe(0);
  });
});
