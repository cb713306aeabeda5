// Launchers of recur's CUDA kernels. Each one enqueues work on `stream` (asynchronous) and checks
// the launch with cudaGetLastError, throwing rc::Failure on error. All buffers are float32 device
// pointers unless noted. Shape legend: B batch, T time, I input, H hidden, G gates, GH = G·H.
#pragma once
#include "common.h"

// Functions shared by device kernels and the host emulation (test/*.cc) are marked RC_HD.
#ifdef __CUDACC__
#define RC_HD __host__ __device__
#else
#define RC_HD
#endif

namespace rc {

enum CellKind { kRnnTanh = 0, kRnnRelu = 1, kLstm = 2, kGru = 3 };
enum ActKind { kIdentity = 0, kTanh = 1, kSigmoid = 2, kRelu = 3 };
enum LossKind { kMse = 0, kMae = 1, kHuber = 2, kCrossEntropy = 3 };
enum OptKind { kSgd = 0, kAdam = 1, kAdamW = 2, kRmsprop = 3 };

// ---- elementwise / data movement ---------------------------------------------------------
void launchFill(cudaStream_t s, float* x, size_t n, float v);
/** c[r, j] += bias[j] for r < rows, j < cols. */
void launchAddBiasRows(cudaStream_t s, float* c, const float* bias, size_t rows, int cols);
/** y += alpha·x */
void launchAxpy(cudaStream_t s, float* y, const float* x, size_t n, float alpha);
void launchScale(cudaStream_t s, float* x, size_t n, float alpha);
void launchMul(cudaStream_t s, float* out, const float* a, const float* b, size_t n);
void launchClip(cudaStream_t s, float* x, size_t n, float limit);
/** dst[dOff + r·dStride + j] (+)= src[sOff + r·sStride + j]. */
void launchCopy2d(cudaStream_t s, const float* src, size_t sOff, size_t sStride, float* dst, size_t dOff, size_t dStride,
                  size_t rows, size_t cols, bool accumulate);
void launchActivation(cudaStream_t s, int op, const float* x, float* out, size_t n);
void launchActivationBackward(cudaStream_t s, int op, const float* y, const float* dy, float* dx, size_t n);

// ---- reductions ----------------------------------------------------------------------------
/** Number of double partials launchSumSquares needs as scratch. */
int sumSquaresPartials(size_t n);
/** out[0] = Σ x² (double accumulation; NaN/Inf propagate). */
void launchSumSquares(cudaStream_t s, const float* x, size_t n, double* partials, float* out);
/** out[c] (+)= Σ_r x[r, c] (double accumulation). */
void launchSumRows(cudaStream_t s, const float* x, size_t rows, size_t cols, float* out, bool accumulate);
/** out[r, :] = softmax(x[r, :] · invTemp). */
void launchSoftmax(cudaStream_t s, const float* x, float* out, size_t rows, size_t cols, float invTemp);

// ---- training ------------------------------------------------------------------------------
/**
 * Mean loss (PyTorch reduction='mean', optional row weights) and its gradient.
 * `diag` is a device-visible int[2] (mapped pinned memory): an invalid cross-entropy class sets
 * diag = {row + 1, class as int}, which the host reports at the next read/sync.
 */
void launchLoss(cudaStream_t s, int kind, const float* pred, const float* target, const float* weights, int n, int c,
                float delta, float* loss, float* grad, int* diag);

struct OptHyper {
  float lr, wd, momentum, dampening, beta1, beta2, alpha, eps;
  float stepSize;     // adam: lr / (1 − β1^t)
  float bc2Sqrt;      // adam: √(1 − β2^t)
  int nesterov;
  int firstStep;      // sgd: buf ← g at step 1
};
void launchOptimizer(cudaStream_t s, int kind, float* param, const float* grad, float* s0, float* s1, size_t n,
                     const OptHyper& h);
void launchGather(cudaStream_t s, const float* table, const int* idx, size_t n, size_t dim, float* out);
void launchScatterAdd(cudaStream_t s, const float* grad, const int* idx, size_t n, size_t dim, float* dTable);

// ---- recurrent cells (one timestep of the fused pointwise math) ----------------------------
struct StepArgs {
  int cell, B, H, G;
  int t;                 // time index of this step
  const int* lengths;    // [B] or null (padding rule: t ≥ lengths[b])
  // forward
  float* pre;            // [B, GH] of this step: W_ih·x (in: pre-activations; out when saveGates: activated gates)
  const float* hg;       // [B, GH] W_hh·h (no bias)
  const float* bIh;      // [GH] or null
  const float* bHh;      // [GH] or null
  float* h;              // [B, H] running hidden state (in/out)
  float* c;              // [B, H] running cell state (lstm)
  float* y;              // y + t·B·yStride + yOffset
  int yStride;
  float* hPrev;          // cache: [B, H] h_{t−1} of this step, or null
  float* cPrev;          // cache: [B, H] c_{t−1} (lstm) or null
  float* aux;            // cache: [B, H] tanh(c_t) (lstm) / W_hn·h + b_hn (gru), or null
  int saveGates;
  // backward
  const float* gates;    // cache gates of this step [B, GH]
  const float* dy;       // dy + t·B·yStride + yOffset, or null
  float* dh;             // [B, H] running dL/dh (in/out)
  float* dc;             // [B, H] running dL/dc (lstm)
  float* dGi;            // [B, GH] out: gradient of the input-side pre-activations
  float* dGh;            // [B, GH] out: gradient of the hidden-side pre-activations (gru; == dGi otherwise)
};
void launchCellForwardStep(cudaStream_t s, const StepArgs& a);
void launchCellBackwardStep(cudaStream_t s, const StepArgs& a);

}  // namespace rc
