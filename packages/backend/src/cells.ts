/**
 * Cell kinds and their gate layouts, exactly as PyTorch stores them (DESIGN.md §4).
 *
 * Shape legend used across recur: B batch, T time, I input size, H hidden size,
 * G gate count (rnn: 1, lstm: 4, gru: 3).
 */

/** The four recurrent cell kinds recur implements. */
export type CellKind = 'rnn-tanh' | 'rnn-relu' | 'lstm' | 'gru';

/** Every cell kind, in a stable order (useful for tests and CLIs). */
export const CELL_KINDS: readonly CellKind[] = ['rnn-tanh', 'rnn-relu', 'lstm', 'gru'];

/** G: how many H-row gate blocks `weight_ih` / `weight_hh` hold for each cell kind. */
export const GATE_COUNT: Readonly<Record<CellKind, number>> = {
  'rnn-tanh': 1,
  'rnn-relu': 1,
  lstm: 4,
  gru: 3,
};

/**
 * Row-block order inside `weight_ih` (G·H × I), `weight_hh` (G·H × H) and the biases (G·H).
 * LSTM: i, f, g, o. GRU: r, z, n (with b_hn inside the reset product). RNN: a single block.
 */
export const GATE_ORDER: Readonly<Record<CellKind, readonly string[]>> = {
  'rnn-tanh': ['h'],
  'rnn-relu': ['h'],
  lstm: ['i', 'f', 'g', 'o'],
  gru: ['r', 'z', 'n'],
};

/** True for cells that carry a second state (the LSTM cell state c). */
export function hasCellState(cell: CellKind): boolean {
  return cell === 'lstm';
}

/** Type guard for user-provided strings. */
export function isCellKind(value: unknown): value is CellKind {
  return typeof value === 'string' && (CELL_KINDS as readonly string[]).includes(value);
}
