#include "context.h"

#include <cstdio>
#include <cstring>

namespace rc {

[[noreturn]] void throwCuda(cudaError_t err, const std::string& where, double bytes) {
  Failure f;
  f.source = Source::Cuda;
  f.code = static_cast<int>(err);
  f.name = cudaGetErrorName(err);
  f.message = cudaGetErrorString(err);
  f.where = where;
  f.bytes = bytes;
  // Clear a non-sticky error so that later calls do not report it again.
  (void)cudaGetLastError();
  throw f;
}

[[noreturn]] void throwCublas(cublasStatus_t st, const std::string& where) {
  Failure f;
  f.source = Source::Cublas;
  f.code = static_cast<int>(st);
  f.name = cublasGetStatusName(st);
  f.message = cublasGetStatusString(st);
  f.where = where;
  throw f;
}

[[noreturn]] void throwRecur(const std::string& code, const std::string& message) {
  Failure f;
  f.source = Source::Recur;
  f.code = 0;
  f.name = code;
  f.message = message;
  f.where = "";
  throw f;
}

// ---- DevicePool ---------------------------------------------------------------------------------
size_t DevicePool::bucketOf(size_t bytes) {
  const size_t kMiB = size_t(1) << 20;
  if (bytes <= 512) return 512;
  if (bytes < kMiB) {
    size_t b = 1024;
    while (b < bytes) b <<= 1;
    return b;
  }
  const size_t step = 2 * kMiB;
  return (bytes + step - 1) / step * step;
}

void* DevicePool::allocate(size_t bytes) {
  const size_t size = bucketOf(bytes);
  auto it = free_.find(size);
  if (it != free_.end() && !it->second.empty()) {
    void* p = it->second.back();
    it->second.pop_back();
    cached_ -= size;
    inUse_ += size;
    return p;
  }
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, size);
  if (err == cudaErrorMemoryAllocation) {
    // Give the cached blocks back to the driver and try once more.
    (void)cudaGetLastError();
    trim();
    err = cudaMalloc(&p, size);
  }
  if (err != cudaSuccess) throwCuda(err, "cudaMalloc(" + std::to_string(size) + " bytes)", static_cast<double>(bytes));
  sizeOf_[p] = size;
  inUse_ += size;
  return p;
}

void DevicePool::release(void* p) {
  auto it = sizeOf_.find(p);
  if (it == sizeOf_.end()) return;
  free_[it->second].push_back(p);
  inUse_ -= it->second;
  cached_ += it->second;
}

void DevicePool::trim() {
  for (auto& [size, list] : free_) {
    for (void* p : list) {
      (void)cudaFree(p);
      sizeOf_.erase(p);
    }
    cached_ -= size * list.size();
    list.clear();
  }
}

void DevicePool::releaseAll() {
  for (auto& [p, size] : sizeOf_) (void)cudaFree(p);
  sizeOf_.clear();
  free_.clear();
  inUse_ = cached_ = 0;
}

// ---- PinnedPool ---------------------------------------------------------------------------------
void* PinnedPool::allocate(size_t bytes) {
  const size_t size = DevicePool::bucketOf(bytes);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(size);
    if (it != free_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      return p;
    }
  }
  void* p = nullptr;
  cudaError_t err = cudaHostAlloc(&p, size, cudaHostAllocDefault);
  if (err != cudaSuccess) throwCuda(err, "cudaHostAlloc(" + std::to_string(size) + " bytes)", static_cast<double>(bytes));
  std::lock_guard<std::mutex> lock(mu_);
  sizeOf_[p] = size;
  return p;
}

void PinnedPool::release(void* p) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sizeOf_.find(p);
  if (it != sizeOf_.end()) free_[it->second].push_back(p);
}

void PinnedPool::releaseAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [p, size] : sizeOf_) (void)cudaFreeHost(p);
  sizeOf_.clear();
  free_.clear();
}

// ---- Context --------------------------------------------------------------------------------------
void Context::open(int dev) {
  int count = 0;
  CUDA_CHECK(cudaGetDeviceCount(&count));
  if (dev < 0 || dev >= count) {
    throwRecur("E_INVALID_ARGUMENT", "device " + std::to_string(dev) + " does not exist; this machine has " +
                                         std::to_string(count) + " CUDA device(s) (0.." + std::to_string(count - 1) + ")");
  }
  device = dev;
  CUDA_CHECK(cudaSetDevice(dev));
  cudaDeviceProp prop;
  CUDA_CHECK(cudaGetDeviceProperties(&prop, dev));
  deviceName = prop.name;
  major = prop.major;
  minor = prop.minor;
  totalMem = prop.totalGlobalMem;
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  CUBLAS_CHECK(cublasCreate(&blas));
  CUBLAS_CHECK(cublasSetStream(blas, stream));
  // Plain FP32 (no TF32 tensor-core rounding), so results stay within float32 tolerances.
  CUBLAS_CHECK(cublasSetMathMode(blas, CUBLAS_DEFAULT_MATH));
  CUBLAS_CHECK(cublasSetPointerMode(blas, CUBLAS_POINTER_MODE_HOST));
  void* diag = nullptr;
  CUDA_CHECK(cudaHostAlloc(&diag, 2 * sizeof(int), cudaHostAllocMapped));
  diagHost = static_cast<int*>(diag);
  diagHost[0] = diagHost[1] = 0;
  void* dptr = nullptr;
  CUDA_CHECK(cudaHostGetDevicePointer(&dptr, diag, 0));
  diagDevice = static_cast<int*>(dptr);
  alive = true;
}

Context::~Context() {
  close();
  // Pinned buffers and the diagnostics slot may still be in use by a pending read's worker
  // thread until the last reference to the context goes away, so they are freed here.
  pinned.releaseAll();
  if (diagHost) (void)cudaFreeHost(diagHost);
  diagHost = nullptr;
  diagDevice = nullptr;
}

void Context::bind() const { CUDA_CHECK(cudaSetDevice(device)); }

void Context::close() {
  if (stream == nullptr && blas == nullptr) {
    alive = false;
    return;
  }
  (void)cudaSetDevice(device);
  if (stream) (void)cudaStreamSynchronize(stream);
  if (blas) (void)cublasDestroy(blas);
  blas = nullptr;
  pool.releaseAll();
  if (stream) (void)cudaStreamDestroy(stream);
  stream = nullptr;
  alive = false;
}

void copyDeviceToDevice(Context& ctx, void* dst, const void* src, size_t bytes) {
  if (bytes > 0 && dst != src) CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, ctx.stream));
}
void copyHostToDevice(Context& ctx, void* dst, const void* src, size_t bytes) {
  if (bytes > 0) CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, ctx.stream));
}
void zeroDevice(Context& ctx, void* p, size_t bytes) {
  if (bytes > 0) CUDA_CHECK(cudaMemsetAsync(p, 0, bytes, ctx.stream));
}

}  // namespace rc
