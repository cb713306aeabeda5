// C = alpha·op(A)·op(B) + beta·C (+ bias row), row-major, on oneDNN's dnnl_sgemm (OpenMP-threaded).
#pragma once
#include <cstdint>

namespace ro {
void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, const float* b, float beta, float* c, const float* bias);
}
