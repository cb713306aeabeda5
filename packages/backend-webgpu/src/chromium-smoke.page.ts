/**
 * Test-only page script of the headless-Chromium smoke test (bundled with esbuild, run in the
 * page): an LSTM forward pass on WebGPU (navigator.gpu) and on the CPU reference, same inputs.
 */
import type { Backend } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { createWebgpuBackend } from './create-webgpu-backend.js';

/** The outputs of one backend. */
export interface SmokeOutputs {
  readonly y: number[];
  readonly hN: number[];
  readonly cN: number[];
}

/** What the page reports back to the test. */
export interface SmokeResult {
  readonly webgpu: SmokeOutputs[];
  readonly cpu: SmokeOutputs[];
  readonly leakedTensors: number;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

const T = 6;
const B = 3;
const I = 4;
const H = 7;

async function lstmForward(be: Backend, reverse: boolean, lengths: Int32Array | null): Promise<SmokeOutputs> {
  const rnd = lcg(reverse ? 2 : 1);
  const arr = (n: number) => Array.from({ length: n }, rnd);
  const G = 4 * H;
  const x = be.upload(arr(T * B * I), [T, B, I]);
  const wIh = be.upload(arr(G * I), [G, I]);
  const wHh = be.upload(arr(G * H), [G, H]);
  const bIh = be.upload(arr(G), [G]);
  const bHh = be.upload(arr(G), [G]);
  const h0 = be.upload(arr(B * H), [B, H]);
  const c0 = be.upload(arr(B * H), [B, H]);
  const y = be.alloc([T, B, H]);
  const hN = be.alloc([B, H]);
  const cN = be.alloc([B, H]);
  be.cellForward({ cell: 'lstm', T, B, I, H, reverse, lengths, x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN });
  const out = { y: [...(await be.read(y))], hN: [...(await be.read(hN))], cN: [...(await be.read(cN))] };
  for (const t of [x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN]) be.dispose(t);
  return out;
}

/** Run the same LSTM forward passes on WebGPU and on the CPU. */
export async function runLstmSmoke(): Promise<SmokeResult> {
  const gpu = await createWebgpuBackend();
  const cpu = createCpuBackend();
  const cases: [boolean, Int32Array | null][] = [
    [false, null],
    [true, new Int32Array([6, 2, 4])],
  ];
  const webgpu: SmokeOutputs[] = [];
  const ref: SmokeOutputs[] = [];
  for (const [reverse, lengths] of cases) {
    webgpu.push(await lstmForward(gpu, reverse, lengths));
    ref.push(await lstmForward(cpu, reverse, lengths));
  }
  const leakedTensors = gpu.memory().liveTensors;
  gpu.destroy();
  cpu.destroy();
  return { webgpu, cpu: ref, leakedTensors };
}
