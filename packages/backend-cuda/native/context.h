// One backend instance's CUDA state: its device, one non-default stream, a cuBLAS handle bound
// to that stream, a size-bucketed device memory pool, a pinned host staging pool for async reads,
// and a mapped diagnostics slot that kernels use to report bad data (invalid class indices).
#pragma once
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common.h"

namespace rc {

/**
 * Size-bucketed free lists. Sizes round up to a power of two below 1 MiB and to a multiple of
 * 2 MiB above. Freed blocks go back to their bucket and are reused by later allocations. Reuse is
 * safe without events because every kernel and copy of a context runs on its one stream, in order.
 */
class DevicePool {
 public:
  void* allocate(size_t bytes);
  void release(void* p);
  /** cudaFree every cached (free) block. */
  void trim();
  /** cudaFree everything (cached and in use). */
  void releaseAll();
  size_t bytesInUse() const { return inUse_; }
  size_t bytesCached() const { return cached_; }
  static size_t bucketOf(size_t bytes);

 private:
  std::unordered_map<size_t, std::vector<void*>> free_;
  std::unordered_map<void*, size_t> sizeOf_;
  size_t inUse_ = 0;
  size_t cached_ = 0;
};

/** Pinned (page-locked) host buffers for device→host copies, shared with reader threads. */
class PinnedPool {
 public:
  void* allocate(size_t bytes);
  void release(void* p);
  void releaseAll();

 private:
  std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  std::unordered_map<void*, size_t> sizeOf_;
};

struct Context {
  int device = 0;
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  DevicePool pool;
  PinnedPool pinned;
  int* diagHost = nullptr;    // mapped pinned int[2]: {row + 1, class} of an invalid cross-entropy target
  int* diagDevice = nullptr;  // the device pointer of the same memory
  bool alive = false;
  std::string deviceName;
  int major = 0, minor = 0;
  size_t totalMem = 0;

  /** Select the device, create the stream and cuBLAS handle. Throws rc::Failure. */
  void open(int dev);
  /** Wait for queued work, free the stream, cuBLAS handle and device memory. Idempotent; never throws. */
  void close();
  /** Make this context's device current on the calling thread. */
  void bind() const;
  ~Context();
};

using ContextPtr = std::shared_ptr<Context>;

/** Scratch device memory returned to the pool when the scope ends (stream order makes this safe). */
class Scratch {
 public:
  Scratch(Context& ctx, size_t bytes) : ctx_(ctx), p_(bytes ? ctx.pool.allocate(bytes) : nullptr) {}
  ~Scratch() {
    if (p_) ctx_.pool.release(p_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <typename Tv>
  Tv* as() const { return static_cast<Tv*>(p_); }

 private:
  Context& ctx_;
  void* p_;
};

/**
 * Row-major GEMM through cuBLAS (column-major): C[m,n] = α·op(A)·op(B) + β·C is computed as
 * Cᵀ = α·op(B)ᵀ·op(A)ᵀ + β·Cᵀ, i.e. cublasSgemm(opB, opA, n, m, k, B, A, C). Leading dimensions
 * are the row-major ones (elements per stored row).
 */
void gemmRowMajor(Context& ctx, bool transA, bool transB, int m, int n, int k, float alpha, const float* A, int lda,
                  const float* B, int ldb, float beta, float* C, int ldc);

/** Stream-ordered copies and fills (cudaMemcpyAsync / cudaMemsetAsync on the context's stream). */
void copyDeviceToDevice(Context& ctx, void* dst, const void* src, size_t bytes);
void copyHostToDevice(Context& ctx, void* dst, const void* src, size_t bytes);
void zeroDevice(Context& ctx, void* p, size_t bytes);

}  // namespace rc
