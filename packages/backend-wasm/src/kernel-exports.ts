/**
 * The typed surface of `recur.wasm` (compiled from `assembly/`). Pointers are byte offsets into
 * the imported linear memory; booleans are passed as 0/1.
 */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(m: number, n: number, k: number): number;
  gemm(
    m: number, n: number, k: number,
    a: number, lda: number, transA: number,
    b: number, ldb: number, transB: number,
    alpha: number, beta: number,
    c: number, ldc: number, bias: number, work: number,
  ): void;
  cacheFloats(kind: number, T: number, B: number, H: number): number;
  forwardScratchBytes(kind: number, T: number, B: number, I: number, H: number, training: number, nt: number): number;
  backwardScratchBytes(kind: number, T: number, B: number, I: number, H: number, nt: number): number;
  cellForward(
    kind: number, T: number, B: number, I: number, H: number, reverse: number, lens: number,
    x: number, wIh: number, wHh: number, bIh: number, bHh: number, h0: number, c0: number,
    y: number, yStride: number, yOffset: number, hN: number, cN: number, cache: number, scratch: number,
    tid: number, nt: number, ctl: number, canBlock: number,
  ): void;
  cellBackward(
    kind: number, T: number, B: number, I: number, H: number, reverse: number, lens: number,
    x: number, wIh: number, wHh: number, cache: number, dy: number, yStride: number, yOffset: number,
    dhN: number, dcN: number, dx: number, dWih: number, dWhh: number, dbIh: number, dbHh: number,
    dh0: number, dc0: number, scratch: number,
    tid: number, nt: number, ctl: number, canBlock: number,
  ): void;
  fill(t: number, n: number, value: number): void;
  axpy(y: number, x: number, n: number, alpha: number): void;
  scale(x: number, n: number, alpha: number): void;
  mul(out: number, a: number, b: number, n: number): void;
  clip(x: number, n: number, limit: number): void;
  sumSquares(x: number, n: number): number;
  sumRows(x: number, rows: number, cols: number, out: number, accumulate: number, acc: number): void;
  activation(op: number, x: number, out: number, n: number): void;
  activationBackward(op: number, y: number, dy: number, dx: number, n: number): void;
  softmax(x: number, out: number, rows: number, cols: number, invT: number): void;
  copy2d(src: number, dst: number, rows: number, cols: number, srcStride: number, dstStride: number, accumulate: number): void;
  loss(kind: number, pred: number, target: number, n: number, c: number, delta: number, weights: number, grad: number): number;
  sgd(p: number, g: number, buf: number, n: number, lr: number, wd: number, momentum: number, dampening: number, nesterov: number, first: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, wd: number, decoupled: number, stepSize: number, invSqrtBc2: number): void;
  rmsprop(p: number, g: number, sq: number, buf: number, n: number, lr: number, alpha: number, eps: number, wd: number, momentum: number): void;
}

/** Cell kind codes understood by the kernels. */
export const CELL_CODE = { 'rnn-tanh': 0, 'rnn-relu': 1, lstm: 2, gru: 3 } as const;
/** Activation codes. */
export const ACTIVATION_CODE = { identity: 0, tanh: 1, sigmoid: 2, relu: 3 } as const;
/** Loss codes. */
export const LOSS_CODE = { mse: 0, mae: 1, huber: 2, 'cross-entropy': 3 } as const;
