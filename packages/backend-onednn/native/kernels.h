// Elementwise, reduction, loss and optimizer kernels on host float32 buffers (OpenMP-threaded above
// a size where threads pay). Semantics are backend-cpu's (the reference); see the comments in
// kernels.cc and packages/backend-cpu/src/{elementwise,loss,optimizers}.ts.
#pragma once
#include <cstdint>

namespace ro {

void fill(float* x, int64_t n, float value);
/** dst[dstOff + r·dstStride + j] (+)= src[srcOff + r·srcStride + j]; overlapping ranges read first. */
void copy2d(const float* src, int64_t srcOff, int64_t srcStride, float* dst, int64_t dstOff, int64_t dstStride, int64_t rows, int64_t cols, bool accumulate);
void axpy(float* y, const float* x, int64_t n, float alpha);
void scale(float* x, int64_t n, float alpha);
void mul(float* out, const float* a, const float* b, int64_t n);
void clip(float* x, int64_t n, float limit);
double sumSquares(const float* x, int64_t n);
void sumRows(const float* x, int64_t rows, int64_t cols, float* out, bool accumulate);

/** 0 identity, 1 tanh, 2 sigmoid, 3 relu. */
void activation(int op, const float* x, float* out, int64_t n);
void activationBackward(int op, const float* y, const float* dy, float* dx, int64_t n);
void softmax(const float* x, float* out, int64_t rows, int64_t cols, double invTemperature);

/** kind: 0 mse, 1 mae, 2 huber, 3 cross-entropy. Throws E_INVALID_TARGET for a bad class. */
void loss(int kind, const float* pred, const float* target, const float* weights, int64_t n, int64_t c, double delta, float* lossOut, float* grad);

struct OptimizerArgs {
  int kind;  // 0 sgd, 1 adam, 2 adamw, 3 rmsprop
  float* param;
  const float* grad;
  float* s0;
  float* s1;
  int64_t n;
  double lr, wd, momentum, dampening, beta1, beta2, alpha, eps, stepSize, bc2Sqrt;
  bool nesterov, firstStep;
};
void optimizer(const OptimizerArgs& a);

void gather(const float* table, const int32_t* indices, int64_t count, int64_t dim, float* out);
void scatterAdd(const float* grad, const int32_t* indices, int64_t count, int64_t dim, float* dTable);

}  // namespace ro
