// The fused per-element math of one timestep of each recurrent cell, written once for the GPU
// kernels (kernels.cu: one thread per (b, j)) and for the host emulation that checks it on a machine
// without a GPU (test/emulate.cc). PyTorch equations and gate order (DESIGN.md §4).
// Shape legend: B batch, H hidden, G gates (rnn 1, lstm 4, gru 3), GH = G·H.
#pragma once
#include <cmath>

#include "kernels.h"

namespace rc {

// σ(x) = 1/(1+e^−x) for x ≥ 0 and e^x/(1+e^x) for x < 0: the exponent is never positive, so it
// cannot overflow, and σ(±large) saturates to exactly 1 / 0.
RC_HD inline float sigmoidf(float x) {
  if (x >= 0.f) return 1.f / (1.f + expf(-x));
  float e = expf(x);
  return e / (1.f + e);
}
// max(0, x), with NaN kept (so non-finite values are not hidden).
RC_HD inline float reluf(float x) { return x > 0.f ? x : (x <= 0.f ? 0.f : x); }

RC_HD inline bool activeStep(const int* lengths, int b, int t) { return lengths == nullptr || t < lengths[b]; }
RC_HD inline float biasAt(const float* bias, int k) { return bias ? bias[k] : 0.f; }

// Forward. The cache keeps what backward needs: h_{t−1} (and c_{t−1}), the activated gates in
// place of the pre-activations, and tanh(c_t) (lstm) or W_hn·h + b_hn (gru).
//   rnn:  h' = act(W_ih x + b_ih + W_hh h + b_hh)
//   lstm: i,f,o = σ(·), g = tanh(·) (blocks i, f, g, o); c' = f⊙c + i⊙g; h' = o⊙tanh(c')
//   gru:  r,z = σ(·); n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)); h' = (1−z)⊙n + z⊙h
// Padding (t ≥ lengths[b]): the state is carried unchanged and the y row is written as 0.
RC_HD inline void cellForwardElem(const StepArgs& a, size_t idx) {
  const int H = a.H, GH = a.G * a.H;
  {
    const int b = static_cast<int>(idx / H), j = static_cast<int>(idx % H);
    const size_t s = static_cast<size_t>(b) * H + j;
    float* yv = a.y + static_cast<size_t>(b) * a.yStride + j;
    const float hOld = a.h[s];
    if (a.hPrev) a.hPrev[s] = hOld;
    if (a.cPrev) a.cPrev[s] = a.c[s];
    if (!activeStep(a.lengths, b, a.t)) {
      *yv = 0.f;
      return;
    }
    float* p = a.pre + static_cast<size_t>(b) * GH + j;
    const float* q = a.hg + static_cast<size_t>(b) * GH + j;
    float hNew;
    switch (a.cell) {
      case kRnnTanh:
      case kRnnRelu: {
        const float pa = p[0] + q[0] + biasAt(a.bIh, j) + biasAt(a.bHh, j);
        hNew = a.cell == kRnnRelu ? reluf(pa) : tanhf(pa);
        if (a.saveGates) p[0] = hNew;
        break;
      }
      case kLstm: {
        const float ig = sigmoidf(p[0] + q[0] + biasAt(a.bIh, j) + biasAt(a.bHh, j));
        const float fg = sigmoidf(p[H] + q[H] + biasAt(a.bIh, H + j) + biasAt(a.bHh, H + j));
        const float gg = tanhf(p[2 * H] + q[2 * H] + biasAt(a.bIh, 2 * H + j) + biasAt(a.bHh, 2 * H + j));
        const float og = sigmoidf(p[3 * H] + q[3 * H] + biasAt(a.bIh, 3 * H + j) + biasAt(a.bHh, 3 * H + j));
        const float cn = fg * a.c[s] + ig * gg;
        const float tc = tanhf(cn);
        hNew = og * tc;
        a.c[s] = cn;
        if (a.saveGates) {
          p[0] = ig;
          p[H] = fg;
          p[2 * H] = gg;
          p[3 * H] = og;
        }
        if (a.aux) a.aux[s] = tc;
        break;
      }
      default: {  // gru
        const float rg = sigmoidf(p[0] + q[0] + biasAt(a.bIh, j) + biasAt(a.bHh, j));
        const float zg = sigmoidf(p[H] + q[H] + biasAt(a.bIh, H + j) + biasAt(a.bHh, H + j));
        const float hn = q[2 * H] + biasAt(a.bHh, 2 * H + j);
        const float ng = tanhf(p[2 * H] + biasAt(a.bIh, 2 * H + j) + rg * hn);
        hNew = (1.f - zg) * ng + zg * hOld;
        if (a.saveGates) {
          p[0] = rg;
          p[H] = zg;
          p[2 * H] = ng;
        }
        if (a.aux) a.aux[s] = hn;
        break;
      }
    }
    a.h[s] = hNew;
    *yv = hNew;
  }
}

// Backward of one step (dh' = dh + dy; dc' from step t+1). Writes dG_ih (and dG_hh for gru);
// the caller's GEMM then adds dG_hh·W_hh into dh. Padding rows: zero gate gradients, dh/dc carried.
//   rnn:  da = dh'⊙act'(h')                               dh ← 0
//   lstm: dc̃ = dc' + dh'⊙o⊙(1 − tanh²c'); da_i = dc̃·g·i(1−i); da_f = dc̃·c·f(1−f);
//         da_g = dc̃·i·(1−g²); da_o = dh'·tanh(c')·o(1−o);  dc ← dc̃⊙f, dh ← 0
//   gru:  dn̂ = dh'(1−z)(1−n²); dr̂ = dn̂·h_n·r(1−r); dẑ = dh'(h−n)·z(1−z)
//         dG_ih = [dr̂, dẑ, dn̂], dG_hh = [dr̂, dẑ, dn̂⊙r];  dh ← dh'⊙z
RC_HD inline void cellBackwardElem(const StepArgs& a, size_t idx) {
  const int H = a.H, GH = a.G * a.H;
  {
    const int b = static_cast<int>(idx / H), j = static_cast<int>(idx % H);
    const size_t s = static_cast<size_t>(b) * H + j;
    float* gi = a.dGi + static_cast<size_t>(b) * GH + j;
    float* gh = a.dGh + static_cast<size_t>(b) * GH + j;
    if (!activeStep(a.lengths, b, a.t)) {
      for (int g = 0; g < a.G; g++) {
        gi[g * H] = 0.f;
        gh[g * H] = 0.f;
      }
      return;
    }
    const float* gt = a.gates + static_cast<size_t>(b) * GH + j;
    const float dht = a.dh[s] + (a.dy ? a.dy[static_cast<size_t>(b) * a.yStride + j] : 0.f);
    switch (a.cell) {
      case kRnnTanh:
      case kRnnRelu: {
        const float hn = gt[0];
        gi[0] = a.cell == kRnnRelu ? (hn > 0.f ? dht : 0.f) : dht * (1.f - hn * hn);
        a.dh[s] = 0.f;
        break;
      }
      case kLstm: {
        const float ig = gt[0], fg = gt[H], gg = gt[2 * H], og = gt[3 * H];
        const float tc = a.aux[s];
        const float dct = a.dc[s] + dht * og * (1.f - tc * tc);
        gi[0] = dct * gg * ig * (1.f - ig);
        gi[H] = dct * a.cPrev[s] * fg * (1.f - fg);
        gi[2 * H] = dct * ig * (1.f - gg * gg);
        gi[3 * H] = dht * tc * og * (1.f - og);
        a.dc[s] = dct * fg;
        a.dh[s] = 0.f;
        break;
      }
      default: {  // gru
        const float rg = gt[0], zg = gt[H], ng = gt[2 * H];
        const float hn = a.aux[s], hp = a.hPrev[s];
        const float dnp = dht * (1.f - zg) * (1.f - ng * ng);
        const float drp = dnp * hn * rg * (1.f - rg);
        const float dzp = dht * (hp - ng) * zg * (1.f - zg);
        gi[0] = drp;
        gi[H] = dzp;
        gi[2 * H] = dnp;
        gh[0] = drp;
        gh[H] = dzp;
        gh[2 * H] = dnp * rg;
        a.dh[s] = dht * zg;
        break;
      }
    }
  }
}

}  // namespace rc
