// Recurrent layers on oneDNN's RNN primitives: vanilla RNN (tanh / relu), LSTM and linear-before-reset
// GRU, forward (inference or training, keeping the workspace) and backward, one direction of one layer.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace ro {

/** Cell codes shared with src/cells.ts. */
enum Cell : int { RnnTanh = 0, RnnRelu = 1, Lstm = 2, Gru = 3 };

/** The shape of one cellForward / cellBackward call (lengths: B entries or null). */
struct CellShape {
  int cell;
  int64_t T, B, I, H;
  bool reverse;
  int64_t yStride, yOffset;
  const int32_t* lengths;
};

/** Host pointers of a forward call (null where the contract allows null). */
struct ForwardArgs {
  const float *x, *wIh, *wHh, *bIh, *bHh, *h0, *c0;
  float *y, *hN, *cN;
  float* cache;  // null for inference
  int64_t cacheLen;
  // Short inference only (optional): packed copies of W_ih and W_hh (packed-matvec.h), kept by the
  // caller per parameter version; `repack` bit 0 / bit 1 says W_ih / W_hh changed since they were packed.
  float *packIh, *packHh;
  int repack;
};

/** Host pointers of a backward call; every gradient output accumulates. */
struct BackwardArgs {
  const float *x, *wIh, *wHh, *bIh, *bHh, *h0, *c0, *dy, *dhN, *dcN;
  float* cache;
  int64_t cacheLen;
  float *dx, *dWih, *dWhh, *dbIh, *dbHh, *dh0, *dc0;
};

struct Plan;

/** One engine + stream, and the primitives created so far, keyed by shape. */
class RnnEngine {
 public:
  RnnEngine();
  ~RnnEngine();
  /**
   * Floats the training cache of this shape needs. `threads` must be the same in cacheSize, forward
   * and backward of one sequence: it decides how the batch is split into chunks that run in parallel.
   */
  int64_t cacheSize(const CellShape& s, int threads);
  void forward(const CellShape& s, const ForwardArgs& a, int threads);
  void backward(const CellShape& s, const BackwardArgs& a, int threads);
  /** Primitives cached so far (for tests). */
  size_t planCount() const { return plans_.size(); }
  dnnl::engine& engine() { return eng_; }
  dnnl::stream& stream() { return strm_; }

 private:
  Plan& plan(int cell, int64_t T, int64_t B, int64_t I, int64_t H, bool reverse);
  /** The stream of OpenMP thread `thread` (streams are not shared between threads). */
  dnnl::stream& streamFor(int thread);
  dnnl::engine eng_;
  dnnl::stream strm_;
  std::vector<dnnl::stream> streams_;
  std::map<std::tuple<int, int64_t, int64_t, int64_t, int64_t, bool>, std::unique_ptr<Plan>> plans_;
};

}  // namespace ro
