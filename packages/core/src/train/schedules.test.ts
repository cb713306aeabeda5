import { InvalidArgumentError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/schedules.json';
import { LrSchedule } from './schedules.js';

function lrsPerEpoch(s: LrSchedule, epochs: number, metrics?: number[]): number[] {
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    s.onEpochEnd(metrics ? (metrics[e] as number) : 0);
    out.push(s.lr);
  }
  return out;
}

function close(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - (b[i] as number))).toBeLessThan(1e-12));
}

describe('learning-rate schedules match PyTorch', () => {
  it('StepLR', () => close(lrsPerEpoch(new LrSchedule({ kind: 'step', stepSize: 3, gamma: 0.5 }, 0.5), 10), fixture.step));
  it('CosineAnnealingLR', () => close(lrsPerEpoch(new LrSchedule({ kind: 'cosine', tMax: 6, etaMin: 0.05 }, 0.5), 6), fixture.cosine));
  it('ReduceLROnPlateau', () =>
    close(
      lrsPerEpoch(new LrSchedule({ kind: 'reduce-on-plateau', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.1 }, 0.5), fixture.plateauMetrics.length, fixture.plateauMetrics),
      fixture.plateau,
    ));

  it('per-step interval advances on steps, not epochs; state round-trips', () => {
    const s = new LrSchedule({ kind: 'step', stepSize: 2, gamma: 0.1, interval: 'step' }, 1);
    s.onEpochEnd(0);
    expect(s.lr).toBe(1);
    s.onStep();
    s.onStep();
    expect(s.lr).toBeCloseTo(0.1, 15);
    const t = new LrSchedule({ kind: 'step', stepSize: 2, gamma: 0.1, interval: 'step' }, 1);
    t.setState(s.getState());
    s.onStep();
    s.onStep();
    t.onStep();
    t.onStep();
    expect(t.lr).toBe(s.lr);
  });

  it('rejects bad configs', () => {
    expect(() => new LrSchedule({ kind: 'step', stepSize: 0 }, 1)).toThrow(InvalidArgumentError);
    expect(() => new LrSchedule({ kind: 'cosine', tMax: 1.5 }, 1)).toThrow(/tMax/);
    expect(() => new LrSchedule({ kind: 'reduce-on-plateau', factor: 2 }, 1)).toThrow(/factor/);
    expect(() => new LrSchedule({ kind: 'nope' } as never, 1)).toThrow(/schedule\.kind/);
  });
});
