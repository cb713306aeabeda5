// The Node-API surface of recur_onednn.node. Every binding validates what it is given (typed-array
// kinds and lengths, so a wrong call from JavaScript is an error, never an out-of-bounds access),
// sets the context's thread count, runs, and turns any failure into a JS Error with fields
// { source: 'onednn' | 'recur', status, statusName, where } (see src/onednn-errors.ts).
#include <node_api.h>
#include <omp.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include <oneapi/dnnl/dnnl.hpp>

#include "common.h"
#include "gemm.h"
#include "kernels.h"
#include "packed-matvec.h"
#include "rnn.h"

namespace ro {

const char* statusName(dnnl_status_t st) {
  switch (st) {
    case dnnl_success: return "dnnl_success";
    case dnnl_out_of_memory: return "dnnl_out_of_memory";
    case dnnl_invalid_arguments: return "dnnl_invalid_arguments";
    case dnnl_unimplemented: return "dnnl_unimplemented";
    case dnnl_iterator_ends: return "dnnl_iterator_ends";
    case dnnl_runtime_error: return "dnnl_runtime_error";
    case dnnl_not_required: return "dnnl_not_required";
    default: return "dnnl_unknown_status";
  }
}

void throwDnnl(dnnl_status_t st, const std::string& where) {
  throw Failure{Source::Onednn, static_cast<int>(st), statusName(st), std::string("oneDNN returned ") + statusName(st), where};
}

void throwRecur(const std::string& code, const std::string& message) { throw Failure{Source::Recur, 0, code, message, ""}; }

void useThreads(int threads) {
  static int current = -1;
  if (threads > 0 && threads != current) {
    omp_set_num_threads(threads);
    current = threads;
  }
}

namespace {

/** The buffers of a streaming forward call, in argument order (see CellForward). */
enum StepBuffer { kX, kWih, kWhh, kBih, kBhh, kH0, kC0, kY, kHN, kCN, kPackIh, kPackHh, kStepBuffers };

/** Their names, for error messages. */
constexpr const char* kStepNames[kStepBuffers] = {"x", "wIh", "wHh", "bIh", "bHh", "h0", "c0", "y", "hN", "cN", "packIh", "packHh"};

/**
 * The buffers of the last streaming call made with `bind` (see CellForward), for cellForwardBound:
 * their data pointers and lengths, and a reference to each array, so none is collected (and its
 * memory reused) while it is bound. JavaScript ArrayBuffers of this backend are never detached or
 * moved, so the pointers stay valid for as long as the references are held.
 */
struct StepBinding {
  float* ptr[kStepBuffers] = {};
  int64_t len[kStepBuffers] = {};
  napi_ref ref[kStepBuffers] = {};
  bool active = false;

  void release(napi_env env) {
    for (auto& r : ref) {
      if (r) napi_delete_reference(env, r);
      r = nullptr;
    }
    active = false;
  }
};

/**
 * Bindings per context: two, because a stream double-buffers its state (core's RecurrentStream
 * reads h from one tensor and writes the other, then they swap), so its steps alternate between two
 * sets of buffers.
 */
constexpr int kBindings = 2;

/** A context: the RNN engine (primitive cache), its thread count and the bound streaming buffers. */
struct Context {
  RnnEngine* rnn = nullptr;
  int threads = 1;
  StepBinding bound[kBindings];

  void unbindAll(napi_env env) {
    for (auto& b : bound) b.release(env);
  }
};

napi_value throwJs(napi_env env, const Failure& f) {
  napi_value msg, err, v;
  std::string text = f.message + (f.where.empty() ? "" : " (in " + f.where + ")");
  napi_create_string_utf8(env, text.c_str(), NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, nullptr, msg, &err);
  napi_create_string_utf8(env, f.source == Source::Onednn ? "onednn" : "recur", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "source", v);
  napi_create_int32(env, f.status, &v);
  napi_set_named_property(env, err, "status", v);
  napi_create_string_utf8(env, f.name.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "statusName", v);
  napi_create_string_utf8(env, f.where.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "where", v);
  napi_throw(env, err);
  return nullptr;
}

[[noreturn]] void bad(const std::string& what) { throwRecur("E_NATIVE_ARGUMENT", what); }

/** Arguments of one call: positional values and named properties of an options object. */
struct Args {
  napi_env env;
  static constexpr size_t kMaxArgs = 18;
  napi_value argv[kMaxArgs];
  size_t argc = kMaxArgs;
  Args(napi_env e, napi_callback_info info) : env(e) {
    napi_get_cb_info(e, info, &argc, argv, nullptr, nullptr);
    if (argc > kMaxArgs) argc = kMaxArgs;  // napi_get_cb_info reports the count passed, fills at most kMaxArgs
  }
  napi_value at(size_t i) const {
    if (i >= argc) bad("missing argument " + std::to_string(i));
    return argv[i];
  }
  napi_value prop(napi_value obj, const char* k) const {
    napi_value v;
    if (napi_get_named_property(env, obj, k, &v) != napi_ok) bad(std::string("cannot read property ") + k);
    return v;
  }
  bool isNull(napi_value v) const {
    napi_valuetype t;
    napi_typeof(env, v, &t);
    return t == napi_null || t == napi_undefined;
  }
  double num(napi_value v, const char* what) const {
    double d;
    if (napi_get_value_double(env, v, &d) != napi_ok) bad(std::string(what) + " must be a number");
    return d;
  }
  int64_t i64(napi_value v, const char* what) const {
    const double d = num(v, what);
    if (!(d >= 0 && d <= 9.007199254740991e15) || d != static_cast<double>(static_cast<int64_t>(d))) bad(std::string(what) + " must be a non-negative integer");
    return static_cast<int64_t>(d);
  }
  bool flag(napi_value v) const {
    bool b = false;
    napi_get_value_bool(env, v, &b);
    return b;
  }
  /** A Float32Array with at least `need` elements (null/undefined → nullptr when optional). */
  float* f32(napi_value v, int64_t need, const char* what, bool optional = false) const {
    napi_typedarray_type type;
    size_t length;
    void* data;
    // One call on the hot path: napi_get_typedarray_info fails (napi_invalid_arg) on anything that
    // is not a typed array, and only then is the value inspected further.
    if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok) {
      if (isNull(v)) {
        if (optional) return nullptr;
        bad(std::string(what) + " is required");
      }
      bad(std::string(what) + " must be a Float32Array");
    }
    if (type != napi_float32_array) bad(std::string(what) + " must be a Float32Array");
    if (static_cast<int64_t>(length) < need) bad(std::string(what) + " has " + std::to_string(length) + " elements, needs " + std::to_string(need));
    static float empty[1] = {0.0f};  // an empty array may have no storage; nothing is read from it
    return data ? static_cast<float*>(data) : empty;
  }
  /** A Float32Array of any length (its element count in *n), or nullptr for null/undefined. */
  float* f32n(napi_value v, int64_t* n, const char* what) const {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    *n = 0;
    if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok) {
      if (isNull(v)) return nullptr;
      bad(std::string(what) + " must be a Float32Array");
    }
    if (type != napi_float32_array) bad(std::string(what) + " must be a Float32Array");
    *n = static_cast<int64_t>(length);
    static float empty[1] = {0.0f};  // an empty array may have no storage; nothing is read from it
    return data ? static_cast<float*>(data) : empty;
  }
  int64_t length(napi_value v) const {
    napi_typedarray_type type;
    size_t len = 0;
    napi_get_typedarray_info(env, v, &type, &len, nullptr, nullptr, nullptr);
    return static_cast<int64_t>(len);
  }
  int32_t* i32(napi_value v, int64_t* count, const char* what) const {
    bool is = false;
    napi_is_typedarray(env, v, &is);
    napi_typedarray_type type;
    size_t length;
    void* data;
    if (!is || napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_int32_array) bad(std::string(what) + " must be an Int32Array");
    *count = static_cast<int64_t>(length);
    return static_cast<int32_t*>(data);
  }
  float* f32p(napi_value obj, const char* k, int64_t need, bool optional = false) const { return f32(prop(obj, k), need, k, optional); }
  double nump(napi_value obj, const char* k) const { return num(prop(obj, k), k); }
  int64_t i64p(napi_value obj, const char* k) const { return i64(prop(obj, k), k); }
  bool flagp(napi_value obj, const char* k) const { return flag(prop(obj, k)); }
  /** The live context of argument 0 (sets its thread count). */
  Context& ctx() const {
    void* p = nullptr;
    if (napi_get_value_external(env, at(0), &p) != napi_ok || p == nullptr) bad("argument 0 must be a context");
    auto* c = static_cast<Context*>(p);
    if (c->rnn == nullptr) throwRecur("E_BACKEND_DESTROYED", "the context was destroyed");
    useThreads(c->threads);
    return *c;
  }
};

napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value number(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

template <typename F>
napi_value guarded(napi_env env, F&& body) {
  try {
    return body();
  } catch (const Failure& f) {
    return throwJs(env, f);
  } catch (const dnnl::error& e) {
    return throwJs(env, Failure{Source::Onednn, static_cast<int>(e.status), statusName(e.status), std::string("oneDNN returned ") + statusName(e.status) + ": " + e.what(), e.what()});
  } catch (const std::bad_alloc&) {
    return throwJs(env, Failure{Source::Recur, 0, "E_HOST_OUT_OF_MEMORY", "host memory allocation failed", "std::bad_alloc"});
  } catch (const std::exception& e) {
    return throwJs(env, Failure{Source::Recur, 0, "E_NATIVE", e.what(), ""});
  }
}

#define BINDING(name) napi_value name(napi_env env, napi_callback_info info)
#define BODY(...) return guarded(env, [&]() -> napi_value { Args A(env, info); __VA_ARGS__ })

const char* isaName(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    default: return "other";
  }
}

BINDING(Version) {
  BODY({
    const dnnl_version_t* v = dnnl_version();
    napi_value o, s;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "major", number(env, v->major));
    napi_set_named_property(env, o, "minor", number(env, v->minor));
    napi_set_named_property(env, o, "patch", number(env, v->patch));
    napi_create_string_utf8(env, v->hash ? v->hash : "", NAPI_AUTO_LENGTH, &s);
    napi_set_named_property(env, o, "hash", s);
    napi_create_string_utf8(env, isaName(dnnl_get_effective_cpu_isa()), NAPI_AUTO_LENGTH, &s);
    napi_set_named_property(env, o, "isa", s);
    napi_create_string_utf8(env, "openmp", NAPI_AUTO_LENGTH, &s);
    napi_set_named_property(env, o, "threading", s);
    napi_set_named_property(env, o, "maxThreads", number(env, omp_get_num_procs()));
    return o;
  });
}

void finalizeContext(napi_env env, void* data, void*) {
  auto* c = static_cast<Context*>(data);
  c->unbindAll(env);
  delete c->rnn;
  delete c;
}

BINDING(Create) {
  BODY({
    auto* c = new Context();
    c->threads = static_cast<int>(A.i64(A.at(0), "threads"));
    if (c->threads < 1) c->threads = 1;
    c->rnn = new RnnEngine();
    napi_value ext;
    napi_create_external(env, c, finalizeContext, nullptr, &ext);
    return ext;
  });
}

BINDING(Destroy) {
  BODY({
    void* p = nullptr;
    napi_get_value_external(env, A.at(0), &p);
    if (p) {
      auto* c = static_cast<Context*>(p);
      c->unbindAll(env);
      delete c->rnn;
      c->rnn = nullptr;
    }
    return undef(env);
  });
}

BINDING(PlanCount) { BODY({ return number(env, static_cast<double>(A.ctx().rnn->planCount())); }); }

BINDING(Gemm) {
  BODY({
    A.ctx();
    napi_value o = A.at(1);
    const bool ta = A.flagp(o, "transA"), tb = A.flagp(o, "transB");
    const int64_t m = A.i64p(o, "m"), n = A.i64p(o, "n"), k = A.i64p(o, "k");
    const float* a = A.f32p(o, "a", m * k);
    const float* b = A.f32p(o, "b", k * n);
    float* c = A.f32p(o, "c", m * n);
    const float* bias = A.f32p(o, "bias", n, true);
    gemm(ta, tb, m, n, k, static_cast<float>(A.nump(o, "alpha")), a, b, static_cast<float>(A.nump(o, "beta")), c, bias);
    return undef(env);
  });
}

BINDING(Fill) {
  BODY({
    A.ctx();
    const int64_t n = A.i64(A.at(2), "n");
    fill(A.f32(A.at(1), n, "x"), n, static_cast<float>(A.num(A.at(3), "value")));
    return undef(env);
  });
}

BINDING(Copy2d) {
  BODY({
    A.ctx();
    const int64_t srcOff = A.i64(A.at(2), "srcOffset"), srcStride = A.i64(A.at(3), "srcStride");
    const int64_t dstOff = A.i64(A.at(5), "dstOffset"), dstStride = A.i64(A.at(6), "dstStride");
    const int64_t rows = A.i64(A.at(7), "rows"), cols = A.i64(A.at(8), "cols");
    if (rows == 0 || cols == 0) return undef(env);
    const float* src = A.f32(A.at(1), srcOff + (rows - 1) * srcStride + cols, "src");
    float* dst = A.f32(A.at(4), dstOff + (rows - 1) * dstStride + cols, "dst");
    copy2d(src, srcOff, srcStride, dst, dstOff, dstStride, rows, cols, A.flag(A.at(9)));
    return undef(env);
  });
}

BINDING(Axpy) {
  BODY({
    A.ctx();
    const int64_t n = A.i64(A.at(3), "n");
    axpy(A.f32(A.at(1), n, "y"), A.f32(A.at(2), n, "x"), n, static_cast<float>(A.num(A.at(4), "alpha")));
    return undef(env);
  });
}

BINDING(Scale) {
  BODY({
    A.ctx();
    const int64_t n = A.i64(A.at(2), "n");
    scale(A.f32(A.at(1), n, "x"), n, static_cast<float>(A.num(A.at(3), "alpha")));
    return undef(env);
  });
}

BINDING(Mul) {
  BODY({
    A.ctx();
    const int64_t n = A.i64(A.at(4), "n");
    mul(A.f32(A.at(1), n, "out"), A.f32(A.at(2), n, "a"), A.f32(A.at(3), n, "b"), n);
    return undef(env);
  });
}

BINDING(Clip) {
  BODY({
    A.ctx();
    const int64_t n = A.i64(A.at(2), "n");
    clip(A.f32(A.at(1), n, "x"), n, static_cast<float>(A.num(A.at(3), "limit")));
    return undef(env);
  });
}

BINDING(SumSquares) {
  BODY({
    A.ctx();
    const int64_t n = A.i64(A.at(2), "n");
    const double s = sumSquares(A.f32(A.at(1), n, "x"), n);
    A.f32(A.at(3), 1, "out")[0] = static_cast<float>(s);
    return undef(env);
  });
}

BINDING(SumRows) {
  BODY({
    A.ctx();
    const int64_t rows = A.i64(A.at(2), "rows"), cols = A.i64(A.at(3), "cols");
    sumRows(A.f32(A.at(1), rows * cols, "x"), rows, cols, A.f32(A.at(4), cols, "out"), A.flag(A.at(5)));
    return undef(env);
  });
}

BINDING(Activation) {
  BODY({
    A.ctx();
    const int op = static_cast<int>(A.i64(A.at(1), "op"));
    const int64_t n = A.i64(A.at(4), "n");
    activation(op, A.f32(A.at(2), n, "x"), A.f32(A.at(3), n, "out"), n);
    return undef(env);
  });
}

BINDING(ActivationBackward) {
  BODY({
    A.ctx();
    const int op = static_cast<int>(A.i64(A.at(1), "op"));
    const int64_t n = A.i64(A.at(5), "n");
    activationBackward(op, A.f32(A.at(2), n, "y"), A.f32(A.at(3), n, "dy"), A.f32(A.at(4), n, "dx"), n);
    return undef(env);
  });
}

BINDING(Softmax) {
  BODY({
    A.ctx();
    const int64_t rows = A.i64(A.at(3), "rows"), cols = A.i64(A.at(4), "cols");
    softmax(A.f32(A.at(1), rows * cols, "x"), A.f32(A.at(2), rows * cols, "out"), rows, cols, A.num(A.at(5), "invTemperature"));
    return undef(env);
  });
}

BINDING(Loss) {
  BODY({
    A.ctx();
    napi_value o = A.at(1);
    const int kind = static_cast<int>(A.i64p(o, "kind"));
    const int64_t n = A.i64p(o, "n"), c = A.i64p(o, "c");
    loss(kind, A.f32p(o, "pred", n * c), A.f32p(o, "target", kind == 3 ? n : n * c), A.f32p(o, "weights", n, true), n, c, A.nump(o, "delta"), A.f32p(o, "loss", 1),
         A.f32p(o, "grad", n * c, true));
    return undef(env);
  });
}

BINDING(Optimizer) {
  BODY({
    A.ctx();
    napi_value o = A.at(1);
    OptimizerArgs a{};
    a.kind = static_cast<int>(A.i64p(o, "kind"));
    a.n = A.i64p(o, "n");
    a.param = A.f32p(o, "param", a.n);
    a.grad = A.f32p(o, "grad", a.n);
    a.s0 = A.f32p(o, "s0", a.n, true);
    a.s1 = A.f32p(o, "s1", a.n, true);
    if ((a.kind == 1 || a.kind == 2) && (!a.s0 || !a.s1)) bad("adam needs two state buffers");
    if (a.kind == 3 && !a.s0) bad("rmsprop needs a square-average buffer");
    a.lr = A.nump(o, "lr");
    a.wd = A.nump(o, "wd");
    a.momentum = A.nump(o, "momentum");
    a.dampening = A.nump(o, "dampening");
    a.beta1 = A.nump(o, "beta1");
    a.beta2 = A.nump(o, "beta2");
    a.alpha = A.nump(o, "alpha");
    a.eps = A.nump(o, "eps");
    a.stepSize = A.nump(o, "stepSize");
    a.bc2Sqrt = A.nump(o, "bc2Sqrt");
    a.nesterov = A.flagp(o, "nesterov");
    a.firstStep = A.flagp(o, "firstStep");
    optimizer(a);
    return undef(env);
  });
}

/** Indices checked against the table's rows (the TypeScript side checks first; this is the backstop). */
void checkIndices(const int32_t* idx, int64_t count, int64_t rows) {
  for (int64_t r = 0; r < count; r++)
    if (idx[r] < 0 || idx[r] >= rows) bad("index out of range");
}

BINDING(Gather) {
  BODY({
    A.ctx();
    int64_t count;
    const int32_t* idx = A.i32(A.at(2), &count, "indices");
    const int64_t dim = A.i64(A.at(3), "dim");
    const int64_t tableLen = A.length(A.at(1));
    if (dim == 0) return undef(env);
    checkIndices(idx, count, tableLen / dim);
    gather(A.f32(A.at(1), tableLen, "table"), idx, count, dim, A.f32(A.at(4), count * dim, "out"));
    return undef(env);
  });
}

BINDING(ScatterAdd) {
  BODY({
    A.ctx();
    int64_t count;
    const int32_t* idx = A.i32(A.at(2), &count, "indices");
    const int64_t dim = A.i64(A.at(3), "dim");
    const int64_t tableLen = A.length(A.at(4));
    if (dim == 0) return undef(env);
    checkIndices(idx, count, tableLen / dim);
    scatterAdd(A.f32(A.at(1), count * dim, "grad"), idx, count, dim, A.f32(A.at(4), tableLen, "dTable"));
    return undef(env);
  });
}

CellShape cellShape(const Args& A, napi_value o) {
  CellShape s{};
  s.cell = static_cast<int>(A.i64p(o, "cell"));
  if (s.cell < 0 || s.cell > 3) bad("unknown cell code");
  s.T = A.i64p(o, "T");
  s.B = A.i64p(o, "B");
  s.I = A.i64p(o, "I");
  s.H = A.i64p(o, "H");
  s.reverse = A.flagp(o, "reverse");
  s.yStride = A.i64p(o, "yStride");
  s.yOffset = A.i64p(o, "yOffset");
  if (s.yOffset + s.H > s.yStride) bad("yOffset + H exceeds yStride");
  napi_value lv = A.prop(o, "lengths");
  s.lengths = nullptr;
  if (!A.isNull(lv)) {
    int64_t count;
    s.lengths = A.i32(lv, &count, "lengths");
    if (count != s.B) bad("lengths must have B entries");
    for (int64_t b = 0; b < s.B; b++)
      if (s.lengths[b] < 0 || s.lengths[b] > s.T) bad("lengths out of range");
  }
  return s;
}

int gatesOfCell(int cell) { return cell == Lstm ? 4 : cell == Gru ? 3 : 1; }

BINDING(CacheSize) {
  BODY({
    Context& c = A.ctx();
    return number(env, static_cast<double>(c.rnn->cacheSize(cellShape(A, A.at(1)), c.threads)));
  });
}

/** The cell shape in `dims` = Int32Array [cell, T, B, I, H, reverse, yStride, yOffset[, repack]]. */
CellShape forwardShape(const Args& A, napi_value dims, int* repack) {
  int64_t nd = 0;
  const int32_t* d = A.i32(dims, &nd, "dims");
  if (nd != 8 && nd != 9) bad("dims must have 8 or 9 entries");
  for (int k = 0; k < nd; k++)
    if (d[k] < 0) bad("dims must be non-negative");
  CellShape s{d[0], d[1], d[2], d[3], d[4], d[5] != 0, d[6], d[7], nullptr};
  if (s.cell > 3) bad("unknown cell code");
  if (s.yOffset + s.H > s.yStride) bad("yOffset + H exceeds yStride");
  *repack = nd == 9 ? d[8] : 3;
  return s;
}

/**
 * Check the streaming buffers against the shape (the sizes each needs; which may be absent) and run
 * the forward pass on them. `packed`: packIh / packHh are used (short inference only).
 */
void forwardOn(Context& c, const CellShape& s, float* const* p, const int64_t* n, bool packed, int repack, float* cache, int64_t cacheLen) {
  const int64_t G = gatesOfCell(s.cell), T = s.T, B = s.B, I = s.I, H = s.H;
  const bool lstm = s.cell == Lstm;
  const int64_t need[kStepBuffers] = {T * B * I, G * H * I, G * H * H, G * H, G * H, B * H, B * H, T * B * s.yStride, B * H, B * H, packedSize(G * H, I), packedSize(G * H, H)};
  // optional: biases, initial states, and (inference) the packed copies
  const bool optional[kStepBuffers] = {false, false, false, true, true, true, true, false, false, !lstm, true, true};
  const bool used[kStepBuffers] = {true, true, true, true, true, true, lstm, true, true, lstm, packed, packed};
  for (int i = 0; i < kStepBuffers; i++) {
    if (!used[i]) continue;
    if (!p[i]) {
      if (!optional[i]) bad(std::string(kStepNames[i]) + " is required");
      continue;
    }
    if (n[i] < need[i]) bad(std::string(kStepNames[i]) + " has " + std::to_string(n[i]) + " elements, needs " + std::to_string(need[i]));
  }
  ForwardArgs a{};
  a.x = p[kX];
  a.wIh = p[kWih];
  a.wHh = p[kWhh];
  a.bIh = p[kBih];
  a.bHh = p[kBhh];
  a.h0 = p[kH0];
  a.c0 = lstm ? p[kC0] : nullptr;
  a.y = p[kY];
  a.hN = p[kHN];
  a.cN = lstm ? p[kCN] : nullptr;
  a.cache = cache;
  a.cacheLen = cacheLen;
  if (packed && !cache) {
    a.packIh = p[kPackIh];
    a.packHh = p[kPackHh];
    a.repack = repack;
  }
  c.rnn->forward(s, a, c.threads);
}

/** Argument positions of CellForward's buffers, by StepBuffer. */
constexpr size_t kStepArg[kStepBuffers] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15};

/**
 * cellForward(ctx, dims, lengths, x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN, cache[, packIh, packHh[, bind]])
 * with dims = Int32Array [cell, T, B, I, H, reverse, yStride, yOffset[, repack]]: positional,
 * because a streaming step is a few µs of work and every named-property lookup costs a string
 * internalisation. packIh / packHh (inference over ≤ SHORT_FORWARD_MAX_T steps only): the caller's
 * packed copies of the weights (packed-matvec.h), repacked here where `repack` bit 0 / 1 is set.
 * `bind` (with the packs, without lengths): the binding slot (0 or 1) that keeps these buffers for
 * cellForwardBound, or -1 for none.
 */
BINDING(CellForward) {
  BODY({
    Context& c = A.ctx();
    int repack = 3;
    CellShape s = forwardShape(A, A.at(1), &repack);
    if (!A.isNull(A.at(2))) {
      int64_t count;
      s.lengths = A.i32(A.at(2), &count, "lengths");
      if (count != s.B) bad("lengths must have B entries");
      for (int64_t b = 0; b < s.B; b++)
        if (s.lengths[b] < 0 || s.lengths[b] > s.T) bad("lengths out of range");
    }
    float* p[kStepBuffers] = {};
    int64_t n[kStepBuffers] = {};
    const size_t have = A.argc > 15 ? kStepBuffers : kPackIh;  // the packs are the optional last two
    for (size_t i = 0; i < have; i++) p[i] = A.f32n(A.at(kStepArg[i]), &n[i], kStepNames[i]);
    napi_value cache = A.at(13);
    float* cacheData = A.f32(cache, 0, "cache", true);
    const bool packed = A.argc > 15 && !cacheData;
    forwardOn(c, s, p, n, packed, repack, cacheData, cacheData ? A.length(cache) : 0);
    const int64_t slot = A.argc > 16 && !A.isNull(A.at(16)) ? static_cast<int64_t>(A.num(A.at(16), "bind")) : -1;
    if (slot >= 0) {
      if (slot >= kBindings) bad("bind must be -1, 0 or 1");
      if (!packed || s.lengths) bad("bind needs the packed copies and no lengths");
      StepBinding& b = c.bound[slot];
      b.release(env);
      for (size_t i = 0; i < kStepBuffers; i++) {
        b.ptr[i] = p[i];
        b.len[i] = n[i];
        if (p[i]) napi_create_reference(env, A.at(kStepArg[i]), 1, &b.ref[i]);
      }
      b.active = true;
    }
    return undef(env);
  });
}

/**
 * cellForwardBound(ctx, dims, slot): cellForward on the buffers bound in `slot` (the streaming path:
 * one step per call on the same buffers, without 12 arrays to unwrap per step). The sizes are
 * checked against `dims` again, so a bound buffer can never be overrun.
 */
BINDING(CellForwardBound) {
  BODY({
    Context& c = A.ctx();
    const int64_t slot = A.i64(A.at(2), "slot");
    if (slot >= kBindings || !c.bound[slot].active) bad("no buffers are bound in this slot (call cellForward with bind first)");
    int repack = 3;
    const CellShape s = forwardShape(A, A.at(1), &repack);
    forwardOn(c, s, c.bound[slot].ptr, c.bound[slot].len, true, repack, nullptr, 0);
    return undef(env);
  });
}

/** unbind(ctx): release every buffer cellForward bound (they may be collected again). */
BINDING(Unbind) {
  BODY({
    void* q = nullptr;
    napi_get_value_external(env, A.at(0), &q);
    if (q) static_cast<Context*>(q)->unbindAll(env);
    return undef(env);
  });
}

BINDING(CellBackward) {
  BODY({
    Context& c = A.ctx();
    napi_value o = A.at(1);
    const CellShape s = cellShape(A, o);
    const int64_t G = gatesOfCell(s.cell), T = s.T, B = s.B, I = s.I, H = s.H;
    const bool lstm = s.cell == Lstm;
    BackwardArgs a{};
    a.x = A.f32p(o, "x", T * B * I);
    a.wIh = A.f32p(o, "wIh", G * H * I);
    a.wHh = A.f32p(o, "wHh", G * H * H);
    a.bIh = A.f32p(o, "bIh", G * H, true);
    a.bHh = A.f32p(o, "bHh", G * H, true);
    a.h0 = A.f32p(o, "h0", B * H, true);
    a.c0 = lstm ? A.f32p(o, "c0", B * H, true) : nullptr;
    napi_value cache = A.prop(o, "cache");
    a.cache = A.f32(cache, 1, "cache");
    a.cacheLen = A.length(cache);
    a.dy = A.f32p(o, "dy", T * B * s.yStride, true);
    a.dhN = A.f32p(o, "dhN", B * H, true);
    a.dcN = lstm ? A.f32p(o, "dcN", B * H, true) : nullptr;
    a.dx = A.f32p(o, "dx", T * B * I, true);
    a.dWih = A.f32p(o, "dWih", G * H * I);
    a.dWhh = A.f32p(o, "dWhh", G * H * H);
    a.dbIh = A.f32p(o, "dbIh", G * H, true);
    a.dbHh = A.f32p(o, "dbHh", G * H, true);
    a.dh0 = A.f32p(o, "dh0", B * H, true);
    a.dc0 = lstm ? A.f32p(o, "dc0", B * H, true) : nullptr;
    c.rnn->backward(s, a, c.threads);
    return undef(env);
  });
}

/** Drives oneDNN into a real error status (tests of the error mapping): dnnl_sgemm with lda < k. */
BINDING(ProvokeError) {
  BODY({
    A.ctx();
    float a[4] = {0}, b[4] = {0}, out[4] = {0};
    DNNL_CHECK(dnnl_sgemm('N', 'N', 2, 2, 2, 1.0f, a, 1, b, 2, 0.0f, out, 2));
    return undef(env);
  });
}

/** The OpenMP team size a call of this context runs with (after applying its `threads`). */
BINDING(OmpThreads) {
  BODY({
    A.ctx();
    return number(env, omp_get_max_threads());
  });
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"create", nullptr, Create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"destroy", nullptr, Destroy, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"planCount", nullptr, PlanCount, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fill", nullptr, Fill, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"copy2d", nullptr, Copy2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"axpy", nullptr, Axpy, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scale", nullptr, Scale, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mul", nullptr, Mul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"clip", nullptr, Clip, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumSquares", nullptr, SumSquares, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumRows", nullptr, SumRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activation", nullptr, Activation, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activationBackward", nullptr, ActivationBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmax", nullptr, Softmax, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"loss", nullptr, Loss, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"optimizer", nullptr, Optimizer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gather", nullptr, Gather, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scatterAdd", nullptr, ScatterAdd, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"cacheSize", nullptr, CacheSize, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"cellForward", nullptr, CellForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"cellForwardBound", nullptr, CellForwardBound, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unbind", nullptr, Unbind, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"cellBackward", nullptr, CellBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"provokeError", nullptr, ProvokeError, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"ompThreads", nullptr, OmpThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace
}  // namespace ro

NAPI_MODULE(NODE_GYP_MODULE_NAME, ro::Init)
