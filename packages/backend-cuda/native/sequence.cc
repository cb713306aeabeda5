// Forward
//   1. One cuBLAS GEMM projects every timestep's input at once:  XG[T·B, GH] = X[T·B, I]·W_ihᵀ
//      (in training straight into the cache's gate region; the step kernel overwrites it with the
//      activated gates). The biases b_ih and b_hh are added inside the step kernel.
//   2. For each step t (T−1 … 0 when reverse):
//        HG[B, GH] = h_{t−1}·W_hhᵀ                                (cuBLAS)
//        fused step kernel: gates, c_t, h_t, y_t, cache            (kernels.cu)
// Backward (steps in the opposite order of the forward)
//   step kernel: dG_ih[t], dG_hh[t] and the direct part of dh_{t−1};  dh_{t−1} += dG_hh[t]·W_hh
//   then three GEMMs over all T·B rows: dW_ih += dG_ihᵀ·X, dX += dG_ih·W_ih, dW_hh += dG_hhᵀ·H_prev,
//   and two GEMMs with a row of ones for the bias gradients.
// The cache is one buffer: [H_prev T·B·H | gates T·B·GH | lstm: C_prev, tanh(c_t) | gru: W_hn·h + b_hn].
#include "sequence.h"

#include <climits>

namespace rc {

CacheLayout cacheLayout(int cell, int T, int B, int H, int G) {
  const size_t TBH = static_cast<size_t>(T) * B * H;
  CacheLayout l{};
  l.hPrev = 0;
  l.gates = TBH;
  size_t end = l.gates + static_cast<size_t>(T) * B * G * H;
  l.cPrev = l.aux = SIZE_MAX;
  if (cell == kLstm) {
    l.cPrev = end;
    end += TBH;
    l.aux = end;
    end += TBH;
  } else if (cell == kGru) {
    l.aux = end;
    end += TBH;
  }
  l.size = end;
  return l;
}

namespace {
int* uploadLengths(Context& ctx, Scratch& s, const SequenceShape& sh) {
  if (!sh.lengthsHost) return nullptr;
  int* d = s.as<int>();
  copyHostToDevice(ctx, d, sh.lengthsHost, sizeof(int) * sh.B);
  return d;
}
}  // namespace

void sequenceForward(Context& ctx, const SequenceShape& sh, const ForwardBuffers& a) {
  const int T = sh.T, B = sh.B, I = sh.I, H = sh.H, G = sh.G, GH = G * H;
  const size_t BH = static_cast<size_t>(B) * H, TB = static_cast<size_t>(T) * B;
  const bool training = a.cache != nullptr;
  const CacheLayout layout = cacheLayout(sh.cell, T, B, H, G);
  Scratch xgScratch(ctx, training ? 0 : TB * GH * sizeof(float));
  Scratch hgScratch(ctx, static_cast<size_t>(B) * GH * sizeof(float));
  Scratch cScratch(ctx, sh.cell == kLstm && !a.cN ? BH * sizeof(float) : 0);
  Scratch lenScratch(ctx, sh.lengthsHost ? sizeof(int) * B : 0);
  const int* lengths = uploadLengths(ctx, lenScratch, sh);
  float* xg = training ? a.cache + layout.gates : xgScratch.as<float>();
  float* hg = hgScratch.as<float>();

  // XG = X·W_ihᵀ for all T·B rows: [T·B, I] × [I, GH].
  gemmRowMajor(ctx, false, true, static_cast<int>(TB), GH, I, 1.f, a.x, I, a.wIh, I, 0.f, xg, GH);

  // The state runs in hN (and cN).
  float* h = a.hN;
  if (a.h0) copyDeviceToDevice(ctx, h, a.h0, BH * sizeof(float));
  else zeroDevice(ctx, h, BH * sizeof(float));
  float* c = sh.cell == kLstm ? (a.cN ? a.cN : cScratch.as<float>()) : nullptr;
  if (c) {
    if (a.c0) copyDeviceToDevice(ctx, c, a.c0, BH * sizeof(float));
    else zeroDevice(ctx, c, BH * sizeof(float));
  }

  StepArgs s{};
  s.cell = sh.cell;
  s.B = B;
  s.H = H;
  s.G = G;
  s.lengths = lengths;
  s.hg = hg;
  s.bIh = a.bIh;
  s.bHh = a.bHh;
  s.h = h;
  s.c = c;
  s.yStride = sh.yStride;
  s.saveGates = training ? 1 : 0;
  for (int step = 0; step < T; step++) {
    const int t = sh.reverse ? T - 1 - step : step;
    // HG = h_{t−1}·W_hhᵀ: [B, H] × [H, GH].
    gemmRowMajor(ctx, false, true, B, GH, H, 1.f, h, H, a.wHh, H, 0.f, hg, GH);
    s.t = t;
    s.pre = xg + static_cast<size_t>(t) * B * GH;
    s.y = a.y + static_cast<size_t>(t) * B * sh.yStride + sh.yOffset;
    s.hPrev = training ? a.cache + layout.hPrev + t * BH : nullptr;
    s.cPrev = training && layout.cPrev != SIZE_MAX ? a.cache + layout.cPrev + t * BH : nullptr;
    s.aux = training && layout.aux != SIZE_MAX ? a.cache + layout.aux + t * BH : nullptr;
    launchCellForwardStep(ctx.stream, s);
  }
}

void sequenceBackward(Context& ctx, const SequenceShape& sh, const BackwardBuffers& a) {
  const int T = sh.T, B = sh.B, I = sh.I, H = sh.H, G = sh.G, GH = G * H;
  const size_t BH = static_cast<size_t>(B) * H, TB = static_cast<size_t>(T) * B;
  const CacheLayout layout = cacheLayout(sh.cell, T, B, H, G);
  const bool gru = sh.cell == kGru;
  Scratch dGiScratch(ctx, TB * GH * sizeof(float));
  Scratch dGhScratch(ctx, gru ? TB * GH * sizeof(float) : 0);
  Scratch dhScratch(ctx, BH * sizeof(float));
  Scratch dcScratch(ctx, sh.cell == kLstm ? BH * sizeof(float) : 0);
  Scratch lenScratch(ctx, sh.lengthsHost ? sizeof(int) * B : 0);
  const int* lengths = uploadLengths(ctx, lenScratch, sh);
  float* dGi = dGiScratch.as<float>();
  float* dGh = gru ? dGhScratch.as<float>() : dGi;
  float* dh = dhScratch.as<float>();
  float* dc = dcScratch.as<float>();
  if (a.dhN) copyDeviceToDevice(ctx, dh, a.dhN, BH * sizeof(float));
  else zeroDevice(ctx, dh, BH * sizeof(float));
  if (dc) {
    if (a.dcN) copyDeviceToDevice(ctx, dc, a.dcN, BH * sizeof(float));
    else zeroDevice(ctx, dc, BH * sizeof(float));
  }

  StepArgs s{};
  s.cell = sh.cell;
  s.B = B;
  s.H = H;
  s.G = G;
  s.lengths = lengths;
  s.yStride = sh.yStride;
  s.dh = dh;
  s.dc = dc;
  for (int step = 0; step < T; step++) {
    const int t = sh.reverse ? step : T - 1 - step;
    const size_t tGH = static_cast<size_t>(t) * B * GH;
    s.t = t;
    s.gates = a.cache + layout.gates + tGH;
    s.hPrev = const_cast<float*>(a.cache) + layout.hPrev + t * BH;
    s.cPrev = layout.cPrev != SIZE_MAX ? const_cast<float*>(a.cache) + layout.cPrev + t * BH : nullptr;
    s.aux = layout.aux != SIZE_MAX ? const_cast<float*>(a.cache) + layout.aux + t * BH : nullptr;
    s.dy = a.dy ? a.dy + static_cast<size_t>(t) * B * sh.yStride + sh.yOffset : nullptr;
    s.dGi = dGi + tGH;
    s.dGh = dGh + tGH;
    launchCellBackwardStep(ctx.stream, s);
    // dh_{t−1} += dG_hh[t]·W_hh: [B, GH] × [GH, H] (padding rows of dG_hh are zero).
    if (step != T - 1 || a.dh0) gemmRowMajor(ctx, false, false, B, H, GH, 1.f, dGh + tGH, GH, a.wHh, H, 1.f, dh, H);
  }
  const int tb = static_cast<int>(TB);
  // dW_ih += dG_ihᵀ·X: [GH, T·B] × [T·B, I]
  gemmRowMajor(ctx, true, false, GH, I, tb, 1.f, dGi, GH, a.x, I, 1.f, a.dWih, I);
  // dX += dG_ih·W_ih: [T·B, GH] × [GH, I]
  if (a.dx) gemmRowMajor(ctx, false, false, tb, I, GH, 1.f, dGi, GH, a.wIh, I, 1.f, a.dx, I);
  // dW_hh += dG_hhᵀ·H_prev: [GH, T·B] × [T·B, H]
  gemmRowMajor(ctx, true, false, GH, H, tb, 1.f, dGh, GH, a.cache + layout.hPrev, H, 1.f, a.dWhh, H);
  // db_ih += Σ_rows dG_ih, db_hh += Σ_rows dG_hh, as GEMMs with a row of ones: [1, T·B] × [T·B, GH]
  // (one thread per column would leave most of a large GPU idle when T·B is large and GH small).
  if (a.dbIh || a.dbHh) {
    Scratch ones(ctx, TB * sizeof(float));
    launchFill(ctx.stream, ones.as<float>(), TB, 1.f);
    if (a.dbIh) gemmRowMajor(ctx, false, false, 1, GH, tb, 1.f, ones.as<float>(), tb, dGi, GH, 1.f, a.dbIh, GH);
    if (a.dbHh) gemmRowMajor(ctx, false, false, 1, GH, tb, 1.f, ones.as<float>(), tb, dGh, GH, 1.f, a.dbHh, GH);
  }
  if (a.dh0) launchAxpy(ctx.stream, a.dh0, dh, BH, 1.f);
  if (a.dc0 && dc) launchAxpy(ctx.stream, a.dc0, dc, BH, 1.f);
}

}  // namespace rc
