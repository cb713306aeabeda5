// A minimal stand-in for cuBLAS's cublas_v2.h, used ONLY by the host emulation (test/emulate.cc)
// on machines that have the CUDA toolkit headers but not cuBLAS (e.g. CI). It declares just what
// common.h and gemm.cc use; test/emulate.cc defines cublasSgemm_v2 with these same declarations.
// The real addon is always built against the real cuBLAS header.
#pragma once
#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  CUBLAS_STATUS_SUCCESS = 0,
  CUBLAS_STATUS_NOT_INITIALIZED = 1,
  CUBLAS_STATUS_ALLOC_FAILED = 3,
  CUBLAS_STATUS_INVALID_VALUE = 7,
} cublasStatus_t;

typedef enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2 } cublasOperation_t;

struct cublasContext;
typedef struct cublasContext* cublasHandle_t;

cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
                              const float* alpha, const float* A, int lda, const float* B, int ldb, const float* beta, float* C,
                              int ldc);
#define cublasSgemm cublasSgemm_v2

#ifdef __cplusplus
}
#endif
