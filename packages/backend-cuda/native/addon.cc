// The Node-API surface of the recur CUDA addon (plain Node-API, C++). Every function checks its
// arguments, runs checked CUDA / cuBLAS calls, and turns any rc::Failure into a JS Error with
// `source` ('cuda' | 'cublas' | 'recur'), `cudaCode`, `cudaName`, `where` and `requestedBytes`
// fields; the TypeScript layer (src/cuda-errors.ts) maps those to recur's typed errors. Nothing
// here aborts the process: no failure path calls abort() or lets a C++ exception escape.
//
// Device pointers cross into JS as numbers (they are below 2^53 on every supported platform; this is
// checked). The argument validation that users see (shapes, disposed tensors) happens in
// TypeScript before a call gets here, with the shared checks of @recur/backend.
#include <node_api.h>

#include <cmath>
#include <cstring>
#include <new>
#include <string>

#include "context.h"
#include "kernels.h"
#include "sequence.h"

namespace {

using rc::Context;
using rc::ContextPtr;
using rc::Failure;

constexpr uint32_t kMagic = 0x52435544;  // "RCUD"
struct Holder {
  uint32_t magic;
  ContextPtr ctx;
};

[[noreturn]] void argError(const std::string& msg) { rc::throwRecur("E_NATIVE_ARGUMENT", msg); }

void napiCheck(napi_status st, const char* what) {
  if (st != napi_ok) argError(std::string("Node-API call failed: ") + what);
}

napi_value makeError(napi_env env, const Failure& f) {
  const char* src = f.source == rc::Source::Cuda ? "cuda" : f.source == rc::Source::Cublas ? "cublas" : "recur";
  std::string msg;
  if (f.source == rc::Source::Recur) msg = f.message;
  else msg = (f.where.empty() ? "" : f.where + ": ") + f.name + " (" + std::to_string(f.code) + "): " + f.message;
  napi_value message, code, err, v;
  napi_create_string_utf8(env, msg.c_str(), NAPI_AUTO_LENGTH, &message);
  napi_create_string_utf8(env, f.source == rc::Source::Recur ? f.name.c_str() : "E_CUDA", NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, message, &err);
  napi_create_string_utf8(env, src, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "source", v);
  napi_create_int32(env, f.code, &v);
  napi_set_named_property(env, err, "cudaCode", v);
  napi_create_string_utf8(env, f.name.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "cudaName", v);
  napi_create_string_utf8(env, f.message.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "detail", v);
  napi_create_string_utf8(env, f.where.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "where", v);
  napi_create_double(env, f.bytes, &v);
  napi_set_named_property(env, err, "requestedBytes", v);
  return err;
}

void throwFailure(napi_env env, const Failure& f) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw(env, makeError(env, f));
}

// Runs `body`, converting every C++ failure into a pending JS exception.
template <typename F>
napi_value guarded(napi_env env, F body) {
  try {
    return body();
  } catch (const Failure& f) {
    throwFailure(env, f);
  } catch (const std::bad_alloc&) {
    Failure f{rc::Source::Recur, 0, "E_HOST_OUT_OF_MEMORY", "the host ran out of memory", "", 0};
    throwFailure(env, f);
  } catch (const std::exception& e) {
    Failure f{rc::Source::Recur, 0, "E_NATIVE", e.what(), "", 0};
    throwFailure(env, f);
  } catch (...) {
    Failure f{rc::Source::Recur, 0, "E_NATIVE", "unknown native exception", "", 0};
    throwFailure(env, f);
  }
  return nullptr;
}

// ---- argument helpers -------------------------------------------------------------------------------
struct Args {
  napi_env env;
  size_t argc = 16;
  napi_value argv[16];
  Args(napi_env e, napi_callback_info info, size_t need) : env(e) {
    napiCheck(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "napi_get_cb_info");
    if (argc < need) argError("expected " + std::to_string(need) + " arguments, got " + std::to_string(argc));
  }
  napi_value operator[](size_t i) const { return argv[i]; }
};

double toNumber(napi_env env, napi_value v, const char* what) {
  napi_valuetype t;
  napiCheck(napi_typeof(env, v, &t), "napi_typeof");
  if (t == napi_boolean) {
    bool b;
    napi_get_value_bool(env, v, &b);
    return b ? 1 : 0;
  }
  if (t != napi_number) argError(std::string(what) + ": expected a number");
  double d;
  napi_get_value_double(env, v, &d);
  return d;
}

size_t toSize(napi_env env, napi_value v, const char* what) {
  double d = toNumber(env, v, what);
  if (!(d >= 0) || d != std::floor(d) || d > 9007199254740992.0) argError(std::string(what) + ": expected a non-negative integer");
  return static_cast<size_t>(d);
}

int toInt(napi_env env, napi_value v, const char* what) {
  double d = toNumber(env, v, what);
  if (d != std::floor(d) || d < -2147483648.0 || d > 2147483647.0) argError(std::string(what) + ": expected a 32-bit integer");
  return static_cast<int>(d);
}

float* toPtr(napi_env env, napi_value v, const char* what) {
  napi_valuetype t;
  napiCheck(napi_typeof(env, v, &t), "napi_typeof");
  if (t == napi_null || t == napi_undefined) return nullptr;
  return reinterpret_cast<float*>(static_cast<uintptr_t>(toSize(env, v, what)));
}

napi_value prop(napi_env env, napi_value obj, const char* key) {
  napi_value v;
  napiCheck(napi_get_named_property(env, obj, key, &v), key);
  return v;
}
double numProp(napi_env env, napi_value obj, const char* key) { return toNumber(env, prop(env, obj, key), key); }
int intProp(napi_env env, napi_value obj, const char* key) { return toInt(env, prop(env, obj, key), key); }
float* ptrProp(napi_env env, napi_value obj, const char* key) { return toPtr(env, prop(env, obj, key), key); }

/** The data of an Int32Array argument (null for null/undefined). */
const int* int32Data(napi_env env, napi_value v, size_t* length, const char* what) {
  napi_valuetype t;
  napiCheck(napi_typeof(env, v, &t), "napi_typeof");
  if (t == napi_null || t == napi_undefined) {
    *length = 0;
    return nullptr;
  }
  bool isTa = false;
  napi_is_typedarray(env, v, &isTa);
  if (!isTa) argError(std::string(what) + ": expected an Int32Array");
  napi_typedarray_type type;
  void* data;
  napiCheck(napi_get_typedarray_info(env, v, &type, length, &data, nullptr, nullptr), "napi_get_typedarray_info");
  if (type != napi_int32_array) argError(std::string(what) + ": expected an Int32Array");
  return static_cast<const int*>(data);
}

Context& ctxOf(napi_env env, napi_value v) {
  napi_valuetype t;
  napiCheck(napi_typeof(env, v, &t), "napi_typeof");
  if (t != napi_external) argError("expected a CUDA context (from create())");
  void* data;
  napiCheck(napi_get_value_external(env, v, &data), "napi_get_value_external");
  auto* h = static_cast<Holder*>(data);
  if (h == nullptr || h->magic != kMagic) argError("expected a CUDA context (from create())");
  if (!h->ctx->alive) rc::throwRecur("E_BACKEND_DESTROYED", "this CUDA context was destroyed");
  h->ctx->bind();
  return *h->ctx;
}

ContextPtr ctxPtrOf(napi_env env, napi_value v) {
  ctxOf(env, v);
  void* data;
  napi_get_value_external(env, v, &data);
  return static_cast<Holder*>(data)->ctx;
}

napi_value undefinedValue(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value numberValue(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

napi_value ptrValue(napi_env env, void* p) {
  uintptr_t u = reinterpret_cast<uintptr_t>(p);
  if (static_cast<double>(u) > 9007199254740992.0) rc::throwRecur("E_NATIVE", "device pointer does not fit in a JS number");
  return numberValue(env, static_cast<double>(u));
}

void setNum(napi_env env, napi_value obj, const char* key, double d) { napi_set_named_property(env, obj, key, numberValue(env, d)); }
void setStr(napi_env env, napi_value obj, const char* key, const std::string& s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}

// ---- probe / lifetime -------------------------------------------------------------------------------
// probe(): never throws for CUDA failures; reports what the driver says.
napi_value Probe(napi_env env, napi_callback_info) {
  return guarded(env, [&]() {
    napi_value out;
    napi_create_object(env, &out);
    int driver = 0, runtime = 0, count = 0;
    (void)cudaDriverGetVersion(&driver);
    (void)cudaRuntimeGetVersion(&runtime);
    cudaError_t err = cudaGetDeviceCount(&count);
    (void)cudaGetLastError();
    napi_value ok;
    napi_get_boolean(env, err == cudaSuccess && count > 0, &ok);
    napi_set_named_property(env, out, "ok", ok);
    setNum(env, out, "code", static_cast<int>(err));
    setStr(env, out, "name", cudaGetErrorName(err));
    setStr(env, out, "message", cudaGetErrorString(err));
    setNum(env, out, "deviceCount", err == cudaSuccess ? count : 0);
    setNum(env, out, "driverVersion", driver);
    setNum(env, out, "runtimeVersion", runtime);
    int cublasVersion = 0;
    (void)cublasGetProperty(MAJOR_VERSION, &cublasVersion);
    int minor = 0;
    (void)cublasGetProperty(MINOR_VERSION, &minor);
    setNum(env, out, "cublasVersion", cublasVersion * 100 + minor);
    return out;
  });
}

void finalizeHolder(napi_env, void* data, void*) { delete static_cast<Holder*>(data); }

napi_value Create(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 1);
    int dev = toInt(env, a[0], "device");
    auto ctx = std::make_shared<Context>();
    ctx->open(dev);
    auto* h = new Holder{kMagic, ctx};
    napi_value ext;
    napi_status st = napi_create_external(env, h, finalizeHolder, nullptr, &ext);
    if (st != napi_ok) {
      delete h;
      argError("napi_create_external failed");
    }
    return ext;
  });
}

napi_value Destroy(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 1);
    void* data;
    napiCheck(napi_get_value_external(env, a[0], &data), "napi_get_value_external");
    auto* h = static_cast<Holder*>(data);
    if (h && h->magic == kMagic) h->ctx->close();
    return undefinedValue(env);
  });
}

napi_value Info(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 1);
    Context& c = ctxOf(env, a[0]);
    napi_value out;
    napi_create_object(env, &out);
    setStr(env, out, "name", c.deviceName);
    setNum(env, out, "device", c.device);
    setNum(env, out, "major", c.major);
    setNum(env, out, "minor", c.minor);
    setNum(env, out, "totalMem", static_cast<double>(c.totalMem));
    setNum(env, out, "poolInUse", static_cast<double>(c.pool.bytesInUse()));
    setNum(env, out, "poolCached", static_cast<double>(c.pool.bytesCached()));
    return out;
  });
}

// ---- memory -------------------------------------------------------------------------------------
napi_value Alloc(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 2);
    Context& c = ctxOf(env, a[0]);
    size_t bytes = toSize(env, a[1], "bytes");
    if (bytes == 0) return numberValue(env, 0);
    void* p = c.pool.allocate(bytes);
    CUDA_CHECK(cudaMemsetAsync(p, 0, bytes, c.stream));
    return ptrValue(env, p);
  });
}

napi_value Free(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 2);
    Context& c = ctxOf(env, a[0]);
    void* p = toPtr(env, a[1], "ptr");
    if (p) c.pool.release(p);
    return undefinedValue(env);
  });
}

napi_value Trim(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 1);
    Context& c = ctxOf(env, a[0]);
    CUDA_CHECK(cudaStreamSynchronize(c.stream));
    c.pool.trim();
    return undefinedValue(env);
  });
}

// upload(ctx, ptr, offsetElems, Float32Array): from pageable memory, cudaMemcpyAsync returns once the
// source is staged, so the JS array may be reused immediately.
napi_value Upload(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 4);
    Context& c = ctxOf(env, a[0]);
    float* p = toPtr(env, a[1], "ptr");
    size_t off = toSize(env, a[2], "offset");
    bool isTa = false;
    napi_is_typedarray(env, a[3], &isTa);
    if (!isTa) argError("data: expected a Float32Array");
    napi_typedarray_type type;
    size_t length;
    void* data;
    napiCheck(napi_get_typedarray_info(env, a[3], &type, &length, &data, nullptr, nullptr), "typedarray");
    if (type != napi_float32_array) argError("data: expected a Float32Array");
    if (length > 0) {
      if (!p) argError("ptr: null destination");
      CUDA_CHECK(cudaMemcpyAsync(p + off, data, length * sizeof(float), cudaMemcpyHostToDevice, c.stream));
    }
    return undefinedValue(env);
  });
}

// ---- async read / sync: the copy is queued in stream order now; a worker thread waits for it ------
struct ReadJob {
  ContextPtr ctx;
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  napi_ref buffer = nullptr;
  void* bufferData = nullptr;
  size_t bytes = 0;
  void* pinned = nullptr;
  cudaEvent_t event = nullptr;
  bool failed = false;
  Failure failure{};
  int diagRow = 0, diagClass = 0;
};

void readExecute(napi_env, void* data) {
  auto* job = static_cast<ReadJob*>(data);
  try {
    CUDA_CHECK(cudaSetDevice(job->ctx->device));
    CUDA_CHECK(cudaEventSynchronize(job->event));
    if (job->bytes > 0) std::memcpy(job->bufferData, job->pinned, job->bytes);
    // A kernel flagged bad data (an invalid cross-entropy class): report it once.
    int* diag = job->ctx->diagHost;
    if (diag && diag[0] != 0) {
      job->diagRow = diag[0];
      job->diagClass = diag[1];
      diag[0] = diag[1] = 0;
    }
  } catch (const Failure& f) {
    job->failed = true;
    job->failure = f;
  }
}

void readComplete(napi_env env, napi_status status, void* data) {
  auto* job = static_cast<ReadJob*>(data);
  if (job->pinned) job->ctx->pinned.release(job->pinned);
  if (job->event) (void)cudaEventDestroy(job->event);
  napi_value result;
  if (status != napi_ok && !job->failed) {
    job->failed = true;
    job->failure = Failure{rc::Source::Recur, 0, "E_NATIVE", "the read was cancelled", "", 0};
  }
  if (job->failed) {
    napi_reject_deferred(env, job->deferred, makeError(env, job->failure));
  } else if (job->diagRow != 0) {
    Failure f{rc::Source::Recur, 0, "E_INVALID_TARGET",
              "loss.target: row " + std::to_string(job->diagRow - 1) + " has class " + std::to_string(job->diagClass) +
                  ", outside [0, C) or not an integer; cross-entropy targets are class indices (that loss is unreliable).",
              "", 0};
    napi_reject_deferred(env, job->deferred, makeError(env, f));
  } else if (job->buffer) {
    napi_value ab, arr;
    napi_get_reference_value(env, job->buffer, &ab);
    napi_create_typedarray(env, napi_float32_array, job->bytes / sizeof(float), ab, 0, &arr);
    napi_resolve_deferred(env, job->deferred, arr);
  } else {
    napi_get_undefined(env, &result);
    napi_resolve_deferred(env, job->deferred, result);
  }
  if (job->buffer) napi_delete_reference(env, job->buffer);
  napi_delete_async_work(env, job->work);
  delete job;
}

napi_value queueJob(napi_env env, ContextPtr ctx, const float* src, size_t count, bool withBuffer) {
  auto* job = new ReadJob();
  job->ctx = ctx;
  napi_value promise;
  try {
    job->bytes = count * sizeof(float);
    if (withBuffer) {
      napi_value ab;
      napiCheck(napi_create_arraybuffer(env, job->bytes, &job->bufferData, &ab), "napi_create_arraybuffer");
      napiCheck(napi_create_reference(env, ab, 1, &job->buffer), "napi_create_reference");
      if (job->bytes > 0) {
        job->pinned = ctx->pinned.allocate(job->bytes);
        CUDA_CHECK(cudaMemcpyAsync(job->pinned, src, job->bytes, cudaMemcpyDeviceToHost, ctx->stream));
      }
    }
    CUDA_CHECK(cudaEventCreateWithFlags(&job->event, cudaEventDisableTiming));
    CUDA_CHECK(cudaEventRecord(job->event, ctx->stream));
    napiCheck(napi_create_promise(env, &job->deferred, &promise), "napi_create_promise");
    napi_value name;
    napi_create_string_utf8(env, "recur-cuda-read", NAPI_AUTO_LENGTH, &name);
    napiCheck(napi_create_async_work(env, nullptr, name, readExecute, readComplete, job, &job->work), "napi_create_async_work");
    napiCheck(napi_queue_async_work(env, job->work), "napi_queue_async_work");
  } catch (...) {
    if (job->pinned) ctx->pinned.release(job->pinned);
    if (job->event) (void)cudaEventDestroy(job->event);
    if (job->buffer) napi_delete_reference(env, job->buffer);
    if (job->work) napi_delete_async_work(env, job->work);
    delete job;
    throw;
  }
  return promise;
}

napi_value Read(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 4);
    ContextPtr ctx = ctxPtrOf(env, a[0]);
    const float* p = toPtr(env, a[1], "ptr");
    size_t off = toSize(env, a[2], "offset");
    size_t count = toSize(env, a[3], "count");
    if (count > 0 && !p) argError("ptr: null source");
    return queueJob(env, ctx, count > 0 ? p + off : nullptr, count, true);
  });
}

napi_value Sync(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 1);
    ContextPtr ctx = ctxPtrOf(env, a[0]);
    return queueJob(env, ctx, nullptr, 0, false);
  });
}

// ---- BLAS and elementwise ----------------------------------------------------------------------------
// gemm(ctx, {transA, transB, m, n, k, alpha, beta, a, b, c, bias}):  C = α·op(A)·op(B) + β·C + bias
napi_value Gemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 2);
    Context& c = ctxOf(env, a[0]);
    napi_value o = a[1];
    const bool tA = numProp(env, o, "transA") != 0, tB = numProp(env, o, "transB") != 0;
    const int m = intProp(env, o, "m"), n = intProp(env, o, "n"), k = intProp(env, o, "k");
    const float alpha = static_cast<float>(numProp(env, o, "alpha")), beta = static_cast<float>(numProp(env, o, "beta"));
    const float* A = ptrProp(env, o, "a");
    const float* B = ptrProp(env, o, "b");
    float* C = ptrProp(env, o, "c");
    const float* bias = ptrProp(env, o, "bias");
    const size_t mk = static_cast<size_t>(m) * k, kn = static_cast<size_t>(k) * n;
    // cuBLAS must not write C while reading it as A or B: read those from a copy.
    rc::Scratch aCopy(c, A == C ? mk * sizeof(float) : 0), bCopy(c, B == C ? kn * sizeof(float) : 0);
    if (A == C) {
      CUDA_CHECK(cudaMemcpyAsync(aCopy.as<float>(), A, mk * sizeof(float), cudaMemcpyDeviceToDevice, c.stream));
      A = aCopy.as<float>();
    }
    if (B == C) {
      CUDA_CHECK(cudaMemcpyAsync(bCopy.as<float>(), B, kn * sizeof(float), cudaMemcpyDeviceToDevice, c.stream));
      B = bCopy.as<float>();
    }
    rc::gemmRowMajor(c, tA, tB, m, n, k, alpha, A, tA ? m : k, B, tB ? k : n, beta, C, n);
    if (bias) rc::launchAddBiasRows(c.stream, C, bias, static_cast<size_t>(m), n);
    return undefinedValue(env);
  });
}

napi_value Fill(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 4);
    Context& c = ctxOf(env, a[0]);
    float* p = toPtr(env, a[1], "ptr");
    size_t n = toSize(env, a[2], "n");
    float v = static_cast<float>(toNumber(env, a[3], "value"));
    if (n > 0) rc::launchFill(c.stream, p, n, v);
    return undefinedValue(env);
  });
}

// copy2d(ctx, src, sOff, sStride, dst, dOff, dStride, rows, cols, accumulate)
napi_value Copy2d(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 10);
    Context& c = ctxOf(env, a[0]);
    const float* src = toPtr(env, a[1], "src");
    size_t sOff = toSize(env, a[2], "srcOffset"), sStride = toSize(env, a[3], "srcStride");
    float* dst = toPtr(env, a[4], "dst");
    size_t dOff = toSize(env, a[5], "dstOffset"), dStride = toSize(env, a[6], "dstStride");
    size_t rows = toSize(env, a[7], "rows"), cols = toSize(env, a[8], "cols");
    bool acc = toNumber(env, a[9], "accumulate") != 0;
    if (rows == 0 || cols == 0) return undefinedValue(env);
    // Within one buffer, read the whole source region first (as if copied through a temporary).
    const size_t span = (rows - 1) * sStride + cols;
    rc::Scratch tmp(c, src == dst ? span * sizeof(float) : 0);
    if (src == dst) {
      CUDA_CHECK(cudaMemcpyAsync(tmp.as<float>(), src + sOff, span * sizeof(float), cudaMemcpyDeviceToDevice, c.stream));
      src = tmp.as<float>();
      sOff = 0;
    }
    rc::launchCopy2d(c.stream, src, sOff, sStride, dst, dOff, dStride, rows, cols, acc);
    return undefinedValue(env);
  });
}

// Elementwise ops with the signature (ctx, op-specific...). `which` picks the op.
enum Ew { kAxpy, kScale, kMul, kClip };
template <Ew which>
napi_value Elementwise(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, which == kMul ? 5 : 4);
    Context& c = ctxOf(env, a[0]);
    if constexpr (which == kAxpy) {  // axpy(ctx, y, x, n, alpha)
      Args b(env, info, 5);
      rc::launchAxpy(c.stream, toPtr(env, b[1], "y"), toPtr(env, b[2], "x"), toSize(env, b[3], "n"),
                     static_cast<float>(toNumber(env, b[4], "alpha")));
    } else if constexpr (which == kScale) {  // scale(ctx, x, n, alpha)
      rc::launchScale(c.stream, toPtr(env, a[1], "x"), toSize(env, a[2], "n"), static_cast<float>(toNumber(env, a[3], "alpha")));
    } else if constexpr (which == kMul) {  // mul(ctx, out, a, b, n)
      rc::launchMul(c.stream, toPtr(env, a[1], "out"), toPtr(env, a[2], "a"), toPtr(env, a[3], "b"), toSize(env, a[4], "n"));
    } else {  // clip(ctx, x, n, limit)
      rc::launchClip(c.stream, toPtr(env, a[1], "x"), toSize(env, a[2], "n"), static_cast<float>(toNumber(env, a[3], "limit")));
    }
    return undefinedValue(env);
  });
}

napi_value SumSquares(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 4);
    Context& c = ctxOf(env, a[0]);
    const float* x = toPtr(env, a[1], "x");
    size_t n = toSize(env, a[2], "n");
    float* out = toPtr(env, a[3], "out");
    rc::Scratch partials(c, sizeof(double) * rc::sumSquaresPartials(n));
    rc::launchSumSquares(c.stream, x, n, partials.as<double>(), out);
    return undefinedValue(env);
  });
}

napi_value SumRows(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 6);
    Context& c = ctxOf(env, a[0]);
    rc::launchSumRows(c.stream, toPtr(env, a[1], "x"), toSize(env, a[2], "rows"), toSize(env, a[3], "cols"), toPtr(env, a[4], "out"),
                      toNumber(env, a[5], "accumulate") != 0);
    return undefinedValue(env);
  });
}

napi_value Activation(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 5);
    Context& c = ctxOf(env, a[0]);
    rc::launchActivation(c.stream, toInt(env, a[1], "op"), toPtr(env, a[2], "x"), toPtr(env, a[3], "out"), toSize(env, a[4], "n"));
    return undefinedValue(env);
  });
}

napi_value ActivationBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 6);
    Context& c = ctxOf(env, a[0]);
    rc::launchActivationBackward(c.stream, toInt(env, a[1], "op"), toPtr(env, a[2], "y"), toPtr(env, a[3], "dy"), toPtr(env, a[4], "dx"),
                                 toSize(env, a[5], "n"));
    return undefinedValue(env);
  });
}

napi_value Softmax(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 6);
    Context& c = ctxOf(env, a[0]);
    rc::launchSoftmax(c.stream, toPtr(env, a[1], "x"), toPtr(env, a[2], "out"), toSize(env, a[3], "rows"), toSize(env, a[4], "cols"),
                      static_cast<float>(toNumber(env, a[5], "invTemperature")));
    return undefinedValue(env);
  });
}

// loss(ctx, {kind, pred, target, weights, n, c, delta, loss, grad})
napi_value Loss(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 2);
    Context& c = ctxOf(env, a[0]);
    napi_value o = a[1];
    rc::launchLoss(c.stream, intProp(env, o, "kind"), ptrProp(env, o, "pred"), ptrProp(env, o, "target"), ptrProp(env, o, "weights"),
                   intProp(env, o, "n"), intProp(env, o, "c"), static_cast<float>(numProp(env, o, "delta")), ptrProp(env, o, "loss"),
                   ptrProp(env, o, "grad"), c.diagDevice);
    return undefinedValue(env);
  });
}

// optimizer(ctx, {kind, param, grad, s0, s1, n, lr, wd, momentum, dampening, beta1, beta2, alpha, eps,
//                 stepSize, bc2Sqrt, nesterov, firstStep})
napi_value Optimizer(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 2);
    Context& c = ctxOf(env, a[0]);
    napi_value o = a[1];
    rc::OptHyper h{};
    auto f = [&](const char* k) { return static_cast<float>(numProp(env, o, k)); };
    h.lr = f("lr");
    h.wd = f("wd");
    h.momentum = f("momentum");
    h.dampening = f("dampening");
    h.beta1 = f("beta1");
    h.beta2 = f("beta2");
    h.alpha = f("alpha");
    h.eps = f("eps");
    h.stepSize = f("stepSize");
    h.bc2Sqrt = f("bc2Sqrt");
    h.nesterov = numProp(env, o, "nesterov") != 0;
    h.firstStep = numProp(env, o, "firstStep") != 0;
    rc::launchOptimizer(c.stream, intProp(env, o, "kind"), ptrProp(env, o, "param"), ptrProp(env, o, "grad"), ptrProp(env, o, "s0"),
                        ptrProp(env, o, "s1"), toSize(env, prop(env, o, "n"), "n"), h);
    return undefinedValue(env);
  });
}

// gather(ctx, table, indices: Int32Array, dim, out) / scatterAdd(ctx, grad, indices, dim, dTable)
template <bool scatter>
napi_value GatherScatter(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 5);
    Context& c = ctxOf(env, a[0]);
    size_t n = 0;
    const int* idx = int32Data(env, a[2], &n, "indices");
    size_t dim = toSize(env, a[3], "dim");
    if (n == 0 || dim == 0) return undefinedValue(env);
    rc::Scratch d(c, n * sizeof(int));
    CUDA_CHECK(cudaMemcpyAsync(d.as<int>(), idx, n * sizeof(int), cudaMemcpyHostToDevice, c.stream));
    if (scatter) rc::launchScatterAdd(c.stream, toPtr(env, a[1], "grad"), d.as<int>(), n, dim, toPtr(env, a[4], "dTable"));
    else rc::launchGather(c.stream, toPtr(env, a[1], "table"), d.as<int>(), n, dim, toPtr(env, a[4], "out"));
    return undefinedValue(env);
  });
}

// ---- recurrent cells ----------------------------------------------------------------------------------
rc::SequenceShape shapeOf(napi_env env, napi_value o) {
  rc::SequenceShape sh{};
  sh.cell = intProp(env, o, "cell");
  if (sh.cell < 0 || sh.cell > 3) argError("cell: expected 0..3");
  sh.T = intProp(env, o, "T");
  sh.B = intProp(env, o, "B");
  sh.I = intProp(env, o, "I");
  sh.H = intProp(env, o, "H");
  sh.G = sh.cell == rc::kLstm ? 4 : sh.cell == rc::kGru ? 3 : 1;
  sh.reverse = numProp(env, o, "reverse") != 0;
  sh.yStride = intProp(env, o, "yStride");
  sh.yOffset = intProp(env, o, "yOffset");
  size_t n = 0;
  sh.lengthsHost = int32Data(env, prop(env, o, "lengths"), &n, "lengths");
  if (sh.lengthsHost && n != static_cast<size_t>(sh.B)) argError("lengths: expected B entries");
  return sh;
}

napi_value CacheSize(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 1);
    rc::SequenceShape sh = shapeOf(env, a[0]);
    return numberValue(env, static_cast<double>(rc::cacheLayout(sh.cell, sh.T, sh.B, sh.H, sh.G).size));
  });
}

napi_value CellForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 2);
    Context& c = ctxOf(env, a[0]);
    napi_value o = a[1];
    rc::SequenceShape sh = shapeOf(env, o);
    rc::ForwardBuffers b{};
    b.x = ptrProp(env, o, "x");
    b.wIh = ptrProp(env, o, "wIh");
    b.wHh = ptrProp(env, o, "wHh");
    b.bIh = ptrProp(env, o, "bIh");
    b.bHh = ptrProp(env, o, "bHh");
    b.h0 = ptrProp(env, o, "h0");
    b.c0 = ptrProp(env, o, "c0");
    b.y = ptrProp(env, o, "y");
    b.hN = ptrProp(env, o, "hN");
    b.cN = ptrProp(env, o, "cN");
    b.cache = ptrProp(env, o, "cache");
    rc::sequenceForward(c, sh, b);
    return undefinedValue(env);
  });
}

napi_value CellBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() {
    Args a(env, info, 2);
    Context& c = ctxOf(env, a[0]);
    napi_value o = a[1];
    rc::SequenceShape sh = shapeOf(env, o);
    rc::BackwardBuffers b{};
    b.x = ptrProp(env, o, "x");
    b.wIh = ptrProp(env, o, "wIh");
    b.wHh = ptrProp(env, o, "wHh");
    b.cache = ptrProp(env, o, "cache");
    b.dy = ptrProp(env, o, "dy");
    b.dhN = ptrProp(env, o, "dhN");
    b.dcN = ptrProp(env, o, "dcN");
    b.dx = ptrProp(env, o, "dx");
    b.dWih = ptrProp(env, o, "dWih");
    b.dWhh = ptrProp(env, o, "dWhh");
    b.dbIh = ptrProp(env, o, "dbIh");
    b.dbHh = ptrProp(env, o, "dbHh");
    b.dh0 = ptrProp(env, o, "dh0");
    b.dc0 = ptrProp(env, o, "dc0");
    rc::sequenceBackward(c, sh, b);
    return undefinedValue(env);
  });
}

napi_value Init(napi_env env, napi_value exports) {
  struct Fn {
    const char* name;
    napi_callback cb;
  } fns[] = {
      {"probe", Probe},
      {"create", Create},
      {"destroy", Destroy},
      {"info", Info},
      {"alloc", Alloc},
      {"free", Free},
      {"trim", Trim},
      {"upload", Upload},
      {"read", Read},
      {"sync", Sync},
      {"gemm", Gemm},
      {"fill", Fill},
      {"copy2d", Copy2d},
      {"axpy", Elementwise<kAxpy>},
      {"scale", Elementwise<kScale>},
      {"mul", Elementwise<kMul>},
      {"clip", Elementwise<kClip>},
      {"sumSquares", SumSquares},
      {"sumRows", SumRows},
      {"activation", Activation},
      {"activationBackward", ActivationBackward},
      {"softmax", Softmax},
      {"loss", Loss},
      {"optimizer", Optimizer},
      {"gather", GatherScatter<false>},
      {"scatterAdd", GatherScatter<true>},
      {"cacheSize", CacheSize},
      {"cellForward", CellForward},
      {"cellBackward", CellBackward},
  };
  for (const Fn& f : fns) {
    napi_value fn;
    if (napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn) != napi_ok) return nullptr;
    if (napi_set_named_property(env, exports, f.name, fn) != napi_ok) return nullptr;
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
