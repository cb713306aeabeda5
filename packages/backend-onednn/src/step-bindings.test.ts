// Streaming steps on buffers bound in the addon (step-bindings.ts, native/addon.cc: StepBinding):
// a double-buffered stream takes the bound path on every step after the first two, gives the
// results of oneDNN's RNN primitive, sees every change to its weights, and the addon refuses a
// bound call whose shape outgrows the bound buffers.
import { describe, expect, it } from 'vitest';
import { GATE_COUNT, type Backend, type CellKind, type Tensor } from '@recur/backend';
import { createRng, randomArray } from '@recur/conformance';
import { createOnednnBackend, probeOnednn } from './index.js';
import { loadAddon, type NativeAddon } from './native.js';

/** A stream of `steps` steps with its state double-buffered, as core's RecurrentStream runs it: y of every step. */
async function stream(b: Backend, cell: CellKind, I: number, H: number, steps: number, training: boolean, between?: (t: number, w: { wIh: Tensor; wHh: Tensor }) => void): Promise<number[][]> {
  const rng = createRng(5);
  const G = GATE_COUNT[cell];
  const lstm = cell === 'lstm';
  const up = (n: number, shape: number[]) => b.upload(randomArray(rng, n, 0.5), shape);
  const w = { wIh: up(G * H * I, [G * H, I]), wHh: up(G * H * H, [G * H, H]), bIh: up(G * H, [G * H]), bHh: up(G * H, [G * H]) };
  const x = b.alloc([1, 1, I]);
  const h = [b.alloc([1, H]), b.alloc([1, H])];
  const c = lstm ? [b.alloc([1, H]), b.alloc([1, H])] : null;
  const y = b.alloc([1, 1, H]);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    between?.(t, w);
    b.write(x, Array.from({ length: I }, (_, i) => Math.sin(t + i)));
    const s = t % 2;
    const cache = b.cellForward({
      cell, T: 1, B: 1, I, H, x, ...w, h0: t === 0 ? null : h[s]!, c0: c && t > 0 ? c[s]! : null,
      y, hN: h[1 - s]!, cN: c ? c[1 - s]! : null, reverse: false, lengths: null, yStride: H, yOffset: 0, training,
    });
    if (cache) b.dispose(cache);
    out.push([...(await b.read(y))]);
  }
  return out;
}

function expectClose(a: number[][], p: number[][]): void {
  expect(a.length).toBe(p.length);
  let worst = 0;
  for (let t = 0; t < a.length; t++) for (let i = 0; i < a[t]!.length; i++) worst = Math.max(worst, Math.abs(a[t]![i]! - p[t]![i]!) / (1 + Math.abs(p[t]![i]!)));
  expect(worst).toBeLessThanOrEqual(2e-6);
}

describe.skipIf(!probeOnednn().available)('streaming steps on bound buffers', () => {
  const addon = (): NativeAddon => {
    const load = loadAddon();
    if (!load.ok) throw new Error(load.reason);
    return load.addon;
  };

  for (const cell of ['lstm', 'gru', 'rnn-tanh'] as const) {
    it(`${cell}: a double-buffered stream runs bound after two steps and matches the RNN primitive`, async () => {
      const b = await createOnednnBackend({ threads: 1 });
      const ys = await stream(b, cell, 8, 40, 12, false);
      // step 0 (no h0 yet), 1 and 2 bind buffer sets; steps 3–11 find theirs bound
      expect(b.boundSteps()).toBe(9);
      const ref = await createOnednnBackend({ threads: 1 });
      expectClose(ys, await stream(ref, cell, 8, 40, 12, true));
      b.destroy();
      ref.destroy();
    });
  }

  it('sees a weight changed between bound steps (the packed copy is renewed)', async () => {
    const changeAt = 6;
    const change = (t: number, w: { wHh: Tensor }, b: Backend) => {
      if (t === changeAt) b.scale(w.wHh, 0.5);
    };
    const b = await createOnednnBackend({ threads: 1 });
    const ys = await stream(b, 'lstm', 8, 40, 10, false, (t, w) => change(t, w, b));
    expect(b.boundSteps()).toBe(7); // steps 3–9, the change at step 6 included

    const ref = await createOnednnBackend({ threads: 1 });
    expectClose(ys, await stream(ref, 'lstm', 8, 40, 10, true, (t, w) => change(t, w, ref)));
    b.destroy();
    ref.destroy();
  });

  it('refuses a bound call whose shape outgrows the bound buffers, and a slot with nothing bound', () => {
    const a = addon();
    const ctx = a.create(1);
    const [G, I, H] = [4, 8, 16];
    const f = (n: number) => new Float32Array(n);
    const dims = Int32Array.from([2, 1, 1, I, H, 0, H, 0, 3]);
    const pack = (K: number) => f(Math.ceil((G * H) / 16) * 16 * K + 16);
    a.cellForward(ctx, dims, null, f(I), f(G * H * I), f(G * H * H), null, null, null, null, f(H), f(H), f(H), null, pack(I), pack(H), 0);
    expect(() => a.cellForwardBound(ctx, dims, 0)).not.toThrow();
    const twoRows = Int32Array.from([2, 1, 2, I, H, 0, H, 0, 0]); // B = 2: x needs 16 elements, 8 are bound
    expect(() => a.cellForwardBound(ctx, twoRows, 0)).toThrow(/x has 8 elements, needs 16/);
    expect(() => a.cellForwardBound(ctx, dims, 1)).toThrow(/no buffers are bound in this slot/);
    a.unbind(ctx);
    expect(() => a.cellForwardBound(ctx, dims, 0)).toThrow(/no buffers are bound in this slot/);
    a.destroy(ctx);
  });
});
