// The shapes the CUDA benchmark and the PyTorch cuDNN peer both run (LSTM, float32, time-major).
// W1 and W3 are the repository's workloads (bench/src/workloads.ts); "large" is issue 10's big case.
//   train: forward over the sequence, a dense head (H → O) on the last hidden state, MSE loss,
//          backward through time, one Adam step on every parameter.
//   infer: forward over the sequence only.
export const WORKLOADS = [
  { id: 'W1', title: 'train LSTM', kind: 'train', B: 64, T: 50, I: 8, H: 128, O: 1, warmup: 10, iterations: 50 },
  { id: 'W3', title: 'infer LSTM', kind: 'infer', B: 64, T: 50, I: 8, H: 128, O: 0, warmup: 10, iterations: 100 },
  { id: 'L-infer', title: 'infer LSTM large', kind: 'infer', B: 256, T: 100, I: 256, H: 1024, O: 0, warmup: 3, iterations: 20 },
  { id: 'L-train', title: 'train LSTM large', kind: 'train', B: 256, T: 100, I: 256, H: 1024, O: 1, warmup: 3, iterations: 10 },
];

/** Forward FLOPs: 2·T·B·4H·(I + H) for the GEMMs (the pointwise math is ignored). */
export function forwardFlops(w) {
  return 2 * w.T * w.B * 4 * w.H * (w.I + w.H);
}

/** Training ≈ 3× forward (backward does two GEMMs per forward GEMM). */
export function workloadFlops(w) {
  return w.kind === 'train' ? 3 * forwardFlops(w) : forwardFlops(w);
}
