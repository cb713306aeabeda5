// Runs one assembled program in its own Node process and says where it failed, in page terms.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Installed before the program (node --import): on a failing exit, print the block that was running,
// for errors whose stack never passes through the program's own lines (a rejected callback, say).
const EXIT_HOOK =
  'data:text/javascript,' +
  encodeURIComponent("process.on('exit', (c) => { if (c && globalThis.__doctestAt) process.stderr.write('\\n[doctest-block] ' + globalThis.__doctestAt + '\\n'); });");

/**
 * @param {{ js: string, lineMap: ({ file: string, line: number } | null)[] }} assembled
 * @param {{ ownerDir: string, name: string, timeoutMs: number, env?: Record<string, string> }} options
 *   `ownerDir` is the package the page belongs to: the program is written under its node_modules, so
 *   the page's other imports resolve as they would for that package. The program runs in an empty
 *   temporary working directory, so the files a sample writes go nowhere.
 * @returns {Promise<{ ok: boolean, ms: number, at?: string, message?: string, output: string }>}
 */
export function runProgram(assembled, { ownerDir, name, timeoutMs, env = {} }) {
  const dir = join(ownerDir, 'node_modules', '.doctest');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mjs`);
  let jsToSource = [];
  writeFileSync(file, assembled.js.replace(/sourceMappingURL=data:application\/json;base64,(\S+)/, (whole, b64) => {
    // Name the mapped source after the program, so stack lines read `<name>.ts:LINE`.
    const map = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    map.sources = [`${name}.ts`];
    jsToSource = generatedToSourceLines(map.mappings);
    return `sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
  }));
  const cwd = mkdtempSync(join(tmpdir(), 'recur-doctest-'));
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--import', EXIT_HOOK, file], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      rmSync(file, { force: true });
      const ms = performance.now() - t0;
      if (code === 0 && !timedOut) return resolve({ ok: true, ms, output });
      const at = locate(output, name, assembled.lineMap, jsToSource);
      const message = timedOut ? `did not finish within ${timeoutMs / 1000} s (a sample must end on its own)` : firstErrorLine(output);
      resolve({ ok: false, ms, at, message, output });
    });
  });
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Generated line (1-based) -> source line (1-based) from a source map's `mappings` (first segment
 * of each line). Compile-time errors (a SyntaxError) name the generated .mjs line, which Node does
 * not map back.
 */
export function generatedToSourceLines(mappings) {
  const out = [];
  let srcLine = 0;
  mappings.split(';').forEach((segments, gen) => {
    let first = null;
    for (const seg of segments.split(',')) {
      if (!seg) continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      if (fields.length >= 4) {
        srcLine += fields[2];
        if (first === null) first = srcLine + 1;
      }
    }
    out[gen + 1] = first;
  });
  return out;
}

/** The page line of the innermost stack frame inside the program, else the block that was running. */
export function locate(output, name, lineMap, jsToSource = []) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`${escaped}\\.(ts|mjs):(\\d+)`).exec(output);
  if (frame) {
    const line = frame[1] === 'ts' ? Number(frame[2]) : jsToSource[Number(frame[2])];
    const hit = line ? lineMap[line - 1] : null;
    if (hit) return `${hit.file}:${hit.line}`;
  }
  const block = /\[doctest-block\] (\S+)/.exec(output);
  return block ? `${block[1]} (the block starting there)` : undefined;
}

function firstErrorLine(output) {
  const lines = output.split('\n').map((l) => l.trim());
  return lines.find((l) => /^(\w*Error|Error)\b[:[]/.test(l) || /^\w+Error: /.test(l)) ?? lines.filter(Boolean).slice(-3).join(' | ');
}
