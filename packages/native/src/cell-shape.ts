/**
 * The shape of a cell-kernel call as the native addons take it: the cell as a number (their
 * `native/*.h` switch on it) and the defaults already resolved.
 */
import type { CellKind, CellShape, ResolvedCellShape } from '@recur/backend';

/** The cell codes of recur's native addons: 0 rnn-tanh, 1 rnn-relu, 2 lstm, 3 gru. */
export const NATIVE_CELL_CODES: Readonly<Record<CellKind, number>> = { 'rnn-tanh': 0, 'rnn-relu': 1, lstm: 2, gru: 3 };

/** Arguments of the native cell kernels (cell: a {@link NATIVE_CELL_CODES} code). */
export interface NativeCellShape {
  readonly cell: number;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly reverse: boolean;
  readonly yStride: number;
  readonly yOffset: number;
  readonly lengths: Int32Array | null;
}

/** The {@link NativeCellShape} of a cell call `p` whose defaults `r` resolved (`resolveCellShape`). */
export function nativeCellShape(p: CellShape, r: ResolvedCellShape): NativeCellShape {
  return { cell: NATIVE_CELL_CODES[p.cell], T: p.T, B: p.B, I: p.I, H: p.H, reverse: r.reverse, yStride: r.yStride, yOffset: r.yOffset, lengths: r.lengths };
}
