// Elementwise, reduction, loss and optimizer kernels (float32 storage, double where backend-cpu
// accumulates in double). Loops over more than PAR elements run on the OpenMP team.
#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common.h"

namespace ro {

namespace {
constexpr int64_t PAR = 1 << 15;  // below this, thread start-up costs more than the loop
inline float sigmoidf(float v) { return 1.0f / (1.0f + std::exp(-v)); }
}  // namespace

void fill(float* x, int64_t n, float value) {
#pragma omp parallel for if (n > PAR)
  for (int64_t i = 0; i < n; i++) x[i] = value;
}

void copy2d(const float* src, int64_t srcOff, int64_t srcStride, float* dst, int64_t dstOff, int64_t dstStride, int64_t rows, int64_t cols, bool accumulate) {
  std::vector<float> tmp;
  const float* s = src + srcOff;
  int64_t sStride = srcStride;
  if (src == dst && rows > 0) {
    // The same buffer: read the whole source range first, as if copied through a temporary.
    const int64_t extent = (rows - 1) * srcStride + cols;
    tmp.assign(s, s + extent);
    s = tmp.data();
  }
  float* d = dst + dstOff;
  for (int64_t r = 0; r < rows; r++) {
    const float* sr = s + r * sStride;
    float* dr = d + r * dstStride;
    if (accumulate) {
      for (int64_t j = 0; j < cols; j++) dr[j] += sr[j];
    } else {
      std::memcpy(dr, sr, sizeof(float) * cols);
    }
  }
}

void axpy(float* y, const float* x, int64_t n, float alpha) {
#pragma omp parallel for if (n > PAR)
  for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

void scale(float* x, int64_t n, float alpha) {
#pragma omp parallel for if (n > PAR)
  for (int64_t i = 0; i < n; i++) x[i] *= alpha;
}

void mul(float* out, const float* a, const float* b, int64_t n) {
#pragma omp parallel for if (n > PAR)
  for (int64_t i = 0; i < n; i++) out[i] = a[i] * b[i];
}

// Clamp into [−limit, limit]; NaN compares false both ways and stays NaN.
void clip(float* x, int64_t n, float limit) {
#pragma omp parallel for if (n > PAR)
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    if (v > limit) x[i] = limit;
    else if (v < -limit) x[i] = -limit;
  }
}

// Σ x², accumulated in double.
double sumSquares(const float* x, int64_t n) {
  double s = 0;
#pragma omp parallel for reduction(+ : s) if (n > PAR)
  for (int64_t i = 0; i < n; i++) s += static_cast<double>(x[i]) * x[i];
  return s;
}

// out[c] (+)= Σ_r x[r, c], accumulated in double per column.
void sumRows(const float* x, int64_t rows, int64_t cols, float* out, bool accumulate) {
  std::vector<double> acc(cols, 0.0);
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    for (int64_t j = 0; j < cols; j++) acc[j] += xr[j];
  }
  for (int64_t j = 0; j < cols; j++) out[j] = static_cast<float>((accumulate ? out[j] : 0.0) + acc[j]);
}

void activation(int op, const float* x, float* out, int64_t n) {
#pragma omp parallel for if (n > PAR)
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    out[i] = op == 1 ? std::tanh(v) : op == 2 ? sigmoidf(v) : op == 3 ? (v > 0 ? v : 0.0f) : v;
  }
}

// dx = act'(·)⊙dy with act' from the forward output y: tanh 1−y², sigmoid y(1−y), relu [y>0].
void activationBackward(int op, const float* y, const float* dy, float* dx, int64_t n) {
#pragma omp parallel for if (n > PAR)
  for (int64_t i = 0; i < n; i++) {
    const float v = y[i];
    dx[i] = op == 1 ? dy[i] * (1 - v * v) : op == 2 ? dy[i] * v * (1 - v) : op == 3 ? (v > 0 ? dy[i] : 0.0f) : dy[i];
  }
}

// Row softmax of x·invT, with the row maximum subtracted first (no overflow).
void softmax(const float* x, float* out, int64_t rows, int64_t cols, double invT) {
#pragma omp parallel for if (rows * cols > PAR)
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* o = out + r * cols;
    double mx = -INFINITY;
    for (int64_t j = 0; j < cols; j++) mx = std::max(mx, xr[j] * invT);
    double sum = 0;
    for (int64_t j = 0; j < cols; j++) {
      const double e = std::exp(xr[j] * invT - mx);
      o[j] = static_cast<float>(e);
      sum += e;
    }
    const double s = 1 / sum;
    for (int64_t j = 0; j < cols; j++) o[j] = static_cast<float>(o[j] * s);
  }
}

// Mean losses with the gradient fused (PyTorch reduction='mean'); d = pred − target:
//   mse d² (2d), mae |d| (sign d), huber ½d² if |d| ≤ δ else δ(|d| − ½δ) (d, δ·sign d),
//   cross-entropy logsumexp(p_r) − p_r[t_r] (softmax − onehot).
// Mean = Σ w_r·ℓ_r / Σ w_r·(C or 1 for CE); 0 when every weight is 0.
void loss(int kind, const float* pred, const float* target, const float* weights, int64_t n, int64_t c, double delta, float* lossOut, float* grad) {
  const bool ce = kind == 3;
  double wSum = 0;
  for (int64_t r = 0; r < n; r++) wSum += weights ? weights[r] : 1.0;
  const double denom = wSum * (ce ? 1 : static_cast<double>(c));
  const double inv = denom != 0 ? 1 / denom : 0;
  double total = 0;
  for (int64_t r = 0; r < n; r++) {
    const double w = weights ? weights[r] : 1.0;
    const float* p = pred + r * c;
    float* g = grad ? grad + r * c : nullptr;
    if (w == 0) {
      if (g) std::fill(g, g + c, 0.0f);
      continue;
    }
    if (ce) {
      const double cls = target[r];
      if (!(cls >= 0 && cls < static_cast<double>(c) && std::floor(cls) == cls)) {
        char msg[160];
        std::snprintf(msg, sizeof msg, "row %lld has class %g, outside [0, %lld); cross-entropy targets are class indices.", static_cast<long long>(r), cls, static_cast<long long>(c));
        throwRecur("E_INVALID_TARGET", msg);
      }
      const int64_t k = static_cast<int64_t>(cls);
      double mx = -INFINITY;
      for (int64_t j = 0; j < c; j++) mx = std::max(mx, static_cast<double>(p[j]));
      double sum = 0;
      for (int64_t j = 0; j < c; j++) sum += std::exp(p[j] - mx);
      const double lse = mx + std::log(sum);
      total += w * (lse - p[k]);
      if (g) {
        const double gs = w * inv;
        for (int64_t j = 0; j < c; j++) g[j] = static_cast<float>((std::exp(p[j] - lse) - (j == k ? 1 : 0)) * gs);
      }
      continue;
    }
    const float* t = target + r * c;
    const double gs = w * inv;
    for (int64_t j = 0; j < c; j++) {
      const double d = static_cast<double>(p[j]) - t[j];
      double l, dl;
      if (kind == 0) {
        l = d * d;
        dl = 2 * d;
      } else if (kind == 1) {
        l = std::fabs(d);
        dl = d > 0 ? 1 : d < 0 ? -1 : d == 0 ? 0 : d;
      } else {
        const double ad = std::fabs(d);
        if (ad <= delta) {
          l = 0.5 * d * d;
          dl = d;
        } else {
          l = delta * (ad - 0.5 * delta);
          dl = d > 0 ? delta : d < 0 ? -delta : d;
        }
      }
      total += w * l;
      if (g) g[j] = static_cast<float>(dl * gs);
    }
  }
  lossOut[0] = static_cast<float>(total * inv);
}

// torch.optim semantics, per element (g = grad, p = param); see backend-cpu/src/optimizers.ts:
//   SGD      g += wd·p; buf = g (step 1) or μ·buf + (1−dampening)·g; g = nesterov ? g + μ·buf : buf; p −= lr·g
//   Adam     g += wd·p; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= stepSize·m / (√v/√(1−β2^t) + ε)
//   AdamW    p *= 1 − lr·wd, then Adam without the L2 term
//   RMSprop  g += wd·p; s = α·s + (1−α)·g²; avg = √s + ε; buf = μ·buf + g/avg, p −= lr·buf (or p −= lr·g/avg)
void optimizer(const OptimizerArgs& a) {
  const int64_t n = a.n;
  float* param = a.param;
  const float* grad = a.grad;
  switch (a.kind) {
    case 0: {
      float* buf = a.s0;
#pragma omp parallel for if (n > PAR)
      for (int64_t i = 0; i < n; i++) {
        const double w = param[i];
        double g = grad[i] + a.wd * w;
        if (buf) {
          const double b = a.firstStep ? g : a.momentum * buf[i] + (1 - a.dampening) * g;
          buf[i] = static_cast<float>(b);
          g = a.nesterov ? g + a.momentum * b : b;
        }
        param[i] = static_cast<float>(w - a.lr * g);
      }
      break;
    }
    case 1:
    case 2: {
      const bool decoupled = a.kind == 2;
      float* m = a.s0;
      float* v = a.s1;
#pragma omp parallel for if (n > PAR)
      for (int64_t i = 0; i < n; i++) {
        double w = param[i];
        double g = grad[i];
        if (decoupled) w = w * (1 - a.lr * a.wd);
        else g = g + a.wd * w;
        const double mi = a.beta1 * m[i] + (1 - a.beta1) * g;
        const double vi = a.beta2 * v[i] + (1 - a.beta2) * g * g;
        m[i] = static_cast<float>(mi);
        v[i] = static_cast<float>(vi);
        param[i] = static_cast<float>(w - (a.stepSize * mi) / (std::sqrt(vi) / a.bc2Sqrt + a.eps));
      }
      break;
    }
    case 3: {
      float* sq = a.s0;
      float* buf = a.s1;
#pragma omp parallel for if (n > PAR)
      for (int64_t i = 0; i < n; i++) {
        const double w = param[i];
        const double g = grad[i] + a.wd * w;
        const double s = a.alpha * sq[i] + (1 - a.alpha) * g * g;
        sq[i] = static_cast<float>(s);
        const double avg = std::sqrt(s) + a.eps;
        if (buf) {
          const double b = a.momentum * buf[i] + g / avg;
          buf[i] = static_cast<float>(b);
          param[i] = static_cast<float>(w - a.lr * b);
        } else {
          param[i] = static_cast<float>(w - (a.lr * g) / avg);
        }
      }
      break;
    }
    default:
      throwRecur("E_INVALID_ARGUMENT", "unknown optimizer kind");
  }
}

void gather(const float* table, const int32_t* indices, int64_t count, int64_t dim, float* out) {
  for (int64_t r = 0; r < count; r++) std::memcpy(out + r * dim, table + static_cast<int64_t>(indices[r]) * dim, sizeof(float) * dim);
}

// Repeated indices add up (sequential, so no two rows race).
void scatterAdd(const float* grad, const int32_t* indices, int64_t count, int64_t dim, float* dTable) {
  for (int64_t r = 0; r < count; r++) {
    float* d = dTable + static_cast<int64_t>(indices[r]) * dim;
    const float* s = grad + r * dim;
    for (int64_t j = 0; j < dim; j++) d[j] += s[j];
  }
}

}  // namespace ro
