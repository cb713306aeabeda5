import { describe, expect, it } from 'vitest';
import { assertClose, compareArrays, ConformanceMismatchError, ConformanceStats } from './assert-close.js';
import { createRng, randomArray } from './random.js';

const tol = { rtol: 1e-3, atol: 1e-6 };

describe('assertClose', () => {
  it('passes within atol + rtol·|expected| and reports the errors', () => {
    const r = assertClose([1.0005, -2, 0], [1, -2.001, 5e-7], tol, 'x');
    expect(r.mismatches).toBe(0);
    expect(r.maxAbsErr).toBeCloseTo(1e-3, 12);
    expect(r.relErr).toBeCloseTo(1e-3 / 2.001, 12);
    expect(r.toleranceUse).toBeLessThanOrEqual(1);
  });

  it('fails beyond the tolerance with a message naming the worst element', () => {
    expect(() => assertClose([1, 2.1, 3], [1, 2, 3], tol, 'dW')).toThrow(ConformanceMismatchError);
    expect(() => assertClose([1, 2.1, 3], [1, 2, 3], tol, 'dW')).toThrow(/dW: 1 of 3 elements .* worst at \[1\]: got 2\.1, expected 2/);
  });

  it('treats NaN and Inf as mismatches unless both sides agree', () => {
    expect(compareArrays([Number.NaN], [1], tol).mismatches).toBe(1);
    expect(compareArrays([1], [Number.POSITIVE_INFINITY], tol).mismatches).toBe(1);
    expect(compareArrays([Number.NaN, Number.NEGATIVE_INFINITY], [Number.NaN, Number.NEGATIVE_INFINITY], tol).mismatches).toBe(0);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => assertClose([1, 2], [1], tol, 'y')).toThrow(/y: length mismatch/);
  });

  it('statistics keep the worst fixture error', () => {
    const s = new ConformanceStats();
    s.record(compareArrays([1.0001], [1], tol), 'a', true);
    s.record(compareArrays([1.0002], [1], tol), 'b', true);
    s.record(compareArrays([1.0009], [1], tol), 'c', false);
    expect(s.checks).toBe(3);
    expect(s.fixtureChecks).toBe(2);
    expect(s.worstFixtureWhat).toBe('b');
    expect(s.summary('t')).toMatch(/^conformance\[t\]: 3 array checks \(3 values\).*worst rel err vs PyTorch 2\.00e-4/);
  });
});

describe('random inputs', () => {
  it('are reproducible and float32-representable', () => {
    const a = randomArray(createRng(7), 100, 3);
    const b = randomArray(createRng(7), 100, 3);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every((v) => Math.fround(v) === v && Math.abs(v) <= 3)).toBe(true);
    expect(Array.from(randomArray(createRng(8), 100, 3))).not.toEqual(Array.from(a));
  });
});
