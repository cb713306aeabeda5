// out = init + in · Wᵀ for one input row (B = 1, the streaming case), W [N, K] packed once per
// parameter version. Shape legend: K the input width (I or H), N the output width (G·H).
//
// Why packed: a step with H = 128 multiplies h [128] by W_hh [512, 128] (256 KB, more than L1 holds,
// so every step streams it from L2). In PyTorch's row-major layout each output is a dot product of
// one row, and the horizontal reduction per row costs as much as the row's FMAs. Packed into groups
// of 256 output columns stored k-major, the group's 256 sums stay in 16 AVX-512 registers for the
// whole K loop and the weights are read once, sequentially: about 1.8× faster per step here.
//
// Layout: group g covers columns [g·256, g·256 + w_g), w_g = min(256, N16 − g·256) with N16 = N
// rounded up to 16 (padded columns are zero); its block starts at g·256·K and holds, for k = 0..K−1,
// the w_g weights W[g·256 + j, k] (j = 0..w_g−1).
#include "packed-matvec.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace ro {

namespace {

int64_t roundUp16(int64_t n) { return (n + 15) & ~int64_t(15); }

/** Plain C++: any CPU. */
void matvecGeneric(const float* in, int64_t K, const float* P, int64_t N, const float* init, float* out) {
  const int64_t N16 = roundUp16(N);
  for (int64_t g0 = 0; g0 < N16; g0 += PACK_GROUP) {
    const int64_t w = N16 - g0 < PACK_GROUP ? N16 - g0 : PACK_GROUP;
    const int64_t valid = N - g0 < w ? N - g0 : w;
    float acc[PACK_GROUP];
    for (int64_t j = 0; j < w; j++) acc[j] = init && j < valid ? init[g0 + j] : 0.0f;
    const float* p = P + g0 * K;
    for (int64_t k = 0; k < K; k++, p += w) {
      const float v = in[k];
      for (int64_t j = 0; j < w; j++) acc[j] += v * p[j];
    }
    for (int64_t j = 0; j < valid; j++) out[g0 + j] = acc[j];
  }
}

#if defined(__x86_64__)
/** One group of R·16 columns on AVX-512: R accumulators live in registers for the whole K loop. */
template <int R>
__attribute__((target("avx512f"))) void group512(const float* in, int64_t K, const float* p, int64_t valid, const float* init, float* out) {
  __m512 a[R];
  for (int r = 0; r < R; r++) {
    const int64_t left = valid - 16 * r;
    const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : left <= 0 ? __mmask16(0) : __mmask16((1u << left) - 1u);
    a[r] = init ? _mm512_maskz_loadu_ps(m, init + 16 * r) : _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < K; k++, p += 16 * R) {
    const __m512 v = _mm512_set1_ps(in[k]);
    for (int r = 0; r < R; r++) a[r] = _mm512_fmadd_ps(v, _mm512_loadu_ps(p + 16 * r), a[r]);
  }
  for (int r = 0; r < R; r++) {
    const int64_t left = valid - 16 * r;
    const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : left <= 0 ? __mmask16(0) : __mmask16((1u << left) - 1u);
    _mm512_mask_storeu_ps(out + 16 * r, m, a[r]);
  }
}

using Group512 = void (*)(const float*, int64_t, const float*, int64_t, const float*, float*);
template <int... R>
constexpr Group512 kGroups512[] = {nullptr, group512<R>...};
constexpr Group512 const* groups512 = kGroups512<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16>;

__attribute__((target("avx512f"))) void matvec512(const float* in, int64_t K, const float* P, int64_t N, const float* init, float* out) {
  const int64_t N16 = roundUp16(N);
  for (int64_t g0 = 0; g0 < N16; g0 += PACK_GROUP) {
    const int64_t w = N16 - g0 < PACK_GROUP ? N16 - g0 : PACK_GROUP;
    const int64_t valid = N - g0 < w ? N - g0 : w;
    groups512[w / 16](in, K, P + g0 * K, valid, init ? init + g0 : nullptr, out + g0);
  }
}

/**
 * AVX2 + FMA: a group is done in slices of up to 64 columns (8 ymm accumulators); each slice walks
 * k with the group's stride, so the group (≤ K KB) is read from L1/L2 once per slice.
 */
__attribute__((target("avx2,fma"))) void matvec256(const float* in, int64_t K, const float* P, int64_t N, const float* init, float* out) {
  const int64_t N16 = roundUp16(N);
  for (int64_t g0 = 0; g0 < N16; g0 += PACK_GROUP) {
    const int64_t w = N16 - g0 < PACK_GROUP ? N16 - g0 : PACK_GROUP;
    const int64_t valid = N - g0 < w ? N - g0 : w;
    for (int64_t s0 = 0; s0 < w; s0 += 64) {
      const int64_t R = (w - s0 < 64 ? w - s0 : 64) / 8;  // 2..8 (w and s0 are multiples of 16)
      __m256 a[8];
      float buf[8];
      for (int64_t r = 0; r < R; r++) {
        const int64_t c0 = s0 + 8 * r;
        if (!init) {
          a[r] = _mm256_setzero_ps();
        } else if (c0 + 8 <= valid) {
          a[r] = _mm256_loadu_ps(init + g0 + c0);
        } else {
          for (int64_t j = 0; j < 8; j++) buf[j] = c0 + j < valid ? init[g0 + c0 + j] : 0.0f;
          a[r] = _mm256_loadu_ps(buf);
        }
      }
      const float* p = P + g0 * K + s0;
      for (int64_t k = 0; k < K; k++, p += w) {
        const __m256 v = _mm256_set1_ps(in[k]);
        for (int64_t r = 0; r < R; r++) a[r] = _mm256_fmadd_ps(v, _mm256_loadu_ps(p + 8 * r), a[r]);
      }
      for (int64_t r = 0; r < R; r++) {
        const int64_t c0 = s0 + 8 * r;
        if (c0 + 8 <= valid) {
          _mm256_storeu_ps(out + g0 + c0, a[r]);
        } else {
          _mm256_storeu_ps(buf, a[r]);
          for (int64_t j = 0; c0 + j < valid; j++) out[g0 + c0 + j] = buf[j];
        }
      }
    }
  }
}
#endif

}  // namespace

int matvecIsa() {
#if defined(__x86_64__)
  // RECUR_ONEDNN_MATVEC_ISA=avx2|generic forces a narrower path (tests run each one on one CPU).
  const char* forced = std::getenv("RECUR_ONEDNN_MATVEC_ISA");
  const int best = __builtin_cpu_supports("avx512f") ? 2 : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
  if (forced && std::strcmp(forced, "generic") == 0) return 0;
  if (forced && std::strcmp(forced, "avx2") == 0) return best >= 1 ? 1 : 0;
  return best;
#else
  return 0;
#endif
}

int64_t packedSize(int64_t N, int64_t K) { return roundUp16(N) * K + 16; }

void packWeights(const float* W, int64_t N, int64_t K, float* out) {
  const int64_t N16 = roundUp16(N);
  for (int64_t g0 = 0; g0 < N16; g0 += PACK_GROUP) {
    const int64_t w = N16 - g0 < PACK_GROUP ? N16 - g0 : PACK_GROUP;
    float* o = out + g0 * K;
    for (int64_t k = 0; k < K; k++)
      for (int64_t j = 0; j < w; j++) o[k * w + j] = g0 + j < N ? W[(g0 + j) * K + k] : 0.0f;
  }
}

void matvecPacked(const float* in, int64_t K, const float* packed, int64_t N, const float* init, float* out) {
#if defined(__x86_64__)
  static const int isa = matvecIsa();
  if (isa == 2) return matvec512(in, K, packed, N, init, out);
  if (isa == 1) return matvec256(in, K, packed, N, init, out);
#endif
  matvecGeneric(in, K, packed, N, init, out);
}

}  // namespace ro
