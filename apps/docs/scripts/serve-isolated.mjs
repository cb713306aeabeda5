#!/usr/bin/env node
/**
 * A static file server for the built site (node:http) that sends the cross-origin isolation
 * headers, so `SharedArrayBuffer` exists and the WASM backend's demos run on threads. `vitepress
 * preview` has no way to add response headers; `pnpm --filter @recur/docs preview` runs this
 * instead, and the browser tests serve the site through it too.
 *
 *   node scripts/serve-isolated.mjs [--port 4173] [--host 127.0.0.1] [DIR]   (DIR: site/.vitepress/dist)
 *
 * URLs map the way VitePress's `cleanUrls: false` output expects: `/x/` → x/index.html, `/x` → x.html.
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Cross-origin isolation: the page and everything it loads must opt in (see the README). */
export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file a URL path maps to inside `root`, or null when there is none. */
export function fileForPath(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  const base = normalize(join(root, path));
  if (base !== root && !base.startsWith(root + sep) && base + sep !== root + sep) return null;
  const candidates = path.endsWith('/') ? [join(base, 'index.html')] : [base, `${base}.html`, join(base, 'index.html')];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** Serve `root` cross-origin isolated on `host:port` (port 0: a free one). */
export async function serveStatic(root, { port = 0, host = '127.0.0.1' } = {}) {
  const server = createServer((req, res) => {
    const file = fileForPath(root, req.url ?? '/');
    const headers = { ...ISOLATION_HEADERS, 'Cache-Control': 'no-store' };
    if (!file) {
      const notFound = join(root, '404.html');
      res.writeHead(404, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      res.end(existsSync(notFound) ? readFileSync(notFound) : 'not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(port, host, ok));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the static server has no port');
  return {
    origin: `http://${host}:${address.port}`,
    server,
    close: () => new Promise((ok, fail) => server.close((e) => (e ? fail(e) : ok()))),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args.splice(i, 2)[1] : fallback;
  };
  const port = Number(opt('port', '4173'));
  const host = opt('host', '127.0.0.1');
  const root = resolve(args[0] ?? fileURLToPath(new URL('../site/.vitepress/dist', import.meta.url)));
  if (!existsSync(join(root, 'index.html'))) {
    console.error(`serve-isolated: ${root} has no index.html; build the site first (pnpm --filter @recur/docs build)`);
    process.exit(1);
  }
  const s = await serveStatic(root, { port, host });
  console.log(`Built site served cross-origin isolated at ${s.origin}/`);
}
