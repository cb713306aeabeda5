// The per-element math of the losses and optimizer updates, written once for the GPU kernels
// (kernels.cu) and for the host emulation that checks it without a GPU (test/emulate-train.cc).
#pragma once
#include <cmath>

#include "kernels.h"

namespace rc {

RC_HD inline float signf(float d) { return d > 0.f ? 1.f : (d < 0.f ? -1.f : d); }

/**
 * One element of mse / mae / huber: d = pred − target,
 *   mse ℓ = d², ∂ = 2d;  mae ℓ = |d|, ∂ = sign(d);  huber ℓ = ½d² (|d| ≤ δ) else δ(|d| − ½δ), ∂ = d or δ·sign(d).
 * Writes grad[i] = ∂·w·inv (0 for weight-0 rows) and returns w·ℓ (to be summed, then scaled by inv).
 */
RC_HD inline double pointLoss(int kind, const float* pred, const float* target, const float* weights, size_t i, int c,
                              float delta, double inv, float* grad) {
  const int r = static_cast<int>(i / c);
  const float w = weights ? weights[r] : 1.f;
  if (w == 0.f) {
    if (grad) grad[i] = 0.f;
    return 0.0;
  }
  const float d = pred[i] - target[i];
  float l, dl;
  if (kind == kMse) {
    l = d * d;
    dl = 2.f * d;
  } else if (kind == kMae) {
    l = fabsf(d);
    dl = signf(d);
  } else {
    const float ad = fabsf(d);
    if (ad <= delta) {
      l = 0.5f * d * d;
      dl = d;
    } else {
      l = delta * (ad - 0.5f * delta);
      dl = delta * signf(d);
    }
  }
  if (grad) grad[i] = static_cast<float>(dl * (w * inv));
  return static_cast<double>(w) * l;
}

/**
 * Cross-entropy of row r (pred = logits [N, C], target = class index as a float):
 *   ℓ_r = logsumexp(p_r) − p_r[t_r] (max subtracted first), ∂ℓ_r/∂p_r = softmax(p_r) − onehot(t_r).
 * Writes the row's gradient (scaled by w·inv) and returns w·ℓ_r. An invalid class (not an integer in
 * [0, C)) is flagged in diag = {row + 1, class} (first one wins); the row then adds nothing.
 */
RC_HD inline double crossEntropyRow(const float* pred, const float* target, const float* weights, int r, int c, double inv,
                                    float* grad, int* diag) {
  const float w = weights ? weights[r] : 1.f;
  const float* p = pred + static_cast<size_t>(r) * c;
  float* g = grad ? grad + static_cast<size_t>(r) * c : nullptr;
  if (w == 0.f) {
    if (g)
      for (int j = 0; j < c; j++) g[j] = 0.f;
    return 0.0;
  }
  const float tf = target[r];
  const int cls = static_cast<int>(fminf(fmaxf(tf, -2147483520.f), 2147483520.f));
  if (!(tf >= 0.f) || tf >= static_cast<float>(c) || static_cast<float>(cls) != tf) {
#ifdef __CUDA_ARCH__
    if (atomicCAS(&diag[0], 0, r + 1) == 0) diag[1] = cls;
#else
    if (diag[0] == 0) {
      diag[0] = r + 1;
      diag[1] = cls;
    }
#endif
    if (g)
      for (int j = 0; j < c; j++) g[j] = 0.f;
    return 0.0;
  }
  float m = -INFINITY;
  for (int j = 0; j < c; j++) m = fmaxf(m, p[j]);
  double s = 0;
  for (int j = 0; j < c; j++) s += exp(static_cast<double>(p[j]) - m);
  const double lse = m + log(s);
  if (g) {
    const double gw = w * inv;
    for (int j = 0; j < c; j++) g[j] = static_cast<float>((exp(p[j] - lse) - (j == cls ? 1.0 : 0.0)) * gw);
  }
  return w * (lse - p[cls]);
}

/**
 * One element of an optimizer update (torch.optim semantics):
 *   sgd:     g ← g + wd·p; buf ← g (step 1) or μ·buf + (1 − dampening)·g; g ← g + μ·buf (nesterov) or buf; p ← p − lr·g
 *   adam:    g ← g + wd·p;  adamw: p ← p·(1 − lr·wd) first
 *            m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − stepSize·m / (√v/√(1−β2^t) + ε)
 *   rmsprop: g ← g + wd·p; s ← α·s + (1−α)·g²; avg = √s + ε; buf ← μ·buf + g/avg, p ← p − lr·buf (or p − lr·g/avg)
 */
RC_HD inline void optimizerElem(int kind, float* param, const float* grad, float* s0, float* s1, size_t i, const OptHyper& h) {
  float w = param[i];
  float g = grad[i];
  switch (kind) {
    case kSgd: {
      g = g + h.wd * w;
      if (s0) {
        const float b = h.firstStep ? g : h.momentum * s0[i] + (1.f - h.dampening) * g;
        s0[i] = b;
        g = h.nesterov ? g + h.momentum * b : b;
      }
      param[i] = w - h.lr * g;
      break;
    }
    case kAdam:
    case kAdamW: {
      if (kind == kAdamW) w = w * (1.f - h.lr * h.wd);
      else g = g + h.wd * w;
      const float m = h.beta1 * s0[i] + (1.f - h.beta1) * g;
      const float v = h.beta2 * s1[i] + (1.f - h.beta2) * g * g;
      s0[i] = m;
      s1[i] = v;
      param[i] = w - (h.stepSize * m) / (sqrtf(v) / h.bc2Sqrt + h.eps);
      break;
    }
    default: {  // rmsprop
      g = g + h.wd * w;
      const float sq = h.alpha * s0[i] + (1.f - h.alpha) * g * g;
      s0[i] = sq;
      const float avg = sqrtf(sq) + h.eps;
      if (s1) {
        const float b = h.momentum * s1[i] + g / avg;
        s1[i] = b;
        param[i] = w - h.lr * b;
      } else {
        param[i] = w - h.lr * g / avg;
      }
      break;
    }
  }
}

}  // namespace rc
