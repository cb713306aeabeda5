// Vectorised pointwise math for the short inference path: σ and tanh over arrays, and blocked
// row dot products. Compiled for AVX-512, AVX2 and a baseline (picked at load time); on glibc the
// transcendentals are libmvec's SIMD expf / tanhf (IEEE inf/NaN behaviour, ≤ 4 ulp).
#pragma once
#include <cstdint>

namespace ro {

/** x[i] = 1 / (1 + exp(−x[i])). */
void sigmoidInPlace(float* x, int64_t n);
/** x[i] = tanh(x[i]). */
void tanhInPlace(float* x, int64_t n);
/** out[n] = (bias ? bias[n] : 0) + Σ_k in[k]·W[n, k] for W [N, K] row-major (one input row). */
void dotRows(const float* in, int64_t K, const float* W, const float* bias, int64_t N, float* out);

}  // namespace ro
