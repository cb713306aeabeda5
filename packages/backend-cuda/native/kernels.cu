// recur's CUDA kernels: elementwise, reductions, softmax, losses, optimizer updates, gather /
// scatter, and the fused per-timestep pointwise math of the four recurrent cells (PyTorch
// equations and gate order, DESIGN.md §4). The GEMMs are cuBLAS calls made by the host code
// (sequence.cc, ops.cc); these kernels do everything between them.
//
// Shape legend: B batch, T time, I input, H hidden, G gates (rnn 1, lstm 4, gru 3), GH = G·H.
#include <cmath>

#include "cell-math.h"
#include "train-math.h"
#include "kernels.h"

namespace rc {
namespace {

constexpr int kThreads = 256;

inline unsigned blocksFor(size_t n) {
  size_t b = (n + kThreads - 1) / kThreads;
  if (b < 1) b = 1;
  if (b > 65535u * 8u) b = 65535u * 8u;  // grid-stride loops cover the rest
  return static_cast<unsigned>(b);
}

#define GRID_STRIDE(i, n) \
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < (n); i += static_cast<size_t>(gridDim.x) * blockDim.x)



// ---- elementwise ------------------------------------------------------------------------------
__global__ void fillK(float* x, size_t n, float v) { GRID_STRIDE(i, n) x[i] = v; }

__global__ void addBiasRowsK(float* c, const float* bias, size_t total, int cols) {
  GRID_STRIDE(i, total) c[i] += bias[i % cols];
}

__global__ void axpyK(float* y, const float* x, size_t n, float alpha) { GRID_STRIDE(i, n) y[i] += alpha * x[i]; }
__global__ void scaleK(float* x, size_t n, float alpha) { GRID_STRIDE(i, n) x[i] = alpha * x[i]; }
__global__ void mulK(float* out, const float* a, const float* b, size_t n) { GRID_STRIDE(i, n) out[i] = a[i] * b[i]; }
__global__ void clipK(float* x, size_t n, float limit) {
  GRID_STRIDE(i, n) {
    float v = x[i];
    if (v > limit) x[i] = limit;
    else if (v < -limit) x[i] = -limit;  // NaN stays NaN
  }
}

__global__ void copy2dK(const float* src, size_t sOff, size_t sStride, float* dst, size_t dOff, size_t dStride, size_t rows,
                        size_t cols, int accumulate) {
  GRID_STRIDE(i, rows * cols) {
    size_t r = i / cols, j = i % cols;
    float v = src[sOff + r * sStride + j];
    float* d = dst + dOff + r * dStride + j;
    *d = accumulate ? *d + v : v;
  }
}

__global__ void activationK(int op, const float* x, float* out, size_t n) {
  GRID_STRIDE(i, n) {
    float v = x[i];
    out[i] = op == kTanh ? tanhf(v) : op == kSigmoid ? sigmoidf(v) : op == kRelu ? reluf(v) : v;
  }
}

// Derivatives in terms of the forward output y: tanh' = 1 − y², σ' = y(1 − y), relu' = [y > 0].
__global__ void activationBackwardK(int op, const float* y, const float* dy, float* dx, size_t n) {
  GRID_STRIDE(i, n) {
    float v = y[i], g = dy[i];
    dx[i] = op == kTanh ? g * (1.f - v * v) : op == kSigmoid ? g * v * (1.f - v) : op == kRelu ? (v > 0.f ? g : 0.f) : g;
  }
}

// ---- reductions ---------------------------------------------------------------------------------
template <typename Tv>
__device__ Tv blockSum(Tv v, Tv* shared) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  int warps = (blockDim.x + 31) >> 5;
  v = threadIdx.x < warps ? shared[threadIdx.x] : Tv(0);
  if (warp == 0)
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  __syncthreads();
  return v;  // valid in thread 0
}

__device__ float blockMax(float v, float* shared) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, o));
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  int warps = (blockDim.x + 31) >> 5;
  v = threadIdx.x < warps ? shared[threadIdx.x] : -INFINITY;
  if (warp == 0)
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, o));
  __syncthreads();
  return v;
}

// Σ x² in two passes: per-block partials (double), then one block adds them. A plain sum (not
// fmax-based), so NaN and Inf propagate to the result.
__global__ void sumSquaresPartialK(const float* x, size_t n, double* partials) {
  __shared__ double sh[32];
  double acc = 0;
  GRID_STRIDE(i, n) {
    double v = x[i];
    acc += v * v;
  }
  acc = blockSum(acc, sh);
  if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}
__global__ void sumPartialsK(const double* partials, int count, float* out) {
  __shared__ double sh[32];
  double acc = 0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
  acc = blockSum(acc, sh);
  if (threadIdx.x == 0) out[0] = static_cast<float>(acc);
}

// out[c] (+)= Σ_r x[r, c]: one thread per column, coalesced across the row.
__global__ void sumRowsK(const float* x, size_t rows, size_t cols, float* out, int accumulate) {
  GRID_STRIDE(j, cols) {
    double acc = 0;
    for (size_t r = 0; r < rows; r++) acc += x[r * cols + j];
    out[j] = static_cast<float>(accumulate ? out[j] + acc : acc);
  }
}

// Row softmax of x·invTemp with the row maximum subtracted first (no overflow). One block per row.
__global__ void softmaxK(const float* x, float* out, size_t rows, size_t cols, float invTemp) {
  __shared__ float shf[32];
  __shared__ double shd[32];
  __shared__ float rowMax;
  __shared__ double rowSum;
  for (size_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * cols;
    float* orow = out + r * cols;
    float m = -INFINITY;
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) m = fmaxf(m, xr[j] * invTemp);
    m = blockMax(m, shf);
    if (threadIdx.x == 0) rowMax = m;
    __syncthreads();
    double s = 0;
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) {
      float e = expf(xr[j] * invTemp - rowMax);
      orow[j] = e;
      s += e;
    }
    s = blockSum(s, shd);
    if (threadIdx.x == 0) rowSum = s;
    __syncthreads();
    float inv = static_cast<float>(1.0 / rowSum);
    for (size_t j = threadIdx.x; j < cols; j += blockDim.x) orow[j] *= inv;
    __syncthreads();
  }
}

// ---- losses -----------------------------------------------------------------------------------
// One block. d = pred − target, mean over Σ_r w_r·(C, or 1 for cross-entropy):
//   mse ℓ = d², ∂ = 2d;  mae ℓ = |d|, ∂ = sign(d);  huber ℓ = ½d² (|d| ≤ δ) else δ(|d| − ½δ), ∂ = d or δ·sign(d)
//   cross-entropy ℓ_r = logsumexp(p_r) − p_r[t_r], ∂ = softmax(p_r) − onehot(t_r)
// All-zero weights give loss 0 and a zero gradient (recur's documented choice, as backend-cpu).
__global__ void lossK(int kind, const float* pred, const float* target, const float* weights, int n, int c, float delta,
                      float* loss, float* grad, int* diag) {
  __shared__ double sh[32];
  __shared__ double invShared;
  double ws = 0;
  for (int r = threadIdx.x; r < n; r += blockDim.x) ws += weights ? weights[r] : 1.0;
  ws = blockSum(ws, sh);
  if (threadIdx.x == 0) {
    double denom = ws * (kind == kCrossEntropy ? 1 : c);
    invShared = denom != 0 ? 1.0 / denom : 0.0;
  }
  __syncthreads();
  const double inv = invShared;
  double total = 0;
  if (kind == kCrossEntropy) {
    for (int r = threadIdx.x; r < n; r += blockDim.x) total += crossEntropyRow(pred, target, weights, r, c, inv, grad, diag);
  } else {
    const size_t nc = static_cast<size_t>(n) * c;
    for (size_t i = threadIdx.x; i < nc; i += blockDim.x) total += pointLoss(kind, pred, target, weights, i, c, delta, inv, grad);
  }
  total = blockSum(total, sh);
  if (threadIdx.x == 0) loss[0] = static_cast<float>(total * inv);
}

// ---- optimizers (torch.optim semantics; the per-element update is in train-math.h) -----------------
__global__ void optimizerK(int kind, float* param, const float* grad, float* s0, float* s1, size_t n, OptHyper h) {
  GRID_STRIDE(i, n) optimizerElem(kind, param, grad, s0, s1, i, h);
}

__global__ void gatherK(const float* table, const int* idx, size_t n, size_t dim, float* out) {
  GRID_STRIDE(i, n * dim) {
    size_t r = i / dim, j = i % dim;
    out[i] = table[static_cast<size_t>(idx[r]) * dim + j];
  }
}
__global__ void scatterAddK(const float* grad, const int* idx, size_t n, size_t dim, float* dTable) {
  GRID_STRIDE(i, n * dim) {
    size_t r = i / dim, j = i % dim;
    atomicAdd(&dTable[static_cast<size_t>(idx[r]) * dim + j], grad[i]);
  }
}

// ---- recurrent cells: one thread per (b, j); the math is in cell-math.h (shared with the host emulation)
__global__ void cellForwardStepK(StepArgs a) {
  GRID_STRIDE(idx, static_cast<size_t>(a.B) * a.H) cellForwardElem(a, idx);
}
__global__ void cellBackwardStepK(StepArgs a) {
  GRID_STRIDE(idx, static_cast<size_t>(a.B) * a.H) cellBackwardElem(a, idx);
}

}  // namespace

// ---- launchers ------------------------------------------------------------------------------------
#define LAUNCH(kernel, n, stream, ...)                                       \
  do {                                                                       \
    if ((n) == 0) return;                                                    \
    kernel<<<blocksFor(n), kThreads, 0, stream>>>(__VA_ARGS__);              \
    LAUNCH_CHECK(#kernel);                                                   \
  } while (0)

void launchFill(cudaStream_t s, float* x, size_t n, float v) { LAUNCH(fillK, n, s, x, n, v); }
void launchAddBiasRows(cudaStream_t s, float* c, const float* bias, size_t rows, int cols) {
  size_t total = rows * static_cast<size_t>(cols);
  LAUNCH(addBiasRowsK, total, s, c, bias, total, cols);
}
void launchAxpy(cudaStream_t s, float* y, const float* x, size_t n, float alpha) { LAUNCH(axpyK, n, s, y, x, n, alpha); }
void launchScale(cudaStream_t s, float* x, size_t n, float alpha) { LAUNCH(scaleK, n, s, x, n, alpha); }
void launchMul(cudaStream_t s, float* out, const float* a, const float* b, size_t n) { LAUNCH(mulK, n, s, out, a, b, n); }
void launchClip(cudaStream_t s, float* x, size_t n, float limit) { LAUNCH(clipK, n, s, x, n, limit); }
void launchCopy2d(cudaStream_t s, const float* src, size_t sOff, size_t sStride, float* dst, size_t dOff, size_t dStride,
                  size_t rows, size_t cols, bool accumulate) {
  LAUNCH(copy2dK, rows * cols, s, src, sOff, sStride, dst, dOff, dStride, rows, cols, accumulate ? 1 : 0);
}
void launchActivation(cudaStream_t s, int op, const float* x, float* out, size_t n) { LAUNCH(activationK, n, s, op, x, out, n); }
void launchActivationBackward(cudaStream_t s, int op, const float* y, const float* dy, float* dx, size_t n) {
  LAUNCH(activationBackwardK, n, s, op, y, dy, dx, n);
}

int sumSquaresPartials(size_t n) {
  size_t b = (n + kThreads - 1) / kThreads;
  if (b < 1) b = 1;
  if (b > 1024) b = 1024;
  return static_cast<int>(b);
}
void launchSumSquares(cudaStream_t s, const float* x, size_t n, double* partials, float* out) {
  if (n == 0) {
    launchFill(s, out, 1, 0.f);
    return;
  }
  int blocks = sumSquaresPartials(n);
  sumSquaresPartialK<<<blocks, kThreads, 0, s>>>(x, n, partials);
  LAUNCH_CHECK("sumSquaresPartialK");
  sumPartialsK<<<1, 1024, 0, s>>>(partials, blocks, out);
  LAUNCH_CHECK("sumPartialsK");
}
void launchSumRows(cudaStream_t s, const float* x, size_t rows, size_t cols, float* out, bool accumulate) {
  LAUNCH(sumRowsK, cols, s, x, rows, cols, out, accumulate ? 1 : 0);
}
void launchSoftmax(cudaStream_t s, const float* x, float* out, size_t rows, size_t cols, float invTemp) {
  if (rows == 0 || cols == 0) return;
  unsigned grid = static_cast<unsigned>(rows < 65535 ? rows : 65535);
  softmaxK<<<grid, kThreads, 0, s>>>(x, out, rows, cols, invTemp);
  LAUNCH_CHECK("softmaxK");
}
void launchLoss(cudaStream_t s, int kind, const float* pred, const float* target, const float* weights, int n, int c,
                float delta, float* loss, float* grad, int* diag) {
  lossK<<<1, 1024, 0, s>>>(kind, pred, target, weights, n, c, delta, loss, grad, diag);
  LAUNCH_CHECK("lossK");
}
void launchOptimizer(cudaStream_t s, int kind, float* param, const float* grad, float* s0, float* s1, size_t n,
                     const OptHyper& h) {
  LAUNCH(optimizerK, n, s, kind, param, grad, s0, s1, n, h);
}
void launchGather(cudaStream_t s, const float* table, const int* idx, size_t n, size_t dim, float* out) {
  LAUNCH(gatherK, n * dim, s, table, idx, n, dim, out);
}
void launchScatterAdd(cudaStream_t s, const float* grad, const int* idx, size_t n, size_t dim, float* dTable) {
  LAUNCH(scatterAddK, n * dim, s, grad, idx, n, dim, dTable);
}
void launchCellForwardStep(cudaStream_t s, const StepArgs& a) {
  size_t n = static_cast<size_t>(a.B) * a.H;
  LAUNCH(cellForwardStepK, n, s, a);
}
void launchCellBackwardStep(cudaStream_t s, const StepArgs& a) {
  size_t n = static_cast<size_t>(a.B) * a.H;
  LAUNCH(cellBackwardStepK, n, s, a);
}

}  // namespace rc
