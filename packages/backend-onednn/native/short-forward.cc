// Inference over T ≤ SHORT_FORWARD_MAX_T steps without the RNN primitive.
//
// Why: oneDNN's RNN primitive wants its weights repacked into its own layout on every call (the
// weights may have changed since the last one), which costs about as much as one timestep for
// B = 1. A streaming model (one step per call) would pay that on every step, so short inference runs
// here instead: per step, straight from PyTorch's layout (shape legend: B batch, I input, H hidden,
// G gates, rows of W are gate blocks in PyTorch order),
//   gi = x_t W_ihᵀ + b_ih   [B, G·H]        gh = h W_hhᵀ + b_hh   [B, G·H]
//   (dnnl_sgemm; for B ≤ 4 matrix–vector products: on weights packed once per parameter version
//   (packed-matvec.cc) when the caller keeps packed copies, else blocked row dot products)
//   For rnn and lstm with packed weights the two products accumulate into one pre-activation,
//   gi = (b_ih + b_hh) + x_t W_ihᵀ + h W_hhᵀ (the same sum, in another order).
//   rnn:  h' = act(gi + gh)
//   lstm: i, f, o = σ(gi + gh), g = tanh(gi + gh) (blocks i, f, g, o); c' = f⊙c + i⊙g; h' = o⊙tanh(c')
//   gru:  r, z = σ(gi + gh), n = tanh(gi_n + r⊙gh_n) (b_hn inside the reset product); h' = (1−z)⊙n + z⊙h
// Padding (t ≥ lengths[b]) keeps the state and writes y = 0; walking t from T−1 down for the reverse
// direction starts each sequence at its own last real step.
#include "short-forward.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "common.h"
#include "packed-matvec.h"
#include "vector-math.h"

namespace ro {

namespace {

/** Rows at or below which `project` uses its own dot products (dnnl_sgemm costs ~9 µs per call for a 1×512×128 GEMV). */
constexpr int64_t DOT_MAX_B = 4;

/** out[b, :] = bias (or 0) + in[b, :] · Wᵀ (in [B, K], W [N, K]). */
void project(const float* in, int64_t B, int64_t K, const float* W, const float* bias, int64_t N, float* out) {
  if (B <= DOT_MAX_B) {
    for (int64_t b = 0; b < B; b++) dotRows(in + b * K, K, W, bias, N, out + b * N);
    return;
  }
  for (int64_t b = 0; b < B; b++) {
    if (bias) std::memcpy(out + b * N, bias, sizeof(float) * N);
    else std::memset(out + b * N, 0, sizeof(float) * N);
  }
  if (K > 0) DNNL_CHECK(dnnl_sgemm('N', 'T', B, N, K, 1.0f, in, K, W, K, 1.0f, out, N));
}


/** A buffer of at least n floats, kept per thread between calls (its capacity only grows). */
float* scratch(std::vector<float>& v, int64_t n) {
  if (static_cast<int64_t>(v.size()) < n) v.resize(n);
  return v.data();
}
}  // namespace

void shortForward(const CellShape& s, const ForwardArgs& a) {
  const int64_t T = s.T, B = s.B, I = s.I, H = s.H;
  const int G = s.cell == Lstm ? 4 : s.cell == Gru ? 3 : 1;
  const int64_t GH = G * H;
  const bool lstm = s.cell == Lstm;
  // Packed products for small batches when the caller keeps packed weights (see rnn.h).
  const bool packed = B <= DOT_MAX_B && a.packIh && a.packHh;
  // rnn / lstm on packed weights: one pre-activation per gate (gh unused).
  const bool fused = packed && s.cell != Gru;
  const float* packIh = packed ? packedStart(a.packIh) : nullptr;
  const float* packHh = packed ? packedStart(a.packHh) : nullptr;
  if (packed) {
    if (a.repack & 1) packWeights(a.wIh, GH, I, packedStart(a.packIh));
    if (a.repack & 2) packWeights(a.wHh, GH, H, packedStart(a.packHh));
  }
  thread_local std::vector<float> hBuf, cBuf, giBuf, ghBuf, biasBuf;
  float* h = scratch(hBuf, B * H);
  float* c = lstm ? scratch(cBuf, B * H) : nullptr;
  float* gi = scratch(giBuf, B * GH);
  float* gh = scratch(ghBuf, B * GH);
  if (a.h0) std::memcpy(h, a.h0, sizeof(float) * B * H);
  else std::memset(h, 0, sizeof(float) * B * H);
  if (lstm) {
    if (a.c0) std::memcpy(c, a.c0, sizeof(float) * B * H);
    else std::memset(c, 0, sizeof(float) * B * H);
  }
  // b_ih + b_hh, the starting value of a fused pre-activation.
  const float* biasSum = nullptr;
  if (fused && (a.bIh || a.bHh)) {
    float* bs = scratch(biasBuf, GH);
    for (int64_t j = 0; j < GH; j++) bs[j] = (a.bIh ? a.bIh[j] : 0.0f) + (a.bHh ? a.bHh[j] : 0.0f);
    biasSum = bs;
  }
  for (int64_t step = 0; step < T; step++) {
    const int64_t t = s.reverse ? T - 1 - step : step;
    const float* xt = a.x + t * B * I;
    if (fused) {
      for (int64_t b = 0; b < B; b++) {
        matvecPacked(xt + b * I, I, packIh, GH, biasSum, gi + b * GH);
        matvecPacked(h + b * H, H, packHh, GH, gi + b * GH, gi + b * GH);
      }
    } else if (packed) {
      for (int64_t b = 0; b < B; b++) {
        matvecPacked(xt + b * I, I, packIh, GH, a.bIh, gi + b * GH);
        matvecPacked(h + b * H, H, packHh, GH, a.bHh, gh + b * GH);
      }
    } else {
      project(xt, B, I, a.wIh, a.bIh, GH, gi);
      project(h, B, H, a.wHh, a.bHh, GH, gh);
    }
    for (int64_t b = 0; b < B; b++) {
      float* y = a.y + (t * B + b) * s.yStride + s.yOffset;
      if (s.lengths && t >= s.lengths[b]) {
        std::memset(y, 0, sizeof(float) * H);
        continue;
      }
      float* p = gi + b * GH;  // becomes the pre-activations, then the gates
      const float* q = gh + b * GH;
      float* hb = h + b * H;
      if (s.cell == Gru) {
        // r, z = σ(gi + gh); n = tanh(gi_n + r⊙gh_n); h' = (1 − z)⊙n + z⊙h
        for (int64_t j = 0; j < 2 * H; j++) p[j] += q[j];
        sigmoidInPlace(p, 2 * H);
        for (int64_t j = 0; j < H; j++) p[2 * H + j] += p[j] * q[2 * H + j];
        tanhInPlace(p + 2 * H, H);
        for (int64_t j = 0; j < H; j++) hb[j] = (1 - p[H + j]) * p[2 * H + j] + p[H + j] * hb[j];
      } else {
        if (!fused)
          for (int64_t j = 0; j < GH; j++) p[j] += q[j];
        if (lstm) {
          // i, f = σ, g = tanh, o = σ; c' = f⊙c + i⊙g; h' = o⊙tanh(c')
          sigmoidInPlace(p, 2 * H);
          tanhInPlace(p + 2 * H, H);
          sigmoidInPlace(p + 3 * H, H);
          float* cb = c + b * H;
          for (int64_t j = 0; j < H; j++) cb[j] = p[H + j] * cb[j] + p[j] * p[2 * H + j];
          std::memcpy(hb, cb, sizeof(float) * H);
          tanhInPlace(hb, H);
          for (int64_t j = 0; j < H; j++) hb[j] *= p[3 * H + j];
        } else if (s.cell == RnnTanh) {
          std::memcpy(hb, p, sizeof(float) * H);
          tanhInPlace(hb, H);
        } else {
          for (int64_t j = 0; j < H; j++) hb[j] = p[j] > 0 ? p[j] : (p[j] <= 0 ? 0.0f : p[j]);  // relu; NaN stays NaN
        }
      }
      std::memcpy(y, hb, sizeof(float) * H);
    }
  }
  std::memcpy(a.hN, h, sizeof(float) * B * H);
  if (lstm) std::memcpy(a.cN, c, sizeof(float) * B * H);
}

}  // namespace ro
