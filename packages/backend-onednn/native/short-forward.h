// Inference over a few timesteps (streaming: one step per call) without the RNN primitive.
#pragma once
#include "rnn.h"

namespace ro {

/** Steps at or below which inference takes shortForward (see short-forward.cc). */
constexpr int64_t SHORT_FORWARD_MAX_T = 4;

/**
 * One direction of one layer, inference only, straight from PyTorch's layout: per step two
 * dnnl_sgemm calls and a fused pointwise update. Handles reverse, yStride/yOffset and lengths.
 */
void shortForward(const CellShape& s, const ForwardArgs& a);

}  // namespace ro
