#include "gemm.h"

#include "common.h"
#include "kernels.h"

namespace ro {

// Shape legend: op(A) m×k, op(B) k×n, C m×n, all row-major; A is stored k×m when transA, B n×k when transB.
void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, const float* b, float beta, float* c, const float* bias) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // Σ over nothing: C = beta·C (beta = 0 overwrites, so NaN in C does not survive).
    if (beta == 0.0f) fill(c, m * n, 0.0f);
    else scale(c, m * n, beta);
  } else {
    DNNL_CHECK(dnnl_sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, alpha, a, transA ? m : k, b, transB ? k : n, beta, c, n));
  }
  if (bias) {
#pragma omp parallel for if (m * n > (1 << 15))
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) c[i * n + j] += bias[j];
  }
}

}  // namespace ro
