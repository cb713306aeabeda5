/** Test helper: |a − e| ≤ atol + rtol·|e| for every element, else an error naming the first mismatch. */
import { expect } from 'vitest';

export function expectCloseTo(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) throw new Error(`${what}[${i}]: ${a} vs PyTorch ${e}`);
  }
}
