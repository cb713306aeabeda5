/**
 * The backend against PyTorch golden fixtures (float64): every cell kind, forward and backward,
 * including stacked layers (layer 2 consumes layer 1's y), a bidirectional layer (two directions
 * writing one y through yStride = 2H, yOffset = H), a reverse direction alone, and variable
 * lengths (pack_padded_sequence). Also softmax, the losses and the optimizers.
 */
import { describe } from 'vitest';
import {
  CELL_KINDS,
  GATE_COUNT,
  hasCellState,
  optimizerStateCount,
  type Backend,
  type Tensor,
} from '@recur/backend';
import { loadFixture, loadKernelFixtures, type CellFixture } from '../fixtures.js';
import type { Harness, Need } from '../harness.js';
import { withScope, type TensorScope } from '../tensor-scope.js';

/** Everything a composed run produced, in PyTorch's layout. */
interface ComposedRun {
  y: Float64Array;
  hN: Float64Array;
  cN: Float64Array | null;
  grad: Record<string, Float64Array>;
}

function paramName(kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', layer: number, dir: number): string {
  return `${kind}_l${layer}${dir === 1 ? '_reverse' : ''}`;
}

function slice(a: readonly number[] | null, index: number, size: number): Float64Array | null {
  return a ? Float64Array.from(a.slice(index * size, (index + 1) * size)) : null;
}

/**
 * Run a fixture through `cellForward`/`cellBackward` the way a model composes layers and
 * directions, and collect the results in PyTorch's layout.
 */
async function runComposed(be: Backend, fx: CellFixture, withGrads: boolean): Promise<ComposedRun> {
  return withScope(be, async (s: TensorScope) => {
    const { cell, T, B, I, H, layers } = fx;
    const D = fx.bidirectional ? 2 : 1;
    const G = GATE_COUNT[cell];
    const lstm = hasCellState(cell);
    const lengths = fx.lengths ? Int32Array.from(fx.lengths) : null;
    const BH = B * H;
    const hN = new Float64Array(layers * D * BH);
    const cN = lstm ? new Float64Array(layers * D * BH) : null;
    const grad: Record<string, Float64Array> = {};
    interface Dir {
      layer: number;
      dir: number;
      inSize: number;
      input: Tensor;
      weights: { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null };
      h0: Tensor;
      c0: Tensor | null;
      cache: Tensor | null;
    }
    const runs: Dir[] = [];
    const x = s.upload(fx.x, [T, B, I]);
    const ys: Tensor[] = [];
    let input = x;
    for (let l = 0; l < layers; l++) {
      const inSize = l === 0 ? I : D * H;
      const y = s.alloc([T, B, D * H]);
      ys.push(y);
      for (let d = 0; d < D; d++) {
        if (layers === 1 && !fx.directions.includes(d)) continue;
        const w = (k: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', shape: number[]) => {
          const v = fx.weights[paramName(k, l, d)];
          return v ? s.upload(v, shape) : null;
        };
        const weights = {
          wIh: w('weight_ih', [G * H, inSize])!,
          wHh: w('weight_hh', [G * H, H])!,
          bIh: fx.bias ? w('bias_ih', [G * H]) : null,
          bHh: fx.bias ? w('bias_hh', [G * H]) : null,
        };
        const idx = l * D + d;
        const h0 = s.upload(slice(fx.h0, idx, BH)!, [B, H]);
        const c0 = lstm ? s.upload(slice(fx.c0, idx, BH)!, [B, H]) : null;
        const hNt = s.alloc([B, H]);
        const cNt = lstm ? s.alloc([B, H]) : null;
        const cache = s.track(
          be.cellForward({
            cell, T, B, I: inSize, H, reverse: d === 1, lengths, yStride: D * H, yOffset: d * H,
            ...weights, x: input, h0, c0, y, hN: hNt, cN: cNt, training: withGrads,
          }),
        );
        hN.set(await s.read(hNt), idx * BH);
        if (cN && cNt) cN.set(await s.read(cNt), idx * BH);
        runs.push({ layer: l, dir: d, inSize, input, weights, h0, c0, cache });
      }
      input = y;
    }
    const y = await s.read(ys[layers - 1]!);
    if (!withGrads) return { y, hN, cN, grad };

    // Backward, top layer first: each layer's dx is the upper layer's dy.
    const dh0 = new Float64Array(layers * D * BH);
    const dc0 = lstm ? new Float64Array(layers * D * BH) : null;
    let dy = s.upload(fx.gy, [T, B, D * H]);
    for (let l = layers - 1; l >= 0; l--) {
      const inSize = l === 0 ? I : D * H;
      const dIn = s.alloc([T, B, inSize]);
      for (const r of runs.filter((q) => q.layer === l)) {
        const idx = l * D + r.dir;
        if (!r.cache) throw new Error('cellForward with training: true returned no cache tensor');
        const dW = {
          dWih: s.alloc([G * H, inSize]),
          dWhh: s.alloc([G * H, H]),
          dbIh: fx.bias ? s.alloc([G * H]) : null,
          dbHh: fx.bias ? s.alloc([G * H]) : null,
        };
        const dh0t = s.alloc([B, H]);
        const dc0t = lstm ? s.alloc([B, H]) : null;
        be.cellBackward({
          cell, T, B, I: inSize, H, reverse: r.dir === 1, lengths, yStride: D * H, yOffset: r.dir * H,
          ...r.weights, x: r.input, h0: r.h0, c0: r.c0, cache: r.cache,
          dy, dhN: s.upload(slice(fx.ghN, idx, BH)!, [B, H]),
          dcN: lstm ? s.upload(slice(fx.gcN, idx, BH)!, [B, H]) : null,
          dx: dIn, ...dW, dh0: dh0t, dc0: dc0t,
        });
        grad[paramName('weight_ih', l, r.dir)] = await s.read(dW.dWih);
        grad[paramName('weight_hh', l, r.dir)] = await s.read(dW.dWhh);
        if (dW.dbIh) grad[paramName('bias_ih', l, r.dir)] = await s.read(dW.dbIh);
        if (dW.dbHh) grad[paramName('bias_hh', l, r.dir)] = await s.read(dW.dbHh);
        dh0.set(await s.read(dh0t), idx * BH);
        if (dc0 && dc0t) dc0.set(await s.read(dc0t), idx * BH);
      }
      dy = dIn;
    }
    grad.x = await s.read(dy);
    grad.h0 = dh0;
    if (dc0) grad.c0 = dc0;
    return { y, hN, cN, grad };
  });
}

/** Pick the parts of a [rows, D·H]-shaped array (or [L·D, B, H] state) that `directions` own. */
function pickColumns(a: ArrayLike<number>, rows: number, D: number, H: number, dirs: readonly number[]): Float64Array {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) for (const d of dirs) for (let j = 0; j < H; j++) out.push(a[r * D * H + d * H + j] as number);
  return Float64Array.from(out);
}

function pickStates(a: ArrayLike<number>, layers: number, D: number, BH: number, dirs: readonly number[]): Float64Array {
  const out: number[] = [];
  for (let l = 0; l < layers; l++) {
    for (const d of dirs) for (let j = 0; j < BH; j++) out.push(a[(l * D + d) * BH + j] as number);
  }
  return Float64Array.from(out);
}

function checkComposed(h: Harness, fx: CellFixture, run: ComposedRun, withGrads: boolean): void {
  const D = fx.bidirectional ? 2 : 1;
  const dirs = fx.layers === 1 ? fx.directions : Array.from({ length: D }, (_, d) => d);
  const BH = fx.B * fx.H;
  const what = `${fx.cell}/${fx.name}`;
  const o = { fixture: true };
  h.check(pickColumns(run.y, fx.T * fx.B, D, fx.H, dirs), pickColumns(fx.y, fx.T * fx.B, D, fx.H, dirs), `${what} y`, o);
  h.check(pickStates(run.hN, fx.layers, D, BH, dirs), pickStates(fx.hN, fx.layers, D, BH, dirs), `${what} hN`, o);
  if (fx.cN && run.cN) h.check(pickStates(run.cN, fx.layers, D, BH, dirs), pickStates(fx.cN, fx.layers, D, BH, dirs), `${what} cN`, o);
  if (!withGrads) return;
  h.check(run.grad.x ?? [], fx.grad.x ?? [], `${what} dL/dx`, o);
  h.check(pickStates(run.grad.h0 ?? [], fx.layers, D, BH, dirs), pickStates(fx.grad.h0 ?? [], fx.layers, D, BH, dirs), `${what} dL/dh0`, o);
  if (fx.grad.c0) {
    h.check(pickStates(run.grad.c0 ?? [], fx.layers, D, BH, dirs), pickStates(fx.grad.c0, fx.layers, D, BH, dirs), `${what} dL/dc0`, o);
  }
  let params = 0;
  for (const [name, expected] of Object.entries(fx.grad)) {
    if (!name.startsWith('weight_') && !name.startsWith('bias_')) continue;
    const dir = name.endsWith('_reverse') ? 1 : 0;
    if (!dirs.includes(dir)) continue;
    const actual = run.grad[name];
    h.assert(actual !== undefined, `${what}: no gradient computed for ${name}`);
    h.check(actual!, expected, `${what} dL/d${name}`, o);
    params++;
  }
  h.assert(params === dirs.length * fx.layers * (fx.bias ? 4 : 2), `${what}: compared ${params} parameter gradients`);
}

/** Register the PyTorch fixture tests. */
export function pytorchTests(h: Harness): void {
  describe('PyTorch golden fixtures (float64)', () => {
    for (const cell of CELL_KINDS) {
      for (const fx of loadFixture(cell).cases) {
        const needs: Need[] = [{ hidden: fx.H }];
        if (fx.lengths) needs.push('variableLength');
        const shape = `T=${fx.T} B=${fx.B} I=${fx.I} H=${fx.H}${fx.layers > 1 ? ` layers=${fx.layers}` : ''}`;
        h.test(`${cell} ${fx.name} (${shape}) forward matches torch.nn`, needs, async () => {
          checkComposed(h, fx, await runComposed(h.backend, fx, false), false);
        });
        h.test(`${cell} ${fx.name} (${shape}) forward + backward match torch autograd`, ['training', ...needs], async () => {
          checkComposed(h, fx, await runComposed(h.backend, fx, true), true);
        });
      }
    }

    const k = loadKernelFixtures();
    h.test('softmax matches torch.softmax(x / temperature)', [], async () => {
      for (const f of k.softmax) {
        const out = await withScope(h.backend, async (s) => {
          const o = s.alloc([f.rows, f.cols]);
          h.backend.softmax({ x: s.upload(f.x, [f.rows, f.cols]), out: o, rows: f.rows, cols: f.cols, temperature: f.temperature });
          return s.read(o);
        });
        h.check(out, f.out, `softmax T=${f.temperature}`, { fixture: true });
      }
    });

    for (const f of k.losses) {
      h.test(`loss ${f.kind}${f.weights ? ' weighted' : ''} matches torch`, ['training'], async () => {
        const [loss, grad] = await withScope(h.backend, async (s) => {
          const L = s.alloc([1]);
          const G = s.alloc([f.n, f.c]);
          h.backend.loss({
            kind: f.kind,
            pred: s.upload(f.pred, [f.n, f.c]),
            target: s.upload(f.target, [f.target.length]),
            n: f.n,
            c: f.c,
            delta: f.delta ?? undefined,
            weights: f.weights ? s.upload(f.weights, [f.n]) : null,
            loss: L,
            grad: G,
          });
          return [await s.read(L), await s.read(G)];
        });
        h.check(loss, [f.loss], `loss ${f.kind}${f.weights ? ' weighted' : ''} value`, { fixture: true });
        h.check(grad, f.grad, `loss ${f.kind}${f.weights ? ' weighted' : ''} grad`, { fixture: true });
      });
    }

    for (const f of k.optimizers) {
      h.test(`optimizerStep ${f.name} matches torch.optim over ${f.grads.length} steps`, ['training'], async () => {
        await withScope(h.backend, async (s) => {
          const n = f.param0.length;
          const P = s.upload(f.param0, [n]);
          const G = s.alloc([n]);
          const state = Array.from({ length: optimizerStateCount(f.kind, { momentum: f.options.momentum }) }, () => s.alloc([n]));
          for (let step = 1; step <= f.grads.length; step++) {
            h.backend.write(G, f.grads[step - 1]!);
            h.backend.optimizerStep({ kind: f.kind, param: P, grad: G, state, step, ...f.options });
            h.check(await s.read(P), f.params[step - 1]!, `optimizer ${f.name} step ${step}`, { fixture: true });
          }
        });
      });
    }
  });
}
