// Shared declarations of the recur CUDA addon: the error type every checked CUDA / cuBLAS call
// throws, and the checking macros. Native code throws rc::Failure; the Node-API layer (addon.cc)
// turns it into a JS Error carrying the CUDA error name and code, which the TypeScript layer maps to
// recur's typed errors (BackendUnavailableError, OutOfMemoryError, DeviceLostError, CudaError).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include <cuda_runtime.h>
#include <cublas_v2.h>

namespace rc {

/** Where a failure came from. */
enum class Source { Cuda, Cublas, Recur };

/** A failed CUDA / cuBLAS call, or a recur-level error detected in native code. */
struct Failure {
  Source source;
  int code;             // cudaError_t, cublasStatus_t, or 0 for Recur
  std::string name;     // e.g. "cudaErrorInsufficientDriver", "CUBLAS_STATUS_ALLOC_FAILED", "E_INVALID_ARGUMENT"
  std::string message;  // the driver's text, or recur's message
  std::string where;    // the call that failed, e.g. "cudaMalloc(4096 bytes)"
  double bytes = 0;     // requested bytes for allocation failures
};

[[noreturn]] void throwCuda(cudaError_t err, const std::string& where, double bytes = 0);
[[noreturn]] void throwCublas(cublasStatus_t st, const std::string& where);
[[noreturn]] void throwRecur(const std::string& code, const std::string& message);

}  // namespace rc

// Every CUDA runtime call goes through CUDA_CHECK; every cuBLAS call through CUBLAS_CHECK.
#define CUDA_CHECK(call)                                   \
  do {                                                     \
    cudaError_t rc_err_ = (call);                          \
    if (rc_err_ != cudaSuccess) rc::throwCuda(rc_err_, #call); \
  } while (0)

#define CUBLAS_CHECK(call)                                     \
  do {                                                         \
    cublasStatus_t rc_st_ = (call);                            \
    if (rc_st_ != CUBLAS_STATUS_SUCCESS) rc::throwCublas(rc_st_, #call); \
  } while (0)

// After a kernel launch: launch-configuration errors surface here, faults at the next sync.
#define LAUNCH_CHECK(what) CUDA_CHECK_NAMED(cudaGetLastError(), what)
#define CUDA_CHECK_NAMED(call, what)                      \
  do {                                                    \
    cudaError_t rc_err_ = (call);                         \
    if (rc_err_ != cudaSuccess) rc::throwCuda(rc_err_, what); \
  } while (0)
