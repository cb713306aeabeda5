/**
 * Loss kernels against values worked out by hand.
 * pred = [[1, 2], [3, 4]], target = [[1.5, 2], [2, 5]] → d = [−0.5, 0, 1, −1].
 */
import { InvalidArgumentError, type LossKind } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../index.js';

async function run(kind: LossKind, pred: number[], target: number[], n: number, c: number, extra: { delta?: number; weights?: number[] } = {}) {
  const be = createCpuBackend({ precision: 'float64' });
  const loss = be.alloc([1]);
  const grad = be.alloc([n, c]);
  be.loss({
    kind,
    pred: be.upload(pred, [n, c]),
    target: be.upload(target, [target.length]),
    n,
    c,
    delta: extra.delta,
    weights: extra.weights ? be.upload(extra.weights, [n]) : null,
    loss,
    grad,
  });
  return { loss: (await be.read(loss))[0]!, grad: Array.from(await be.read(grad)) };
}

const P = [1, 2, 3, 4];
const Y = [1.5, 2, 2, 5];

function close(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(want[i]!, 12));
}

describe('loss', () => {
  it('mse: mean of d² = 2.25/4, grad 2d/4', async () => {
    const r = await run('mse', P, Y, 2, 2);
    expect(r.loss).toBeCloseTo(0.5625, 14);
    close(r.grad, [-0.25, 0, 0.5, -0.5]);
  });
  it('mse with a padding weight: only row 0 counts, denominator Σw·C = 2', async () => {
    const r = await run('mse', P, Y, 2, 2, { weights: [1, 0] });
    expect(r.loss).toBeCloseTo(0.125, 14);
    close(r.grad, [-0.5, 0, 0, 0]);
  });
  it('mae: mean |d| = 2.5/4, grad sign(d)/4 with sign(0) = 0', async () => {
    const r = await run('mae', P, Y, 2, 2);
    expect(r.loss).toBeCloseTo(0.625, 14);
    close(r.grad, [-0.25, 0, 0.25, -0.25]);
  });
  it('huber δ = 0.75: quadratic inside, linear outside', async () => {
    const r = await run('huber', P, Y, 2, 2, { delta: 0.75 });
    // 0.125 + 0 + 0.75·(1 − 0.375)·2 = 1.0625 → / 4
    expect(r.loss).toBeCloseTo(0.265625, 14);
    close(r.grad, [-0.125, 0, 0.1875, -0.1875]);
  });
  it('cross-entropy: log-sum-exp keeps a logit of 1000 finite', async () => {
    const r = await run('cross-entropy', [0, Math.log(3), 1000, 0], [1, 1], 2, 2);
    // row 0: softmax [1/4, 3/4] → −log(3/4); row 1: ≈ 1000
    expect(r.loss).toBeCloseTo((-Math.log(0.75) + 1000) / 2, 10);
    close(r.grad, [0.125, -0.125, 0.5, -0.5]);
  });
  it('cross-entropy with weights: Σ w·ℓ / Σ w', async () => {
    const r = await run('cross-entropy', [0, Math.log(3), 1000, 0], [1, 1], 2, 2, { weights: [2, 0] });
    expect(r.loss).toBeCloseTo(-Math.log(0.75), 12);
    close(r.grad, [0.25, -0.25, 0, 0]);
  });
  it('rejects a class index outside [0, C)', async () => {
    await expect(run('cross-entropy', [0, 0, 0, 0], [1, 2], 2, 2)).rejects.toThrow(InvalidArgumentError);
  });
  it('rejects a target of the wrong size, naming it', async () => {
    await expect(run('mse', P, [1, 2, 3], 2, 2)).rejects.toThrow(/loss\.target/);
  });
});
