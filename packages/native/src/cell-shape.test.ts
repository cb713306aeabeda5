import { describe, expect, it } from 'vitest';
import { CELL_KINDS, resolveCellShape } from '@recur/backend';
import { NATIVE_CELL_CODES, nativeCellShape } from './index.js';

describe('nativeCellShape', () => {
  it('numbers the cells as the addons do and carries the resolved defaults', () => {
    expect(CELL_KINDS.map((c) => NATIVE_CELL_CODES[c])).toEqual([0, 1, 2, 3]);
    const p = { cell: 'gru' as const, T: 3, B: 2, I: 4, H: 5 };
    expect(nativeCellShape(p, resolveCellShape(p))).toEqual({ cell: 3, T: 3, B: 2, I: 4, H: 5, reverse: false, yStride: 5, yOffset: 0, lengths: null });
    const lengths = Int32Array.from([3, 1]);
    const q = { ...p, cell: 'lstm' as const, reverse: true, yStride: 10, yOffset: 5, lengths };
    expect(nativeCellShape(q, resolveCellShape(q))).toEqual({ cell: 2, T: 3, B: 2, I: 4, H: 5, reverse: true, yStride: 10, yOffset: 5, lengths });
  });
});
