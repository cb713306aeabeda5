import { describe, expect, it } from 'vitest';
import { mulberry32 } from './index.js';

describe('mulberry32', () => {
  it('gives the reference sequence for a seed, in [0, 1)', () => {
    const next = mulberry32(1);
    // pinned (times 2³²): the sequence every package's seeded data and fixtures were made with
    expect([next(), next(), next()].map((u) => u * 4294967296)).toEqual([2693262067, 11749833, 2265367787]);
    const more = Array.from({ length: 1000 }, mulberry32(7));
    expect(more.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(new Set(more).size).toBe(1000);
  });

  it('repeats for the same seed and differs for another', () => {
    const a = Array.from({ length: 5 }, mulberry32(123));
    expect(Array.from({ length: 5 }, mulberry32(123))).toEqual(a);
    expect(Array.from({ length: 5 }, mulberry32(124))).not.toEqual(a);
  });
});
