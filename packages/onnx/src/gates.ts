/**
 * Gate order and weight layout between recur (PyTorch) and ONNX.
 *
 * recur / PyTorch: `weight_ih` [G·H, I], `weight_hh` [G·H, H], `bias_ih`, `bias_hh` [G·H] per layer
 * and direction, gate row blocks LSTM i,f,g,o; GRU r,z,n; RNN one block.
 * ONNX: `W` [D, G·H, I], `R` [D, G·H, H], `B` [D, 2·G·H] = [Wb, Rb], gate blocks LSTM i,o,f,c;
 * GRU z,r,h (with `linear_before_reset=1`, which is PyTorch's GRU); RNN one block.
 * Permuting row blocks is exact (no arithmetic), so export then import gives bit-identical weights.
 */
import type { CellKind } from '@recur/backend';

/** For each ONNX gate block j, the PyTorch block it holds. */
export function onnxGateOrder(cell: CellKind): readonly number[] {
  if (cell === 'lstm') return [0, 3, 1, 2]; // ONNX i,o,f,c ← PyTorch i(0),o(3),f(1),g(2)
  if (cell === 'gru') return [1, 0, 2]; // ONNX z,r,h ← PyTorch z(1),r(0),n(2)
  return [0];
}

/** For each PyTorch gate block k, the ONNX block it comes from (the inverse of {@link onnxGateOrder}). */
export function torchGateOrder(cell: CellKind): readonly number[] {
  const forward = onnxGateOrder(cell);
  const inverse = new Array<number>(forward.length);
  forward.forEach((torchBlock, onnxBlock) => (inverse[torchBlock] = onnxBlock));
  return inverse;
}

/**
 * Reorders the row blocks of a [G·rows, cols] row-major matrix (or a [G·rows] vector with cols 1):
 * output block j is input block `order[j]`. Writes into `out` at `outOffset`.
 */
export function permuteBlocks(src: Float32Array, srcOffset: number, order: readonly number[], blockSize: number, out: Float32Array, outOffset: number): void {
  order.forEach((from, j) => {
    out.set(src.subarray(srcOffset + from * blockSize, srcOffset + (from + 1) * blockSize), outOffset + j * blockSize);
  });
}
