// Inference over T ≤ SHORT_FORWARD_MAX_T steps without the RNN primitive.
//
// Why: oneDNN's RNN primitive wants its weights repacked into its own layout on every call (the
// weights may have changed since the last one), which costs about as much as one timestep for
// B = 1. A streaming model (one step per call) would pay that on every step, so short inference runs
// here instead: per step, straight from PyTorch's layout (shape legend: B batch, I input, H hidden,
// G gates, rows of W are gate blocks in PyTorch order),
//   gi = x_t W_ihᵀ + b_ih   [B, G·H]        gh = h W_hhᵀ + b_hh   [B, G·H]
//   (dnnl_sgemm; for B ≤ 4 vectorised dot products, since sgemm's per-call cost dominates a GEMV)
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

namespace ro {

namespace {
inline float sigm(float v) { return 1.0f / (1.0f + std::exp(-v)); }

/** Rows at or below which `project` uses its own dot products (dnnl_sgemm costs ~9 µs per call for a 1×512×128 GEMV). */
constexpr int64_t DOT_MAX_B = 4;

/** out[n] = bias[n] + Σ_k in[k]·W[n, k] for one row; compiled for AVX-512, AVX2 and a baseline, picked at load time. */
__attribute__((target_clones("avx512f", "avx2", "default"))) void dotRows(const float* in, int64_t K, const float* W, const float* bias, int64_t N, float* out) {
  for (int64_t n = 0; n < N; n++) {
    const float* w = W + n * K;
    float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
    for (int64_t k = 0; k < K; k++) acc += in[k] * w[k];
    out[n] = (bias ? bias[n] : 0.0f) + acc;
  }
}

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
}  // namespace

void shortForward(const CellShape& s, const ForwardArgs& a) {
  const int64_t T = s.T, B = s.B, I = s.I, H = s.H;
  const int G = s.cell == Lstm ? 4 : s.cell == Gru ? 3 : 1;
  const int64_t GH = G * H;
  std::vector<float> h(B * H, 0.0f), c(s.cell == Lstm ? B * H : 0, 0.0f), gi(B * GH), gh(B * GH);
  if (a.h0) std::memcpy(h.data(), a.h0, sizeof(float) * B * H);
  if (s.cell == Lstm && a.c0) std::memcpy(c.data(), a.c0, sizeof(float) * B * H);
  for (int64_t step = 0; step < T; step++) {
    const int64_t t = s.reverse ? T - 1 - step : step;
    project(a.x + t * B * I, B, I, a.wIh, a.bIh, GH, gi.data());
    project(h.data(), B, H, a.wHh, a.bHh, GH, gh.data());
    for (int64_t b = 0; b < B; b++) {
      float* y = a.y + (t * B + b) * s.yStride + s.yOffset;
      if (s.lengths && t >= s.lengths[b]) {
        std::memset(y, 0, sizeof(float) * H);
        continue;
      }
      const float* p = gi.data() + b * GH;
      const float* q = gh.data() + b * GH;
      float* hb = h.data() + b * H;
      for (int64_t j = 0; j < H; j++) {
        float hv;
        if (s.cell == Lstm) {
          const float iG = sigm(p[j] + q[j]), fG = sigm(p[H + j] + q[H + j]);
          const float gG = std::tanh(p[2 * H + j] + q[2 * H + j]), oG = sigm(p[3 * H + j] + q[3 * H + j]);
          float& cv = c[b * H + j];
          cv = fG * cv + iG * gG;
          hv = oG * std::tanh(cv);
        } else if (s.cell == Gru) {
          const float r = sigm(p[j] + q[j]), z = sigm(p[H + j] + q[H + j]);
          const float n = std::tanh(p[2 * H + j] + r * q[2 * H + j]);
          hv = (1 - z) * n + z * hb[j];
        } else {
          const float v = p[j] + q[j];
          hv = s.cell == RnnTanh ? std::tanh(v) : (v > 0 ? v : 0.0f);
        }
        hb[j] = hv;
        y[j] = hv;
      }
    }
  }
  std::memcpy(a.hN, h.data(), sizeof(float) * B * H);
  if (s.cell == Lstm) std::memcpy(a.cN, c.data(), sizeof(float) * B * H);
}

}  // namespace ro
