import { InvalidArgumentError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { mse } from '../metrics/regression.js';
import { accuracy } from '../metrics/classification.js';
import { ADDING_CHANCE_MSE, addingProblem } from './adding.js';
import { copyTask } from './copy.js';
import { recallTask } from './recall.js';
import { createRng } from './rng.js';
import { toTimeMajor } from './types.js';

describe('adding problem', () => {
  const T = 50;
  const batch = addingProblem({ n: 20000, steps: T, seed: 1 });
  it('two markers per example, one in each half, target = sum of the marked values', () => {
    for (let b = 0; b < 200; b++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < T; t++) {
        const v = batch.inputs[(b * T + t) * 2]!;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(1);
        if (batch.inputs[(b * T + t) * 2 + 1] === 1) {
          marked.push(t);
          sum += v;
        }
      }
      expect(marked).toHaveLength(2);
      expect(marked[0]!).toBeLessThan(T / 2);
      expect(marked[1]!).toBeGreaterThanOrEqual(T / 2);
      expect(batch.targets[b]).toBeCloseTo(sum, 6);
    }
  });
  it('chance: always predicting 1 has MSE ≈ 1/6', () => {
    expect(ADDING_CHANCE_MSE).toBeCloseTo(0.1667, 4);
    const err = mse(new Float32Array(batch.n).fill(1), batch.targets);
    expect(Math.abs(err - 1 / 6)).toBeLessThan(0.006);
    expect(batch.chance).toBe(ADDING_CHANCE_MSE);
  });
  it('is deterministic given the seed, and differs across seeds', () => {
    const a = addingProblem({ n: 4, steps: 10, seed: 7 });
    expect(addingProblem({ n: 4, steps: 10, seed: 7 }).inputs).toEqual(a.inputs);
    expect(addingProblem({ n: 4, steps: 10, seed: 8 }).inputs).not.toEqual(a.inputs);
  });
  it('refuses a one-step sequence', () => expect(() => addingProblem({ n: 1, steps: 1, seed: 0 })).toThrow(InvalidArgumentError));
});

describe('recall task', () => {
  const gap = 12;
  const batch = recallTask({ n: 8000, gap, cues: 4, distractors: 3, seed: 3 });
  it('cue at step 0, distractors in between, query last; one-hot inputs', () => {
    const F = batch.features;
    expect(F).toBe(8);
    expect(batch.steps).toBe(gap + 2);
    for (let b = 0; b < 50; b++) {
      const row = (t: number) => Array.from(batch.inputs.subarray((b * batch.steps + t) * F, (b * batch.steps + t + 1) * F));
      expect(row(0).indexOf(1)).toBe(batch.targets[b]);
      for (let t = 1; t <= gap; t++) {
        const k = row(t).indexOf(1);
        expect(k).toBeGreaterThanOrEqual(4);
        expect(k).toBeLessThan(7);
      }
      expect(row(gap + 1).indexOf(1)).toBe(7);
      for (let t = 0; t < batch.steps; t++) expect(row(t).reduce((s, v) => s + v, 0)).toBe(1);
    }
  });
  it('chance = 1/C, and a memoryless guess scores about that', () => {
    expect(batch.chance).toBe(0.25);
    const guess = new Float32Array(batch.n); // always cue 0
    expect(Math.abs(accuracy(guess, batch.targets) - 0.25)).toBeLessThan(0.02);
  });
});

describe('copy task', () => {
  const batch = copyTask({ n: 3000, gap: 6, length: 4, alphabet: 5, seed: 9 });
  it('recall steps start at the delimiter and repeat the symbols in order', () => {
    const { steps: T, features: F } = batch;
    expect(T).toBe(2 * 4 + 6);
    expect(F).toBe(7);
    for (let b = 0; b < 40; b++) {
      const sym = (t: number) => Array.from(batch.inputs.subarray((b * T + t) * F, (b * T + t + 1) * F)).indexOf(1);
      expect(sym(4 + 6)).toBe(6); // delimiter
      for (let i = 0; i < 4; i++) {
        expect(batch.targets[b * T + 10 + i]).toBe(sym(i));
        expect(batch.mask![b * T + 10 + i]).toBe(1);
      }
      expect(batch.targets[b * T + 3]).toBe(5); // blank class before recall
      expect(batch.mask![b * T + 3]).toBe(0);
    }
  });
  it('chance on the recall steps = 1/K', () => {
    expect(batch.chance).toBe(0.2);
    const recalled: number[] = [];
    batch.mask!.forEach((m, i) => m === 1 && recalled.push(batch.targets[i]!));
    expect(Math.abs(accuracy(new Float32Array(recalled.length), recalled) - 0.2)).toBeLessThan(0.02);
  });
});

describe('helpers', () => {
  it('rng is uniform-ish and seeded', () => {
    const r = createRng(42);
    let s = 0;
    for (let i = 0; i < 10000; i++) s += r.next();
    expect(Math.abs(s / 10000 - 0.5)).toBeLessThan(0.01);
    expect(() => createRng(0.5)).toThrow(InvalidArgumentError);
  });
  it('toTimeMajor transposes [N, T, I] → [T, N, I]', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // N=2, T=3, I=2
    expect(Array.from(toTimeMajor(x, 2, 3, 2))).toEqual([1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12]);
  });
});
