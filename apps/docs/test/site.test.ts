/**
 * The built site in a real browser (Debian's chromium through playwright-core): every page loads
 * without console errors, every internal link resolves, every demo runs to a result on every
 * backend the headless browser offers (every link's #anchor included), and the demos' screenshots are not blank.
 *
 * Skips (with the reason printed) when /usr/bin/chromium is missing, except under CI, where it
 * fails. Builds the site first when `site/.vitepress/dist` does not exist.
 * RECUR_DOCS_SCREENSHOTS=<dir> saves a full-page PNG of every demo run there;
 * RECUR_DOCS_RECALL_SCREENSHOT=<file.png> saves the finished recall demo (default settings) there
 * (the committed one is site/public/images/recall-demo.png).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { fileForPath, serveStatic, type StaticServer } from './static-server.js';

const CHROMIUM = '/usr/bin/chromium';
const app = fileURLToPath(new URL('..', import.meta.url));
const dist = join(app, 'site', '.vitepress', 'dist');
const shots = process.env.RECUR_DOCS_SCREENSHOTS;
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install chromium) for the docs browser tests.`);
  console.warn(`[docs] skipping the browser tests: ${CHROMIUM} is not installed (apt-get install chromium).`);
}

function htmlPages(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'assets') out.push(...htmlPages(p));
    } else if (name.endsWith('.html') && name !== '404.html') out.push(p);
  }
  return out;
}

/** URL path of a built page: index.html → /, guide/x.html → /guide/x.html. */
function urlOf(file: string): string {
  const rel = relative(dist, file).split('\\').join('/');
  return '/' + (rel === 'index.html' ? '' : rel.replace(/(^|\/)index\.html$/, '$1'));
}

/** Console errors and uncaught exceptions of one page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return errors;
}

/** Standard deviation of the luminance and the number of distinct colours of a PNG, decoded in the page. */
async function pixelStats(page: Page, png: Buffer): Promise<{ std: number; colours: number; width: number; height: number }> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let sum = 0;
    let sq = 0;
    const colours = new Set<number>();
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const y = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      sum += y;
      sq += y * y;
      if (colours.size < 5000) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    }
    const mean = sum / n;
    return { std: Math.sqrt(Math.max(0, sq / n - mean * mean)), colours: colours.size, width: bitmap.width, height: bitmap.height };
  }, png.toString('base64'));
}

describe.skipIf(!hasChromium)('docs site in headless chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let userDataDir: string;
  let pages: string[];

  beforeAll(async () => {
    if (!existsSync(join(dist, 'index.html'))) {
      console.log('[docs] site/.vitepress/dist is missing: building the site (pnpm build in apps/docs)…');
      execFileSync('node', ['scripts/generate.mjs'], { cwd: app, stdio: 'inherit' });
      execFileSync(join(app, 'node_modules', '.bin', 'vitepress'), ['build', 'site'], { cwd: app, stdio: 'inherit' });
    }
    pages = htmlPages(dist).map(urlOf).sort();
    server = await serveStatic(dist);
    userDataDir = mkdtempSync(join(tmpdir(), 'recur-docs-chromium-'));
    if (shots) mkdirSync(shots, { recursive: true });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu'],
      viewport: { width: 1280, height: 900 },
    });
    browser = context.browser()!;
    void browser;
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('every page loads without console errors, and every internal link and its anchor resolve', async () => {
    expect(pages.length).toBeGreaterThan(15);
    const page = await context.newPage();
    const broken: string[] = [];
    const failures: string[] = [];
    const checked = new Set<string>();
    /** Built file → the ids (and a[name]) its page has, for the anchor check. */
    const anchorsOf = new Map<string, Set<string>>();
    /** Links with a #fragment: where from, the target file, the fragment. */
    const fragments: { from: string; file: string; hash: string; href: string }[] = [];
    for (const path of pages) {
      const errors = watchErrors(page);
      const res = await page.goto(server.origin + path, { waitUntil: 'load' });
      expect(res?.status(), path).toBe(200);
      await page.waitForSelector('.VPContent', { timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      if (errors.length > 0) failures.push(`${path}: ${errors.join('; ')}`);
      page.removeAllListeners('console');
      page.removeAllListeners('pageerror');
      page.removeAllListeners('response');
      const here = fileForPath(dist, new URL(server.origin + path).pathname);
      const ids = await page.$$eval('[id], a[name]', (els) => els.map((e) => e.id || e.getAttribute('name') || ''));
      if (here) anchorsOf.set(here, new Set(ids.filter(Boolean)));
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of hrefs) {
        const url = new URL(href);
        if (url.origin !== server.origin) continue;
        const file = fileForPath(dist, url.pathname);
        if (url.hash.length > 1 && file) fragments.push({ from: path, file, hash: decodeURIComponent(url.hash.slice(1)), href: url.pathname + url.hash });
        const key = url.pathname;
        if (checked.has(key)) continue;
        checked.add(key);
        if (!file) broken.push(`${path} → ${key}`);
      }
    }
    await page.close();
    const badAnchors = [...new Set(fragments.filter((f) => !anchorsOf.get(f.file)?.has(f.hash)).map((f) => `${f.from} → ${f.href} (no element with id "${f.hash}")`))];
    expect(failures, failures.join('\n')).toEqual([]);
    expect(broken, broken.join('\n')).toEqual([]);
    expect(badAnchors, badAnchors.join('\n')).toEqual([]);
    expect(checked.size).toBeGreaterThan(20);
    expect(fragments.length).toBeGreaterThan(100);
    console.log(`[docs] ${pages.length} pages, ${checked.size} internal targets, ${fragments.length} links with an anchor: all resolve`);
  }, 300_000);

  it('every demo runs to a result on every backend, and draws something', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.origin}/demos/?test=1`, { waitUntil: 'load' });
    await page.waitForSelector('[data-demo]');
    const hasGpu = await page.evaluate(() => 'gpu' in navigator && Boolean((navigator as { gpu?: unknown }).gpu));
    // the site is served cross-origin isolated, so the WASM demos get SharedArrayBuffer and threads
    const isolation = await page.evaluate(() => ({ isolated: globalThis.crossOriginIsolated, cores: navigator.hardwareConcurrency }));
    expect(isolation.isolated, 'the demos page must be cross-origin isolated (COOP/COEP headers)').toBe(true);
    const wantThreads = Math.min(8, isolation.cores);
    const demos = await page.$$eval('[data-demo]', (els) => els.map((e) => e.getAttribute('data-demo')!));
    expect(demos).toEqual(['telephone', 'gates', 'recall', 'forecast']);
    const ran: string[] = [];
    for (const demo of demos) {
      const root = page.locator(`[data-demo="${demo}"]`);
      const backends = await root.locator('[data-backend]').evaluateAll((els) => els.map((e) => e.getAttribute('data-backend')!));
      expect(backends).toEqual(hasGpu ? ['cpu', 'wasm', 'webgpu'] : ['cpu', 'wasm']);
      for (const backend of backends) {
        await root.locator(`[data-backend="${backend}"]`).click();
        await root.locator('[data-run]').click();
        await page.waitForFunction((d) => {
          const s = document.querySelector(`[data-demo="${d}"]`)?.getAttribute('data-state');
          return s === 'done' || s === 'error';
        }, demo, { timeout: 60_000 });
        const status = await root.locator('[data-status]').innerText();
        expect(await root.getAttribute('data-state'), `${demo} on ${backend}: ${status}`).toBe('done');
        expect(status).toContain(backend);
        // the WASM backend reports the threads it ran on (its worker pool: all the browser's cores)
        if (backend === 'wasm' && wantThreads > 1) expect(status, `${demo} on wasm`).toContain(`wasm on ${wantThreads} threads`);
        const charts = await root.locator('[data-chart] svg').count();
        expect(charts, `${demo} on ${backend}`).toBeGreaterThan(0);
        const marks = await root.locator('[data-chart] svg .mark-line path, [data-chart] svg .mark-rect path, [data-chart] svg .mark-symbol path, [data-chart] svg .mark-rule line').count();
        expect(marks, `${demo} on ${backend}: chart marks`).toBeGreaterThan(0);
        expect(await root.locator('[data-summary] li').count()).toBeGreaterThan(0);
        const png = await root.screenshot();
        const stats = await pixelStats(page, png);
        expect(stats.std, `${demo} on ${backend}: screenshot luminance spread`).toBeGreaterThan(10);
        expect(stats.colours, `${demo} on ${backend}: screenshot colours`).toBeGreaterThan(20);
        if (shots) writeFileSync(join(shots, `${demo}-${backend}.png`), png);
        ran.push(`${demo}/${backend}`);
      }
    }
    console.log(`[docs] demos run: ${ran.join(', ')}${hasGpu ? '' : ' (no navigator.gpu in this browser)'}`);
    if (shots) writeFileSync(join(shots, 'demos-page.png'), await page.screenshot({ fullPage: true }));
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 240_000);

  it('the recall demo with its default settings: LSTM and GRU ≥ 90 % at a 64-word gap, the tanh RNN at chance well before', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.origin}/demos/`, { waitUntil: 'load' });
    const root = page.locator('[data-demo="recall"]');
    await root.waitFor();
    expect(await root.locator('[data-backend="wasm"]').getAttribute('aria-checked')).toBe('true'); // the page's default
    const started = Date.now();
    await root.locator('[data-run]').click();
    // Progress while it runs: run i of n, the step and the loss.
    await root.locator('[data-progress]').waitFor({ timeout: 30_000 });
    expect(await root.locator('[data-progress]').innerText()).toMatch(/run \d+ of 12 · step \d+ of at most 300/);
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-demo="recall"]')?.getAttribute('data-state');
      return s === 'done' || s === 'error';
    }, undefined, { timeout: 180_000 });
    const seconds = (Date.now() - started) / 1000;
    const status = await root.locator('[data-status]').innerText();
    expect(await root.getAttribute('data-state'), status).toBe('done');
    const rows = await root.locator('[data-table] tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    const acc = (cell: string, gap: number) => Number(rows.find((r) => r[0] === String(gap) && r[1] === cell)?.[2]);
    console.log(`[docs] recall demo, default settings, ${status} (${seconds.toFixed(1)} s from the click):\n${rows.map((r) => r.join('  ')).join('\n')}`);
    expect(rows).toHaveLength(12);
    const chance = 1 / 8;
    for (const cell of ['LSTM', 'GRU']) {
      expect(acc(cell, 32), `${cell} at 32`).toBeGreaterThanOrEqual(0.9);
      expect(acc(cell, 64), `${cell} at 64`).toBeGreaterThanOrEqual(0.9);
    }
    for (const gap of [32, 64]) expect(acc('RNN (tanh)', gap), `tanh RNN at ${gap}`).toBeLessThanOrEqual(chance + 0.1);
    expect(await root.locator('[data-lesson]').innerText()).toMatch(/^The tanh RNN was down to \d+ % \(chance 12\.5 %\) by a \d+-word gap, while the LSTM/);
    expect(await root.locator('[data-chart="sweep"] svg .mark-line path').count()).toBeGreaterThan(0);
    const shot = process.env.RECUR_DOCS_RECALL_SCREENSHOT;
    if (shot) {
      // The sticky nav bars would cover the demo's top edge in an element screenshot.
      await page.addStyleTag({ content: '.VPNav, .VPLocalNav { display: none !important; }' });
      writeFileSync(shot, await root.screenshot());
    }
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 240_000);

  it('the recall demo stops on Stop and keeps the finished runs', async () => {
    const page = await context.newPage();
    await page.goto(`${server.origin}/demos/`, { waitUntil: 'load' });
    const root = page.locator('[data-demo="recall"]');
    await root.locator('[data-run]').click();
    await root.locator('[data-table] tbody tr').first().waitFor({ timeout: 60_000 });
    await root.locator('[data-stop]').click();
    expect(await root.getAttribute('data-state')).toBe('stopped');
    const kept = await root.locator('[data-table] tbody tr').count();
    expect(kept).toBeGreaterThan(0);
    expect(await root.locator('[data-chart="sweep"] svg').count()).toBe(1);
    expect(await root.locator('[data-lesson]').innerText()).not.toBe('');
    await page.waitForTimeout(1500); // a terminated worker posts nothing more
    expect(await root.locator('[data-table] tbody tr').count()).toBe(kept);
    expect(await root.locator('[data-status]').innerText()).toMatch(/stopped during run \d+ of 12; kept the \d+ finished run/);
    await page.close();
  }, 120_000);
});
