// The loss and optimizer path without a GPU: the real TypeScript layer (training.ts: validation,
// hyper-parameters, Adam's bias corrections) calls a fake addon that runs the kernels' per-element
// math (native/train-math.h) in a host emulator (native/test/emulate-train.cc); results must match
// the float64 CPU backend. Skipped, with the reason printed, without a C++ compiler and CUDA headers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkExact, checkTensor, optimizerStateCount, toleranceFor, type LossKind, type OptimizerKind, type Tensor } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { createRng, randomArray } from '@recur/conformance';
import type { KernelContext } from './context.js';
import { CudaTensor, type TensorStore } from './cuda-tensor.js';
import type { NativeAddon, NativeContext, Ptr } from './native.js';
import { loss, optimizerStep } from './training.js';

const native = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'native');
const cudaInclude = join(process.env.CUDA_HOME || process.env.CUDA_PATH || '/usr/local/cuda', 'include');
const cxx = process.env.CXX || ['/usr/bin/c++', '/usr/bin/g++'].find((c) => existsSync(c));
const missing = !existsSync(join(cudaInclude, 'cuda_runtime.h')) ? `cuda_runtime.h not found in ${cudaInclude} (set CUDA_HOME)` : !cxx ? 'no host C++ compiler' : null;
if (missing) console.warn(`[cuda train emulation] skipped: ${missing}`);
const dir = mkdtempSync(join(tmpdir(), 'recur-cuda-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const exe = join(dir, 'emulate-train');

/** A KernelContext whose "device" is a map of host Float32Arrays and whose addon runs the emulator. */
function fakeContext() {
  const buffers = new Map<Ptr, Float32Array>();
  let next = 1;
  let diag: [number, number] = [0, 0];
  const self = { id: 'emu#1', name: 'cuda' };
  const f32 = (a: ArrayLike<number>) => Buffer.from(new Float32Array(Array.from(a)).buffer);
  const i32 = (a: number[]) => Buffer.from(new Int32Array(a).buffer);
  const run = (input: Buffer[]) => {
    const r = spawnSync(exe, [], { input: Buffer.concat(input) });
    if (r.status !== 0) throw new Error(`emulate-train failed: ${r.stderr?.toString()}`);
    return new Float32Array(r.stdout.buffer.slice(r.stdout.byteOffset, r.stdout.byteOffset + r.stdout.byteLength));
  };
  const buf = (p: Ptr | null) => (p === null ? null : buffers.get(p)!);
  const addon = {
    optimizer(_ctx: NativeContext, p: Parameters<NativeAddon['optimizer']>[1]) {
      const param = buf(p.param)!;
      const s0 = buf(p.s0);
      const s1 = buf(p.s1);
      const out = run([
        i32([0, p.kind, p.n, s0 ? 1 : 0, s1 ? 1 : 0, p.nesterov ? 1 : 0, p.firstStep ? 1 : 0]),
        f32([p.lr, p.wd, p.momentum, p.dampening, p.beta1, p.beta2, p.alpha, p.eps, p.stepSize, p.bc2Sqrt]),
        f32(param), f32(buf(p.grad)!), ...(s0 ? [f32(s0)] : []), ...(s1 ? [f32(s1)] : []),
      ]);
      param.set(out.subarray(0, p.n));
      if (s0) s0.set(out.subarray(p.n, 2 * p.n));
      if (s1) s1.set(out.subarray(2 * p.n, 3 * p.n));
    },
    loss(_ctx: NativeContext, p: Parameters<NativeAddon['loss']>[1]) {
      const grad = buf(p.grad);
      const out = run([
        i32([1, p.kind, p.n, p.c, p.weights !== null ? 1 : 0, grad ? 1 : 0]),
        f32([p.delta]), f32(buf(p.pred)!), f32(buf(p.target)!), ...(p.weights !== null ? [f32(buf(p.weights)!)] : []),
      ]);
      buf(p.loss)![0] = out[0]!;
      if (grad) grad.set(out.subarray(1, 1 + grad.length));
      diag = [out[out.length - 2]!, out[out.length - 1]!];
    },
  } as unknown as NativeAddon;
  const k: KernelContext = {
    name: 'cuda',
    id: self.id,
    addon,
    store: null as unknown as TensorStore, // the loss and optimizer kernels allocate nothing
    ctx: () => ({}) as NativeContext,
    live(t, what, minSize) {
      checkTensor(self, t, what, minSize);
      return (t as CudaTensor).ptr;
    },
    exact(t, what, size, shape) {
      checkExact(self, t, what, size, shape);
      return (t as CudaTensor).ptr;
    },
    call: (fn) => fn(),
  };
  const upload = (data: ArrayLike<number>, shape: number[]): Tensor => {
    const ptr = next++;
    buffers.set(ptr, new Float32Array(Array.from(data)));
    return new CudaTensor(self.id, shape, data.length, ptr);
  };
  return { k, upload, read: (t: Tensor) => buffers.get((t as CudaTensor).ptr)!, diag: () => diag };
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  const tol = toleranceFor('float32');
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const e = want[i] as number;
    const a = got[i] as number;
    if (!(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))) throw new Error(`${what}[${i}] = ${a}, expected ${e}`);
  }
}

describe.skipIf(missing !== null)('CUDA loss and optimizer kernels, emulated on the host', () => {
  it('the emulator builds from train-math.h', () => {
    const r = spawnSync(cxx!, ['-O1', '-std=c++17', '-Wall', `-I${cudaInclude}`, `-I${join(native, 'test', 'cublas-shim')}`, join(native, 'test', 'emulate-train.cc'), '-o', exe], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });

  const optimizers: [OptimizerKind, Record<string, number | boolean>][] = [
    ['sgd', {}],
    ['sgd', { momentum: 0.9, weightDecay: 0.01, dampening: 0.1 }],
    ['sgd', { momentum: 0.8, nesterov: true }],
    ['adam', {}],
    ['adam', { weightDecay: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-6 }],
    ['adamw', {}],
    ['rmsprop', {}],
    ['rmsprop', { momentum: 0.9, weightDecay: 0.01, alpha: 0.9 }],
  ];
  it.each(optimizers)('%s %o: three steps match the CPU backend', (kind, opts) => {
    const rng = createRng(31);
    const n = 37;
    const { k, upload, read } = fakeContext();
    const cpu = createCpuBackend({ precision: 'float64' });
    const p0 = Array.from(randomArray(rng, n));
    const P = upload(p0, [n]);
    const Pc = cpu.upload(Array.from(new Float32Array(p0)), [n]);
    const count = optimizerStateCount(kind, { momentum: (opts.momentum as number | undefined) ?? 0 });
    const S = Array.from({ length: count }, () => upload(new Array(n).fill(0), [n]));
    const Sc = Array.from({ length: count }, () => cpu.alloc([n]));
    for (let step = 1; step <= 3; step++) {
      const g = Array.from(new Float32Array(randomArray(rng, n)));
      optimizerStep(k, { kind, param: P, grad: upload(g, [n]), state: S, lr: 0.05, step, ...opts });
      cpu.optimizerStep({ kind, param: Pc, grad: cpu.upload(g, [n]), state: Sc, lr: 0.05, step, ...opts });
    }
    return cpu.read(Pc).then((want) => {
      close(read(P), want, `${kind} param`);
      cpu.destroy();
    });
  });

  const losses: [LossKind, boolean][] = [
    ['mse', false], ['mse', true], ['mae', false], ['mae', true], ['huber', false], ['huber', true], ['cross-entropy', false], ['cross-entropy', true],
  ];
  it.each(losses)('%s (weights: %s): loss and gradient match the CPU backend', async (kind, weighted) => {
    const rng = createRng(41);
    const [n, c] = [6, 4];
    const ce = kind === 'cross-entropy';
    const pred = Array.from(new Float32Array(randomArray(rng, n * c).map((v) => v * 3)));
    const target = ce ? [0, 3, 1, 2, 2, 0] : Array.from(new Float32Array(randomArray(rng, n * c)));
    const weights = weighted ? [1, 0, 2, 0.5, 0, 1] : null;
    const { k, upload, read } = fakeContext();
    const cpu = createCpuBackend({ precision: 'float64' });
    const L = upload([0], [1]);
    const G = upload(new Array(n * c).fill(0), [n, c]);
    loss(k, { kind, pred: upload(pred, [n, c]), target: upload(target, ce ? [n] : [n, c]), n, c, delta: 0.7, weights: weights ? upload(weights, [n]) : null, loss: L, grad: G });
    const Lc = cpu.alloc([1]);
    const Gc = cpu.alloc([n, c]);
    cpu.loss({ kind, pred: cpu.upload(pred, [n, c]), target: cpu.upload(target, ce ? [n] : [n, c]), n, c, delta: 0.7, weights: weights ? cpu.upload(weights, [n]) : null, loss: Lc, grad: Gc });
    close(read(L), await cpu.read(Lc), `${kind} loss`);
    close(read(G), await cpu.read(Gc), `${kind} grad`);
    cpu.destroy();
  });

  it('cross-entropy flags an invalid class for the next read instead of reading out of bounds', () => {
    const { k, upload, read, diag } = fakeContext();
    const G = upload(new Array(8).fill(5), [2, 4]);
    loss(k, { kind: 'cross-entropy', pred: upload(new Array(8).fill(0), [2, 4]), target: upload([1, 4], [2]), n: 2, c: 4, loss: upload([0], [1]), grad: G });
    expect(diag()).toEqual([2, 4]); // row 1 (+1), class 4
    expect(Array.from(read(G).subarray(4))).toEqual([0, 0, 0, 0]);
    loss(k, { kind: 'cross-entropy', pred: upload(new Array(8).fill(0), [2, 4]), target: upload([1.5, 0], [2]), n: 2, c: 4, loss: upload([0], [1]), grad: null });
    expect(diag()[0]).toBe(1);
  });
});
