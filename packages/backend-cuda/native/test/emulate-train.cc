// Host emulation of the loss and optimizer kernels, for machines without a GPU: it runs the same
// per-element functions as the kernels (train-math.h) over host arrays, reducing the loss in double
// as lossK does. src/emulation-train.test.ts drives it through the real TypeScript layer
// (training.ts) with a fake addon, and compares with the float64 CPU backend.
//
// stdin (little-endian), one operation:
//   optimizer: int32 [0, kind, n, hasS0, hasS1, nesterov, firstStep], float32 [lr, wd, momentum,
//              dampening, beta1, beta2, alpha, eps, stepSize, bc2Sqrt], param[n], grad[n], (s0[n]), (s1[n])
//              → stdout param, (s0), (s1)
//   loss:      int32 [1, kind, n, c, hasWeights, hasGrad], float32 [delta], pred[n·c],
//              target[n or n·c], (weights[n]) → stdout loss[1], (grad[n·c]), diag[2] (as float32)
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../train-math.h"

namespace {
template <typename T>
std::vector<T> readVec(size_t n) {
  std::vector<T> v(n);
  if (n > 0 && std::fread(v.data(), sizeof(T), n, stdin) != n) {
    std::fprintf(stderr, "emulate-train: short input\n");
    std::exit(2);
  }
  return v;
}
void writeVec(const std::vector<float>& v) { std::fwrite(v.data(), sizeof(float), v.size(), stdout); }
}  // namespace

int main() {
  const int op = readVec<int>(1)[0];
  if (op == 0) {
    auto h = readVec<int>(6);
    const int kind = h[0];
    const size_t n = static_cast<size_t>(h[1]);
    auto f = readVec<float>(10);
    rc::OptHyper hy{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], h[4], h[5]};
    auto param = readVec<float>(n), grad = readVec<float>(n), s0 = readVec<float>(h[2] ? n : 0), s1 = readVec<float>(h[3] ? n : 0);
    for (size_t i = 0; i < n; i++) rc::optimizerElem(kind, param.data(), grad.data(), h[2] ? s0.data() : nullptr, h[3] ? s1.data() : nullptr, i, hy);
    writeVec(param);
    writeVec(s0);
    writeVec(s1);
    return 0;
  }
  auto h = readVec<int>(5);
  const int kind = h[0], n = h[1], c = h[2];
  const bool hasWeights = h[3], hasGrad = h[4];
  const float delta = readVec<float>(1)[0];
  const size_t nc = static_cast<size_t>(n) * c;
  auto pred = readVec<float>(nc), target = readVec<float>(kind == rc::kCrossEntropy ? n : nc), weights = readVec<float>(hasWeights ? n : 0);
  std::vector<float> grad(hasGrad ? nc : 0, -99.f);
  int diag[2] = {0, 0};
  // As lossK: Σw first, inv = 1 / (Σw·(C or 1)) (0 when all weights are 0), then Σ of the row terms.
  double ws = 0;
  for (int r = 0; r < n; r++) ws += hasWeights ? weights[r] : 1.0;
  const double denom = ws * (kind == rc::kCrossEntropy ? 1 : c);
  const double inv = denom != 0 ? 1.0 / denom : 0.0;
  const float* w = hasWeights ? weights.data() : nullptr;
  float* g = hasGrad ? grad.data() : nullptr;
  double total = 0;
  if (kind == rc::kCrossEntropy) {
    for (int r = 0; r < n; r++) total += rc::crossEntropyRow(pred.data(), target.data(), w, r, c, inv, g, diag);
  } else {
    for (size_t i = 0; i < nc; i++) total += rc::pointLoss(kind, pred.data(), target.data(), w, i, c, delta, inv, g);
  }
  writeVec({static_cast<float>(total * inv)});
  writeVec(grad);
  writeVec({static_cast<float>(diag[0]), static_cast<float>(diag[1])});
  return 0;
}
