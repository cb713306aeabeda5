// Host emulation of the whole-sequence cell kernels, for machines without a GPU.
//
// It links the real sequence.cc (the time loop, cache layout, GEMM shapes), gemm.cc (the row-major →
// cuBLAS mapping) and cell-math.h (the fused step math of every kernel thread), and replaces only the
// hardware: cublasSgemm_v2 by a reference column-major SGEMM with cuBLAS's documented semantics,
// kernel launches by host loops over the same per-element functions, device memory by malloc.
// src/emulation.test.ts feeds it random cases and compares with the float64 CPU backend.
//
// stdin (little-endian): int32 header [cell, T, B, I, H, reverse, yStride, yOffset, hasLengths,
// hasBias, hasH0, hasC0, hasDhN, hasDcN, hasDx, hasDh0], lengths int32[B] if hasLengths, then float32
// x, wIh, wHh, (bIh, bHh), (h0), (c0), dy [T·B·yStride], (dhN), (dcN).
// stdout: float32 y, hN, (cN), and after backward (gradient outputs start at 0.5 to check `+=`):
// (dx), dWih, dWhh, (dbIh, dbHh), (dh0, dc0).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../cell-math.h"
#include "../context.h"
#include "../sequence.h"

namespace rc {

[[noreturn]] void throwCuda(cudaError_t err, const std::string& where, double) {
  std::fprintf(stderr, "emulate: CUDA error %d in %s\n", static_cast<int>(err), where.c_str());
  std::exit(3);
}
[[noreturn]] void throwCublas(cublasStatus_t st, const std::string& where) {
  std::fprintf(stderr, "emulate: cuBLAS status %d in %s\n", static_cast<int>(st), where.c_str());
  std::exit(3);
}
[[noreturn]] void throwRecur(const std::string& code, const std::string& message) {
  std::fprintf(stderr, "emulate: %s: %s\n", code.c_str(), message.c_str());
  std::exit(3);
}

void* DevicePool::allocate(size_t bytes) { return std::calloc(1, bytes); }
void DevicePool::release(void* p) { std::free(p); }
Context::~Context() {}

void copyDeviceToDevice(Context&, void* dst, const void* src, size_t bytes) {
  if (dst != src) std::memmove(dst, src, bytes);
}
void copyHostToDevice(Context&, void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
void zeroDevice(Context&, void* p, size_t bytes) { std::memset(p, 0, bytes); }

void launchCellForwardStep(cudaStream_t, const StepArgs& a) {
  for (size_t i = 0; i < static_cast<size_t>(a.B) * a.H; i++) cellForwardElem(a, i);
}
void launchCellBackwardStep(cudaStream_t, const StepArgs& a) {
  for (size_t i = 0; i < static_cast<size_t>(a.B) * a.H; i++) cellBackwardElem(a, i);
}
void launchFill(cudaStream_t, float* x, size_t n, float v) {
  for (size_t i = 0; i < n; i++) x[i] = v;
}
void launchAxpy(cudaStream_t, float* y, const float* x, size_t n, float alpha) {
  for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

}  // namespace rc

// Reference SGEMM with cuBLAS's column-major semantics: C = α·op(A)·op(B) + β·C, C is m×n with
// leading dimension ldc; op(A) is m×k (A is lda-strided columns); β = 0 does not read C.
extern "C" cublasStatus_t cublasSgemm_v2(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                         const float* alpha, const float* A, int lda, const float* B, int ldb,
                                         const float* beta, float* C, int ldc) {
  if ((ta == CUBLAS_OP_N ? lda < m : lda < k) || (tb == CUBLAS_OP_N ? ldb < k : ldb < n) || ldc < m) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < m; i++) {
      float acc = 0.f;
      for (int l = 0; l < k; l++) {
        const float a = ta == CUBLAS_OP_N ? A[i + static_cast<size_t>(l) * lda] : A[l + static_cast<size_t>(i) * lda];
        const float b = tb == CUBLAS_OP_N ? B[l + static_cast<size_t>(j) * ldb] : B[j + static_cast<size_t>(l) * ldb];
        acc += a * b;
      }
      float* c = C + i + static_cast<size_t>(j) * ldc;
      *c = *beta == 0.f ? *alpha * acc : *alpha * acc + *beta * *c;
    }
  }
  return CUBLAS_STATUS_SUCCESS;
}

namespace {
template <typename T>
std::vector<T> readVec(size_t n) {
  std::vector<T> v(n);
  if (n > 0 && std::fread(v.data(), sizeof(T), n, stdin) != n) {
    std::fprintf(stderr, "emulate: short input\n");
    std::exit(2);
  }
  return v;
}
void writeVec(const std::vector<float>& v) { std::fwrite(v.data(), sizeof(float), v.size(), stdout); }
}  // namespace

int main() {
  std::vector<int> h = readVec<int>(16);
  const int cell = h[0], T = h[1], B = h[2], I = h[3], H = h[4];
  const bool reverse = h[5] != 0;
  const int yStride = h[6], yOffset = h[7];
  const bool hasLengths = h[8], hasBias = h[9], hasH0 = h[10], hasC0 = h[11], hasDhN = h[12], hasDcN = h[13], hasDx = h[14],
             hasDh0 = h[15];
  const int G = cell == rc::kLstm ? 4 : cell == rc::kGru ? 3 : 1, GH = G * H;
  const size_t BH = static_cast<size_t>(B) * H, TB = static_cast<size_t>(T) * B;
  const bool lstm = cell == rc::kLstm;
  std::vector<int> lengths = readVec<int>(hasLengths ? B : 0);
  auto x = readVec<float>(TB * I), wIh = readVec<float>(static_cast<size_t>(GH) * I), wHh = readVec<float>(static_cast<size_t>(GH) * H);
  auto bIh = readVec<float>(hasBias ? GH : 0), bHh = readVec<float>(hasBias ? GH : 0);
  auto h0 = readVec<float>(hasH0 ? BH : 0), c0 = readVec<float>(hasC0 ? BH : 0);
  auto dy = readVec<float>(TB * yStride);
  auto dhN = readVec<float>(hasDhN ? BH : 0), dcN = readVec<float>(hasDcN ? BH : 0);

  rc::Context ctx;
  rc::SequenceShape sh{cell, T, B, I, H, G, reverse, yStride, yOffset, hasLengths ? lengths.data() : nullptr};
  std::vector<float> y(TB * yStride, 7.f), hN(BH), cN(lstm ? BH : 0);
  std::vector<float> cache(rc::cacheLayout(cell, T, B, H, G).size);
  auto opt = [](std::vector<float>& v) { return v.empty() ? nullptr : v.data(); };
  rc::ForwardBuffers fb{x.data(), wIh.data(), wHh.data(), opt(bIh), opt(bHh), opt(h0), opt(c0), y.data(), hN.data(), opt(cN), cache.data()};
  rc::sequenceForward(ctx, sh, fb);
  writeVec(y);
  writeVec(hN);
  if (lstm) writeVec(cN);

  std::vector<float> dx(hasDx ? TB * I : 0, 0.5f), dWih(static_cast<size_t>(GH) * I, 0.5f), dWhh(static_cast<size_t>(GH) * H, 0.5f);
  std::vector<float> dbIh(hasBias ? GH : 0, 0.5f), dbHh(hasBias ? GH : 0, 0.5f), dh0(hasDh0 ? BH : 0, 0.5f), dc0(hasDh0 && lstm ? BH : 0, 0.5f);
  rc::BackwardBuffers bb{x.data(), wIh.data(), wHh.data(), cache.data(), dy.data(), opt(dhN), opt(dcN),
                         opt(dx), dWih.data(), dWhh.data(), opt(dbIh), opt(dbHh), opt(dh0), opt(dc0)};
  rc::sequenceBackward(ctx, sh, bb);
  if (hasDx) writeVec(dx);
  writeVec(dWih);
  writeVec(dWhh);
  if (hasBias) {
    writeVec(dbIh);
    writeVec(dbHh);
  }
  if (hasDh0) {
    writeVec(dh0);
    if (lstm) writeVec(dc0);
  }
  return 0;
}
