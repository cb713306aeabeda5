// Matrix–vector products for streaming inference on weights packed once per parameter version.
#pragma once
#include <cstdint>

namespace ro {

/** Output columns per packed group: 16 AVX-512 registers of 16 lanes, held across the whole K loop. */
constexpr int64_t PACK_GROUP = 256;

/** The path matvecPacked takes: 2 AVX-512, 1 AVX2+FMA, 0 plain C++ (RECUR_ONEDNN_MATVEC_ISA may narrow it). */
int matvecIsa();

/**
 * Floats a buffer for a packed copy of W [N, K] needs: N rounded up to 16 (padding is zero) times K,
 * plus 16 so the copy can start on a 64-byte boundary inside it ({@link packedStart}).
 */
int64_t packedSize(int64_t N, int64_t K);

/**
 * Where the packed copy starts inside a buffer of packedSize floats: the first 64-byte boundary.
 * (A JavaScript ArrayBuffer is only 16-byte aligned; a 64-byte AVX-512 load across two cache lines
 * reads both, which made the product almost twice as slow.)
 */
inline float* packedStart(float* buffer) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(buffer);
  return reinterpret_cast<float*>((a + 63) & ~static_cast<uintptr_t>(63));
}

/**
 * Pack W [N, K] (row-major, PyTorch's weight layout) for {@link matvecPacked}: groups of up to
 * PACK_GROUP output columns, each stored k-major, so the product reads the weights once, front to
 * back (out holds packedSize(N, K) floats).
 */
void packWeights(const float* W, int64_t N, int64_t K, float* out);

/**
 * out[n] = (init ? init[n] : 0) + Σ_k in[k]·W[n, k], with W packed by packWeights. The sum runs
 * over k in order. `init` may alias `out`. AVX-512 or AVX2+FMA where the CPU has them (checked at
 * run time), plain C++ elsewhere.
 */
void matvecPacked(const float* in, int64_t K, const float* packed, int64_t N, const float* init, float* out);

}  // namespace ro
