// glibc declares the SIMD variants of expf / tanhf (libmvec) for `omp simd` loops only under
// __FAST_MATH__; defining it around <math.h> gets the declarations without compiling this file
// with -ffast-math (which would assume there are no NaNs or infinities).
#if defined(__linux__)
#define __FAST_MATH__ 1
#include <math.h>
#undef __FAST_MATH__
#else
#include <math.h>
#endif

#include "vector-math.h"

#define RO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

namespace ro {

RO_CLONES void sigmoidInPlace(float* x, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) x[i] = 1.0f / (1.0f + expf(-x[i]));
}

RO_CLONES void tanhInPlace(float* x, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) x[i] = tanhf(x[i]);
}

// Four rows at a time share the loads of `in`.
RO_CLONES void dotRows(const float* in, int64_t K, const float* W, const float* bias, int64_t N, float* out) {
  int64_t n = 0;
  for (; n + 4 <= N; n += 4) {
    const float *w0 = W + n * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
#pragma omp simd reduction(+ : a0, a1, a2, a3)
    for (int64_t k = 0; k < K; k++) {
      const float v = in[k];
      a0 += v * w0[k];
      a1 += v * w1[k];
      a2 += v * w2[k];
      a3 += v * w3[k];
    }
    out[n] = (bias ? bias[n] : 0.0f) + a0;
    out[n + 1] = (bias ? bias[n + 1] : 0.0f) + a1;
    out[n + 2] = (bias ? bias[n + 2] : 0.0f) + a2;
    out[n + 3] = (bias ? bias[n + 3] : 0.0f) + a3;
  }
  for (; n < N; n++) {
    const float* w = W + n * K;
    float a = 0.0f;
#pragma omp simd reduction(+ : a)
    for (int64_t k = 0; k < K; k++) a += in[k] * w[k];
    out[n] = (bias ? bias[n] : 0.0f) + a;
  }
}

}  // namespace ro
