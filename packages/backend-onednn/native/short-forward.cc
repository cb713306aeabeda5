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
      float* p = gi.data() + b * GH;  // becomes the pre-activations, then the gates
      const float* q = gh.data() + b * GH;
      float* hb = h.data() + b * H;
      if (s.cell == Gru) {
        // r, z = σ(gi + gh); n = tanh(gi_n + r⊙gh_n); h' = (1 − z)⊙n + z⊙h
        for (int64_t j = 0; j < 2 * H; j++) p[j] += q[j];
        sigmoidInPlace(p, 2 * H);
        for (int64_t j = 0; j < H; j++) p[2 * H + j] += p[j] * q[2 * H + j];
        tanhInPlace(p + 2 * H, H);
        for (int64_t j = 0; j < H; j++) hb[j] = (1 - p[H + j]) * p[2 * H + j] + p[H + j] * hb[j];
      } else {
        for (int64_t j = 0; j < GH; j++) p[j] += q[j];
        if (s.cell == Lstm) {
          // i, f = σ, g = tanh, o = σ; c' = f⊙c + i⊙g; h' = o⊙tanh(c')
          sigmoidInPlace(p, 2 * H);
          tanhInPlace(p + 2 * H, H);
          sigmoidInPlace(p + 3 * H, H);
          float* cb = c.data() + b * H;
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
  std::memcpy(a.hN, h.data(), sizeof(float) * B * H);
  if (s.cell == Lstm) std::memcpy(a.cN, c.data(), sizeof(float) * B * H);
}

}  // namespace ro
