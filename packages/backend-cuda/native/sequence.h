// Whole-sequence forward and backward (BPTT) of one direction of one recurrent layer. The loop
// over time is a host loop of cuBLAS calls and fused step kernels on the context's stream: nothing
// is copied back to the host inside a sequence.
#pragma once
#include "context.h"
#include "kernels.h"

namespace rc {

struct SequenceShape {
  int cell, T, B, I, H, G;
  bool reverse;
  int yStride, yOffset;
  const int* lengthsHost;  // [B] or null
};

/** Offsets (in floats) of the regions of a training cache. */
struct CacheLayout {
  size_t hPrev, gates, cPrev, aux, size;  // cPrev/aux are SIZE_MAX when absent
};
CacheLayout cacheLayout(int cell, int T, int B, int H, int G);

struct ForwardBuffers {
  const float *x, *wIh, *wHh, *bIh, *bHh, *h0, *c0;
  float *y, *hN, *cN;
  float* cache;  // null for inference
};

struct BackwardBuffers {
  const float *x, *wIh, *wHh, *cache, *dy, *dhN, *dcN;
  float *dx, *dWih, *dWhh, *dbIh, *dbHh, *dh0, *dc0;
};

void sequenceForward(Context& ctx, const SequenceShape& sh, const ForwardBuffers& a);
void sequenceBackward(Context& ctx, const SequenceShape& sh, const BackwardBuffers& a);

}  // namespace rc
