// glibc declares the SIMD variants of expf / tanhf (libmvec) for `omp simd` loops only under
// __FAST_MATH__; defining it around <math.h> gets the declarations without compiling this file
// with -ffast-math (which would assume there are no NaNs or infinities). Only where the build found
// libmvec on x86-64 Linux (it defines RO_LIBMVEC and links it); elsewhere the loops call the scalar
// functions.
#if defined(RO_LIBMVEC) && defined(__x86_64__)
#define __FAST_MATH__ 1
#include <math.h>
#undef __FAST_MATH__
#else
#include <math.h>
#endif

#include "vector-math.h"

#if defined(__x86_64__)
#include <immintrin.h>
// GCC 12's _mm512_reduce_add_ps trips a false -Wmaybe-uninitialized inside its own header.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#if defined(__x86_64__) && defined(__linux__)
#define RO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RO_CLONES
#endif

namespace ro {

RO_CLONES void sigmoidInPlace(float* x, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) x[i] = 1.0f / (1.0f + expf(-x[i]));
}

RO_CLONES void tanhInPlace(float* x, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) x[i] = tanhf(x[i]);
}

namespace {

// Portable version: four rows at a time share the loads of `in`.
RO_CLONES void dotRowsGeneric(const float* in, int64_t K, const float* W, const float* bias, int64_t N, float* out) {
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

#if defined(__x86_64__)
// AVX-512: 16 lanes per FMA, the K tail under a mask, one shuffle-tree reduction per row (the
// compiler's reduction of the generic version spills every lane to the stack).
__attribute__((target("avx512f"))) void dotRows512(const float* in, int64_t K, const float* W, const float* bias, int64_t N, float* out) {
  const int64_t full = K & ~int64_t(15);
  const __mmask16 tail = static_cast<__mmask16>((1u << (K - full)) - 1u);
  int64_t n = 0;
  for (; n + 4 <= N; n += 4) {
    const float *w0 = W + n * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
    for (int64_t k = 0; k < full; k += 16) {
      const __m512 v = _mm512_loadu_ps(in + k);
      a0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w0 + k), a0);
      a1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w1 + k), a1);
      a2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w2 + k), a2);
      a3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w3 + k), a3);
    }
    if (tail) {
      const __m512 v = _mm512_maskz_loadu_ps(tail, in + full);
      a0 = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(tail, w0 + full), a0);
      a1 = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(tail, w1 + full), a1);
      a2 = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(tail, w2 + full), a2);
      a3 = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(tail, w3 + full), a3);
    }
    out[n] = (bias ? bias[n] : 0.0f) + _mm512_reduce_add_ps(a0);
    out[n + 1] = (bias ? bias[n + 1] : 0.0f) + _mm512_reduce_add_ps(a1);
    out[n + 2] = (bias ? bias[n + 2] : 0.0f) + _mm512_reduce_add_ps(a2);
    out[n + 3] = (bias ? bias[n + 3] : 0.0f) + _mm512_reduce_add_ps(a3);
  }
  for (; n < N; n++) {
    const float* w = W + n * K;
    __m512 a = _mm512_setzero_ps();
    for (int64_t k = 0; k < full; k += 16) a = _mm512_fmadd_ps(_mm512_loadu_ps(in + k), _mm512_loadu_ps(w + k), a);
    if (tail) a = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, in + full), _mm512_maskz_loadu_ps(tail, w + full), a);
    out[n] = (bias ? bias[n] : 0.0f) + _mm512_reduce_add_ps(a);
  }
}
#endif

}  // namespace

void dotRows(const float* in, int64_t K, const float* W, const float* bias, int64_t N, float* out) {
#if defined(__x86_64__)
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) {
    dotRows512(in, K, W, bias, N, out);
    return;
  }
#endif
  dotRowsGeneric(in, K, W, bias, N, out);
}

}  // namespace ro
