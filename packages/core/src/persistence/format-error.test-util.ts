/** Test helper shared by the weight-format tests: the call must throw a ModelFormatError saying `pattern`. */
import { expect } from 'vitest';
import { ModelFormatError } from './errors.js';

export function expectFormatError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ModelFormatError);
  expect((caught as ModelFormatError).code).toBe('E_MODEL_FORMAT');
  expect((caught as Error).message).toMatch(pattern);
}
