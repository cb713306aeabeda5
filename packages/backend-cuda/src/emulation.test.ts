// Host emulation of the CUDA cell kernels (no GPU needed): native/test/emulate.cc links the real
// sequence.cc (time loop, cache layout, GEMM shapes), gemm.cc (the row-major → cuBLAS argument
// mapping) and cell-math.h (the fused step math every kernel thread runs), with a reference
// column-major SGEMM in place of cuBLAS. Its forward and backward results must match the float64
// CPU backend for every cell kind, direction, padding pattern, strided output and null argument.
// Needs a host C++ compiler and the CUDA runtime headers (cuBLAS's header is optional: a minimal
// stand-in is used without it); skipped, with the reason printed, without them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { GATE_COUNT, toleranceFor, type CellKind } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { createRng, randomArray } from '@recur/conformance';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(pkg, 'native');

function findHeaders(): { cuda: string; cublas: string; cxx: string } | string {
  const cudaHome = process.env.CUDA_HOME || process.env.CUDA_PATH || '/usr/local/cuda';
  const cuda = join(cudaHome, 'include');
  if (!existsSync(join(cuda, 'cuda_runtime.h'))) return `cuda_runtime.h not found in ${cuda} (set CUDA_HOME)`;
  const candidates = [process.env.CUBLAS_HOME && join(process.env.CUBLAS_HOME, 'include'), cuda];
  const status = join(pkg, 'build', 'addon-status.json');
  if (existsSync(status)) {
    try {
      candidates.push((JSON.parse(readFileSync(status, 'utf8')) as { cublasInclude?: string }).cublasInclude);
    } catch {
      // ignore a corrupt status file
    }
  }
  // Without cuBLAS (CI), a minimal header that declares only what the emulation uses stands in.
  const cublas = candidates.find((d) => d && existsSync(join(d, 'cublas_v2.h'))) ?? join(native, 'test', 'cublas-shim');
  const cxx = process.env.CXX || ['/usr/bin/c++', '/usr/bin/g++'].find((c) => existsSync(c));
  if (!cxx) return 'no host C++ compiler';
  return { cuda, cublas, cxx };
}

const headers = findHeaders();
const dir = mkdtempSync(join(tmpdir(), 'recur-cuda-emulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
if (typeof headers === 'string') console.warn(`[cuda emulation] skipped: ${headers}`);

const CELL_CODE: Record<CellKind, number> = { 'rnn-tanh': 0, 'rnn-relu': 1, lstm: 2, gru: 3 };

interface Case {
  cell: CellKind;
  T: number;
  B: number;
  I: number;
  H: number;
  reverse: boolean;
  lengths: Int32Array | null;
  bias: boolean;
  h0: boolean;
  dhN: boolean;
  dx: boolean;
  dh0: boolean;
  bidirectionalHalf: boolean;
}

/** Run the emulator and the float64 CPU backend on the same random case; compare every output. */
async function compare(exe: string, c: Case, seed: number): Promise<void> {
  const rng = createRng(seed);
  const G = GATE_COUNT[c.cell];
  const GH = G * c.H;
  const { T, B, I, H } = c;
  const lstm = c.cell === 'lstm';
  const yStride = c.bidirectionalHalf ? 2 * H : H;
  const yOffset = c.bidirectionalHalf ? H : 0;
  const data = {
    x: randomArray(rng, T * B * I),
    wIh: randomArray(rng, GH * I).map((v) => v * 0.6),
    wHh: randomArray(rng, GH * H).map((v) => v * 0.6),
    bIh: randomArray(rng, GH),
    bHh: randomArray(rng, GH),
    h0: randomArray(rng, B * H),
    c0: randomArray(rng, B * H),
    dy: randomArray(rng, T * B * yStride),
    dhN: randomArray(rng, B * H),
    dcN: randomArray(rng, B * H),
  };
  const f32 = (a: ArrayLike<number>) => Buffer.from(new Float32Array(Array.from(a)).buffer);
  const header = new Int32Array([
    CELL_CODE[c.cell], T, B, I, H, c.reverse ? 1 : 0, yStride, yOffset, c.lengths ? 1 : 0, c.bias ? 1 : 0,
    c.h0 ? 1 : 0, c.h0 && lstm ? 1 : 0, c.dhN ? 1 : 0, c.dhN && lstm ? 1 : 0, c.dx ? 1 : 0, c.dh0 ? 1 : 0,
  ]);
  const parts = [Buffer.from(header.buffer)];
  if (c.lengths) parts.push(Buffer.from(new Int32Array(c.lengths).buffer));
  parts.push(f32(data.x), f32(data.wIh), f32(data.wHh));
  if (c.bias) parts.push(f32(data.bIh), f32(data.bHh));
  if (c.h0) parts.push(f32(data.h0));
  if (c.h0 && lstm) parts.push(f32(data.c0));
  parts.push(f32(data.dy));
  if (c.dhN) parts.push(f32(data.dhN));
  if (c.dhN && lstm) parts.push(f32(data.dcN));
  const run = spawnSync(exe, [], { input: Buffer.concat(parts), maxBuffer: 1 << 26 });
  expect(run.status, run.stderr?.toString()).toBe(0);
  const out = new Float32Array(run.stdout.buffer.slice(run.stdout.byteOffset, run.stdout.byteOffset + run.stdout.byteLength));
  let pos = 0;
  const take = (n: number) => out.subarray(pos, (pos += n));

  // The float64 reference (the float32 inputs, widened).
  const be = createCpuBackend({ precision: 'float64' });
  const up = (a: ArrayLike<number>, shape: number[]) => be.upload(Array.from(new Float32Array(Array.from(a))), shape);
  const w = {
    wIh: up(data.wIh, [GH, I]),
    wHh: up(data.wHh, [GH, H]),
    bIh: c.bias ? up(data.bIh, [GH]) : null,
    bHh: c.bias ? up(data.bHh, [GH]) : null,
  };
  const x = up(data.x, [T, B, I]);
  const h0 = c.h0 ? up(data.h0, [B, H]) : null;
  const c0 = c.h0 && lstm ? up(data.c0, [B, H]) : null;
  const y = be.upload(new Array(T * B * yStride).fill(7), [T, B, yStride]);
  const hN = be.alloc([B, H]);
  const cN = lstm ? be.alloc([B, H]) : null;
  const shape = { cell: c.cell, T, B, I, H, reverse: c.reverse, lengths: c.lengths, yStride, yOffset };
  const cache = be.cellForward({ ...shape, ...w, x, h0, c0, y, hN, cN, training: true })!;
  const half = (n: number) => be.upload(new Array(n).fill(0.5), [n]);
  const grads = {
    dx: c.dx ? half(T * B * I) : null,
    dWih: half(GH * I),
    dWhh: half(GH * H),
    dbIh: c.bias ? half(GH) : null,
    dbHh: c.bias ? half(GH) : null,
    dh0: c.dh0 ? half(B * H) : null,
    dc0: c.dh0 && lstm ? half(B * H) : null,
  };
  be.cellBackward({
    ...shape, ...w, x, h0, c0, cache,
    dy: up(data.dy, [T, B, yStride]),
    dhN: c.dhN ? up(data.dhN, [B, H]) : null,
    dcN: c.dhN && lstm ? up(data.dcN, [B, H]) : null,
    ...grads,
  });
  const tol = toleranceFor('float32');
  const check = async (what: string, expected: { size: number } | null) => {
    if (!expected) return;
    const want = await be.read(expected as never);
    const got = take(want.length);
    for (let i = 0; i < want.length; i++) {
      const e = want[i] as number;
      const a = got[i] as number;
      if (!(Math.abs(a - e) <= tol.atol * 5 + tol.rtol * 5 * Math.abs(e))) {
        throw new Error(`${c.cell} ${JSON.stringify({ ...c, lengths: c.lengths && Array.from(c.lengths) })}: ${what}[${i}] = ${a}, expected ${e}`);
      }
    }
  };
  await check('y', y);
  await check('hN', hN);
  await check('cN', cN);
  await check('dx', grads.dx);
  await check('dWih', grads.dWih);
  await check('dWhh', grads.dWhh);
  await check('dbIh', grads.dbIh);
  await check('dbHh', grads.dbHh);
  await check('dh0', grads.dh0);
  await check('dc0', grads.dc0);
  expect(pos).toBe(out.length);
  be.destroy();
}

describe.skipIf(typeof headers === 'string')('CUDA cell kernels, emulated on the host', () => {
  let exe = '';
  it('the emulator builds from the real sequence.cc, gemm.cc and cell-math.h', () => {
    const h = headers as { cuda: string; cublas: string; cxx: string };
    exe = join(dir, 'emulate');
    const r = spawnSync(
      h.cxx,
      ['-O1', '-std=c++17', '-Wall', `-I${h.cuda}`, `-I${h.cublas}`, join(native, 'test', 'emulate.cc'), join(native, 'sequence.cc'), join(native, 'gemm.cc'), '-o', exe],
      { encoding: 'utf8' },
    );
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });

  const full = { reverse: false, lengths: null, bias: true, h0: true, dhN: true, dx: true, dh0: true, bidirectionalHalf: false };
  for (const cell of ['rnn-tanh', 'rnn-relu', 'lstm', 'gru'] as const) {
    it(`${cell}: forward and backward match the float64 CPU backend`, async () => {
      await compare(exe, { cell, T: 5, B: 3, I: 4, H: 6, ...full }, 11);
      // reverse, padded (lengths 0..T), the right half of a bidirectional output, no bias, zero h0,
      // no dh_N, no dx / dh0
      await compare(
        exe,
        { cell, T: 6, B: 4, I: 3, H: 5, reverse: true, lengths: new Int32Array([6, 0, 3, 1]), bias: false, h0: false, dhN: false, dx: false, dh0: false, bidirectionalHalf: true },
        12,
      );
      await compare(exe, { cell, T: 4, B: 3, I: 2, H: 7, ...full, lengths: new Int32Array([2, 4, 1]), bidirectionalHalf: true }, 13);
      await compare(exe, { cell, T: 1, B: 1, I: 1, H: 1, ...full }, 14);
    });
  }
});
