import { InvalidArgumentError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { Rng } from './prng.js';

describe('Rng (xoshiro128** seeded by splitmix32)', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
    expect(xs).not.toEqual(Array.from({ length: 5 }, () => c.nextUint32()));
    // Pinned values: changing the generator would silently change every seeded result.
    expect(new Rng(0).getState()).toEqual(new Rng(0).getState());
    expect(Array.from({ length: 3 }, (_, i) => new Rng(i).nextUint32())).toEqual([3809008728, 2442144158, 2098143281]);
  });

  it('save and restore continue the same stream', () => {
    const r = new Rng(1);
    r.next();
    const s = r.getState();
    const x = [r.next(), r.normal(), r.int(10)];
    const q = new Rng(999);
    q.setState(s);
    expect([q.next(), q.normal(), q.int(10)]).toEqual(x);
    expect(() => q.setState([1, 2, 3])).toThrow(InvalidArgumentError);
  });

  it('has sane uniform and normal moments', () => {
    const r = new Rng(7);
    const n = 20000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 1);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('shuffles to a permutation and rejects bad arguments', () => {
    const r = new Rng(3);
    const p = r.shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...p].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => new Rng(NaN)).toThrow(InvalidArgumentError);
    expect(() => r.int(0)).toThrow(InvalidArgumentError);
  });
});
