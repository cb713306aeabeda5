// Row-major GEMM on cuBLAS (column-major). A row-major m×n matrix is, read column-major, its n×m
// transpose, so C[m,n] = α·op(A)·op(B) + β·C becomes Cᵀ = α·op(B)ᵀ·op(A)ᵀ + β·Cᵀ:
//   cublasSgemm(opB, opA, n, m, k, α, B, ldb, A, lda, β, C, ldc)
// where a row-major operand stored untransposed is already the transpose cuBLAS needs (op N), and a
// stored-transposed one needs op T. Leading dimensions are the row-major ones (elements per row).
// Kept in its own file so the host emulation (test/emulate.cc) checks exactly this mapping.
#include "context.h"

namespace rc {

void gemmRowMajor(Context& ctx, bool transA, bool transB, int m, int n, int k, float alpha, const float* A, int lda,
                  const float* B, int ldb, float beta, float* C, int ldc) {
  if (m == 0 || n == 0) return;
  CUBLAS_CHECK(cublasSgemm(ctx.blas, transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, &alpha, B,
                           ldb, A, lda, &beta, C, ldc));
}

}  // namespace rc
