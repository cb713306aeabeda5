// One direction of one recurrent layer on oneDNN's RNN primitives.
//
// Shape legend: T time, B batch, I input, H hidden, G gates (rnn 1, lstm 4, gru 3).
//
// PyTorch layout → oneDNN:
// - weight_ih [G·H, I] row-major is oneDNN's `ldgoi` {L=1, D=1, I, G, H} as it is; weight_hh the same
//   with H inputs. They are reordered into the layout the primitive prefers (format `any`).
// - Gate order: LSTM i, f, g(c̃), o in both. GRU: PyTorch r, z, n; oneDNN's lbr_gru u(=z), r, n, so the
//   first two gate blocks swap (torchGate below) on the way in and on the way back.
// - Bias: rnn / lstm take one bias row set b = b_ih + b_hh (both gradients are dL/db). lbr_gru takes
//   G+1 = 4 rows [b_iz + b_hz, b_ir + b_hr, b_in, b_hn] (b_hn stays inside r⊙(W_hn h + b_hn), exactly
//   PyTorch's GRU); its gradient splits back: db_iz = db_hz = d[0], db_ir = db_hr = d[1], db_in = d[2],
//   db_hn = d[3].
// - reverse → rnn_direction::unidirectional_right2left (outputs stay in natural time order).
// - y with a row stride / column offset (bidirectional outputs): the primitive writes a dense [T, B, H]
//   block that is copied into y's columns (T·B·H floats; skipped when y is dense and not training).
// - Variable lengths: the primitive has no per-sequence length, so sequences are grouped by length L
//   and each group runs the primitive over its own first L steps (forward: 0..L−1; reverse:
//   L−1..0, the sequence's own last real step first), with rows gathered into a dense batch. Padded
//   steps write y = 0 and pass no gradient; a length-0 sequence carries h0 (c0) to hN (cN). The cost is
//   one primitive run per distinct length, plus gathering x / dy and scattering y / dx.
// - Threads: a batch of 2·MIN_CHUNK_ROWS rows or more is split into chunks of contiguous rows, one
//   per thread, each running the primitive single-threaded (forEachGroup); smaller batches run on one
//   thread. This replaces oneDNN's per-timestep barriers, which stall whenever a thread is preempted.
// - Inference over T ≤ SHORT_FORWARD_MAX_T steps (streaming) runs in short-forward.cc instead: the
//   per-call weight repacking would cost more than the steps themselves.
// The training cache holds, per group, dst_layer, dst_iter(, dst_iter_c) and oneDNN's workspace.
#include "rnn.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <exception>
#include <unordered_map>

#include <omp.h>

#include "common.h"
#include "short-forward.h"

namespace ro {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

int gatesOf(int cell) { return cell == Lstm ? 4 : cell == Gru ? 3 : 1; }

/** The PyTorch gate that oneDNN gate block g holds (GRU swaps r and z; the others are identical). */
int torchGate(int cell, int g) { return cell == Gru && g < 2 ? 1 - g : g; }

memory::desc queryMd(dnnl_primitive_desc_t pd, int arg) {
  const dnnl_memory_desc_t* md = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, arg);
  return md ? memory::desc(*md) : memory::desc();
}

/** Owns a C primitive descriptor. */
struct Pd {
  dnnl_primitive_desc_t pd = nullptr;
  Pd() = default;
  Pd(const Pd&) = delete;
  Pd& operator=(const Pd&) = delete;
  ~Pd() {
    if (pd) dnnl_primitive_desc_destroy(pd);
  }
};

}  // namespace

/** A weights tensor in the layout a primitive wants, converted from / to PyTorch's ldgoi. */
struct Converted {
  memory::desc md;
  bool same = true;
  dnnl::reorder fromUser, toUser;
  std::vector<float> buf;

  void init(const dnnl::engine& eng, const memory::desc& user, const memory::desc& want, bool back) {
    md = want;
    same = want == user;
    if (same) return;
    buf.assign(want.get_size() / sizeof(float) + 1, 0.0f);
    fromUser = dnnl::reorder(dnnl::reorder::primitive_desc(eng, user, eng, want));
    if (back) toUser = dnnl::reorder(dnnl::reorder::primitive_desc(eng, want, eng, user));
  }
  /** The weights in the primitive's layout (user's pointer when the layouts match). */
  float* in(dnnl::stream& s, const dnnl::engine& eng, const memory::desc& user, const float* p) {
    if (same) return const_cast<float*>(p);
    memory src(user, eng, const_cast<float*>(p));
    memory dst(md, eng, buf.data());
    fromUser.execute(s, src, dst);
    return buf.data();
  }
};

/** The primitives of one (cell, T, B, I, H, direction). */
struct Plan {
  int cell;
  int64_t T, B, I, H;
  bool reverse;
  int G, Gb;
  memory::desc srcLayer, iter, wlUser, wiUser, bias, dstLayer, diffSrcLayer, anyWl, anyWi;
  struct Fwd {
    Pd pd;
    dnnl::primitive prim;
    Converted wl, wi;
    memory::desc ws, scratch;
    size_t wsBytes = 0;
    bool ready = false;
  } inf, train;
  struct Bwd {
    Pd pd;
    dnnl::primitive prim;
    Converted wl, wi, dwl, dwi;
    memory::desc scratch;
    bool ready = false;
  } bwd;
};

namespace {

dnnl_rnn_direction_t directionOf(bool reverse) { return reverse ? dnnl_unidirectional_right2left : dnnl_unidirectional_left2right; }

/**
 * Create a primitive descriptor with a user-managed scratchpad: each execution gets its own, so
 * batch chunks can run concurrently on different threads (see RnnEngine::forward).
 */
void createPd(Pd& out, const dnnl_rnn_desc_t& d, const dnnl::engine& eng, const_dnnl_primitive_desc_t hint) {
  dnnl_primitive_attr_t attr;
  DNNL_CHECK(dnnl_primitive_attr_create(&attr));
  dnnl_status_t st = dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
  if (st == dnnl_success) st = dnnl_primitive_desc_create(&out.pd, &d, attr, eng.get(), hint);
  dnnl_primitive_attr_destroy(attr);
  if (st != dnnl_success) throwDnnl(st, "dnnl_primitive_desc_create (RNN)");
}

void initForward(Plan& p, Plan::Fwd& f, const dnnl::engine& eng, bool training) {
  dnnl_rnn_desc_t d;
  const auto prop = training ? dnnl_forward_training : dnnl_forward_inference;
  const auto dir = directionOf(p.reverse);
  const auto *sl = &p.srcLayer.data, *it = &p.iter.data, *wl = &p.anyWl.data, *wi = &p.anyWi.data, *b = &p.bias.data, *dl = &p.dstLayer.data;
  switch (p.cell) {
    case RnnTanh:
    case RnnRelu:
      DNNL_CHECK(dnnl_vanilla_rnn_forward_desc_init(&d, prop, p.cell == RnnTanh ? dnnl_eltwise_tanh : dnnl_eltwise_relu, dir, sl, it, wl, wi, b, dl, it, 0, 0.0f, 0.0f));
      break;
    case Lstm:
      DNNL_CHECK(dnnl_lstm_forward_desc_init(&d, prop, dir, sl, it, it, wl, wi, b, dl, it, it, 0));
      break;
    default:
      DNNL_CHECK(dnnl_lbr_gru_forward_desc_init(&d, prop, dir, sl, it, wl, wi, b, dl, it, 0));
  }
  createPd(f.pd, d, eng, nullptr);
  f.prim = dnnl::primitive(f.pd.pd);
  f.scratch = queryMd(f.pd.pd, DNNL_ARG_SCRATCHPAD);
  f.wl.init(eng, p.wlUser, queryMd(f.pd.pd, DNNL_ARG_WEIGHTS_LAYER), false);
  f.wi.init(eng, p.wiUser, queryMd(f.pd.pd, DNNL_ARG_WEIGHTS_ITER), false);
  if (training) {
    f.ws = queryMd(f.pd.pd, DNNL_ARG_WORKSPACE);
    f.wsBytes = f.ws.get_size();
  }
  f.ready = true;
}

void initBackward(Plan& p, const dnnl::engine& eng) {
  if (!p.train.ready) initForward(p, p.train, eng, true);
  dnnl_rnn_desc_t d;
  const auto dir = directionOf(p.reverse);
  const auto *sl = &p.srcLayer.data, *it = &p.iter.data, *wl = &p.anyWl.data, *wi = &p.anyWi.data, *b = &p.bias.data, *dl = &p.dstLayer.data;
  const auto* dsl = &p.diffSrcLayer.data;
  switch (p.cell) {
    case RnnTanh:
    case RnnRelu:
      DNNL_CHECK(dnnl_vanilla_rnn_backward_desc_init(&d, dnnl_backward, p.cell == RnnTanh ? dnnl_eltwise_tanh : dnnl_eltwise_relu, dir, sl, it, wl, wi, b, dl, it, dsl, it, wl, wi, b, dl, it, 0,
                                                     0.0f, 0.0f));
      break;
    case Lstm:
      DNNL_CHECK(dnnl_lstm_backward_desc_init(&d, dnnl_backward, dir, sl, it, it, wl, wi, b, dl, it, it, dsl, it, it, wl, wi, b, dl, it, it, 0));
      break;
    default:
      DNNL_CHECK(dnnl_lbr_gru_backward_desc_init(&d, dnnl_backward, dir, sl, it, wl, wi, b, dl, it, dsl, it, wl, wi, b, dl, it, 0));
  }
  createPd(p.bwd.pd, d, eng, p.train.pd.pd);
  p.bwd.prim = dnnl::primitive(p.bwd.pd.pd);
  p.bwd.scratch = queryMd(p.bwd.pd.pd, DNNL_ARG_SCRATCHPAD);
  p.bwd.wl.init(eng, p.wlUser, queryMd(p.bwd.pd.pd, DNNL_ARG_WEIGHTS_LAYER), false);
  p.bwd.wi.init(eng, p.wiUser, queryMd(p.bwd.pd.pd, DNNL_ARG_WEIGHTS_ITER), false);
  p.bwd.dwl.init(eng, p.wlUser, queryMd(p.bwd.pd.pd, DNNL_ARG_DIFF_WEIGHTS_LAYER), true);
  p.bwd.dwi.init(eng, p.wiUser, queryMd(p.bwd.pd.pd, DNNL_ARG_DIFF_WEIGHTS_ITER), true);
  p.bwd.ready = true;
}

/** Sequences that share a length L > 0 (all of them, in order, when there are no lengths). */
struct Group {
  int64_t len;
  std::vector<int32_t> idx;
  bool whole;  // every sequence, full length: x, h0, hN, … are used in place
  int64_t cacheOffset = 0;
};

/** Rows below which a batch chunk is not split further between threads. */
constexpr int64_t MIN_CHUNK_ROWS = 8;

/** Split each group into up to `parts` chunks of contiguous rows (at least MIN_CHUNK_ROWS each). */
std::vector<Group> chunked(std::vector<Group> groups, int parts) {
  if (parts <= 1) return groups;
  std::vector<Group> out;
  for (auto& g : groups) {
    const int64_t bg = static_cast<int64_t>(g.idx.size());
    const int64_t k = std::min<int64_t>(parts, bg / MIN_CHUNK_ROWS);
    if (k <= 1) {
      out.push_back(std::move(g));
      continue;
    }
    for (int64_t c = 0; c < k; c++) {
      const int64_t lo = bg * c / k, hi = bg * (c + 1) / k;
      out.push_back(Group{g.len, std::vector<int32_t>(g.idx.begin() + lo, g.idx.begin() + hi), false});
    }
  }
  return out;
}

std::vector<Group> lengthGroupsOf(const CellShape& s, std::vector<int32_t>* empty) {
  std::vector<Group> out;
  bool full = true;
  if (s.lengths)
    for (int64_t b = 0; b < s.B; b++) full = full && s.lengths[b] == s.T;
  if (full) {
    Group g{s.T, std::vector<int32_t>(s.B), true};
    std::iota(g.idx.begin(), g.idx.end(), 0);
    out.push_back(std::move(g));
    return out;
  }
  std::map<int64_t, std::vector<int32_t>, std::greater<int64_t>> byLen;
  for (int64_t b = 0; b < s.B; b++) {
    if (s.lengths[b] == 0) empty->push_back(static_cast<int32_t>(b));
    else byLen[s.lengths[b]].push_back(static_cast<int32_t>(b));
  }
  for (auto& kv : byLen) out.push_back(Group{kv.first, std::move(kv.second), false});
  return out;
}

std::vector<Group> groupsOf(const CellShape& s, std::vector<int32_t>* empty, int parts) {
  return chunked(lengthGroupsOf(s, empty), parts);
}

constexpr int64_t ALIGN_FLOATS = 16;  // 64 bytes

/** [dst_layer L·b·H][dst_iter b·H][dst_iter_c b·H (lstm)][pad][workspace]. */
struct CacheParts {
  float *dstLayer, *dstIter, *dstIterC, *ws;
};

int64_t groupCacheFloats(const Plan& p, int64_t bg) {
  const int64_t state = bg * p.H * (p.cell == Lstm ? 2 : 1);
  return p.T * bg * p.H + state + ALIGN_FLOATS + static_cast<int64_t>((p.train.wsBytes + 3) / 4);
}

CacheParts cacheParts(const Plan& p, int64_t bg, float* base) {
  CacheParts c;
  c.dstLayer = base;
  c.dstIter = base + p.T * bg * p.H;
  c.dstIterC = p.cell == Lstm ? c.dstIter + bg * p.H : nullptr;
  float* after = c.dstIter + bg * p.H * (p.cell == Lstm ? 2 : 1);
  const uintptr_t a = reinterpret_cast<uintptr_t>(after);
  c.ws = reinterpret_cast<float*>((a + 63) & ~static_cast<uintptr_t>(63));
  return c;
}

/** rows[j] = src[idx[j]] for [B, n] → [bg, n] (zeros when src is null). */
void gatherRows(const float* src, const std::vector<int32_t>& idx, int64_t n, float* dst) {
  for (size_t j = 0; j < idx.size(); j++) {
    if (src) std::memcpy(dst + j * n, src + static_cast<int64_t>(idx[j]) * n, sizeof(float) * n);
    else std::memset(dst + j * n, 0, sizeof(float) * n);
  }
}

void addRows(const float* src, const std::vector<int32_t>& idx, int64_t n, float* dst) {
  for (size_t j = 0; j < idx.size(); j++) {
    float* d = dst + static_cast<int64_t>(idx[j]) * n;
    const float* s = src + j * n;
    for (int64_t k = 0; k < n; k++) d[k] += s[k];
  }
}

}  // namespace

RnnEngine::RnnEngine() : eng_(dnnl::engine::kind::cpu, 0), strm_(eng_) {}
RnnEngine::~RnnEngine() = default;

Plan& RnnEngine::plan(int cell, int64_t T, int64_t B, int64_t I, int64_t H, bool reverse) {
  auto key = std::make_tuple(cell, T, B, I, H, reverse);
  auto it = plans_.find(key);
  if (it != plans_.end()) return *it->second;
  if (plans_.size() >= 256) plans_.clear();  // bound the cache for programs that sweep many shapes
  auto p = std::make_unique<Plan>();
  p->cell = cell;
  p->T = T;
  p->B = B;
  p->I = I;
  p->H = H;
  p->reverse = reverse;
  p->G = gatesOf(cell);
  p->Gb = cell == Gru ? 4 : p->G;
  p->srcLayer = memory::desc({T, B, I}, dt::f32, tag::tnc);
  p->diffSrcLayer = p->srcLayer;
  p->iter = memory::desc({1, 1, B, H}, dt::f32, tag::ldnc);
  p->wlUser = memory::desc({1, 1, I, p->G, H}, dt::f32, tag::ldgoi);
  p->wiUser = memory::desc({1, 1, H, p->G, H}, dt::f32, tag::ldgoi);
  p->anyWl = memory::desc({1, 1, I, p->G, H}, dt::f32, tag::any);
  p->anyWi = memory::desc({1, 1, H, p->G, H}, dt::f32, tag::any);
  p->bias = memory::desc({1, 1, p->Gb, H}, dt::f32, tag::ldgo);
  p->dstLayer = memory::desc({T, B, H}, dt::f32, tag::tnc);
  Plan& ref = *p;
  plans_.emplace(key, std::move(p));
  return ref;
}

namespace {

/** PyTorch weights and biases in oneDNN's gate order (GRU only permutes; others are used as is). */
struct UserWeights {
  const float* wl;
  const float* wi;
  std::vector<float> wlBuf, wiBuf, bias;
};

void permuteGates(int cell, const float* src, int64_t G, int64_t H, int64_t cols, std::vector<float>& out) {
  out.resize(G * H * cols);
  for (int64_t g = 0; g < G; g++) std::memcpy(out.data() + g * H * cols, src + torchGate(cell, static_cast<int>(g)) * H * cols, sizeof(float) * H * cols);
}

void userWeights(const CellShape& s, const float* wIh, const float* wHh, const float* bIh, const float* bHh, UserWeights& u) {
  const int64_t G = gatesOf(s.cell), H = s.H;
  if (s.cell == Gru) {
    permuteGates(s.cell, wIh, G, H, s.I, u.wlBuf);
    permuteGates(s.cell, wHh, G, H, H, u.wiBuf);
    u.wl = u.wlBuf.data();
    u.wi = u.wiBuf.data();
  } else {
    u.wl = wIh;
    u.wi = wHh;
  }
  const int64_t Gb = s.cell == Gru ? 4 : G;
  u.bias.assign(Gb * H, 0.0f);
  for (int64_t g = 0; g < G; g++) {
    const int64_t tg = torchGate(s.cell, static_cast<int>(g));
    for (int64_t h = 0; h < H; h++) {
      const float bi = bIh ? bIh[tg * H + h] : 0.0f;
      const float bh = bHh ? bHh[tg * H + h] : 0.0f;
      if (s.cell == Gru && g == 2) {
        u.bias[2 * H + h] = bi;  // b_in
        u.bias[3 * H + h] = bh;  // b_hn, inside the reset product
      } else {
        u.bias[g * H + h] = bi + bh;
      }
    }
  }
}

}  // namespace

int64_t RnnEngine::cacheSize(const CellShape& s, int threads) {
  std::vector<int32_t> empty;
  int64_t total = 0;
  for (auto& g : groupsOf(s, &empty, threads)) {
    Plan& p = plan(s.cell, g.len, static_cast<int64_t>(g.idx.size()), s.I, s.H, s.reverse);
    if (!p.train.ready) initForward(p, p.train, eng_, true);
    total += groupCacheFloats(p, static_cast<int64_t>(g.idx.size()));
  }
  return std::max<int64_t>(total, 1);
}

dnnl::stream& RnnEngine::streamFor(int thread) {
  while (static_cast<int>(streams_.size()) <= thread) streams_.emplace_back(eng_);
  return streams_[thread];
}

namespace {

/**
 * Run `fn(i)` for every group: on the whole OpenMP team when there is one group (oneDNN threads the
 * primitive), else one group per thread with the primitives running single-threaded inside. Splitting
 * the batch avoids oneDNN's per-timestep barriers, which cost a scheduler time slice whenever a
 * thread is preempted (2 threads on a busy 2-core machine ran 4–20× slower than 1). Exceptions are
 * carried out of the parallel region and rethrown.
 */
template <typename F>
void forEachGroup(size_t n, int threads, F&& fn) {
  if (n <= 1 || threads <= 1) {
    // One chunk means fewer than 2·MIN_CHUNK_ROWS rows: too little work to share, and oneDNN's
    // per-timestep barriers would cost more than they save, so it runs on this thread alone.
    if (threads > 1) omp_set_num_threads(1);
    try {
      for (size_t i = 0; i < n; i++) fn(i, 0);
    } catch (...) {
      if (threads > 1) omp_set_num_threads(threads);
      throw;
    }
    if (threads > 1) omp_set_num_threads(threads);
    return;
  }
  std::exception_ptr err;
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::min<int>(threads, static_cast<int>(n)))
  for (size_t i = 0; i < n; i++) {
    try {
      fn(i, omp_get_thread_num());
    } catch (...) {
#pragma omp critical(ro_group_error)
      if (!err) err = std::current_exception();
    }
  }
  if (err) std::rethrow_exception(err);
}

/**
 * Grow-only scratch buffers of the calling thread (OpenMP's threads persist, so they are reused):
 * a fresh multi-megabyte std::vector per call was mmap'ed, page-faulted and zeroed every time,
 * which took half of a training step's time. Contents are undefined; callers write or zero them.
 */
float* scratch(size_t slot, size_t n) {
  thread_local std::vector<std::vector<float>> slots;
  if (slots.size() <= slot) slots.resize(slot + 1);
  std::vector<float>& v = slots[slot];
  if (v.size() < n) v.resize(n);
  return v.data();
}

float* zeroed(size_t slot, size_t n) {
  float* p = scratch(slot, n);
  std::memset(p, 0, sizeof(float) * n);
  return p;
}

/** A user-managed scratchpad for one primitive execution (64-byte aligned inside the slot). */
void* scratchpadFor(size_t slot, const memory::desc& md) {
  float* p = scratch(slot, md.get_size() / sizeof(float) + 32);
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<void*>((a + 63) & ~static_cast<uintptr_t>(63));
}

}  // namespace

void RnnEngine::forward(const CellShape& s, const ForwardArgs& a, int threads) {
  const bool training = a.cache != nullptr;
  if (!training && s.T <= SHORT_FORWARD_MAX_T) {
    shortForward(s, a);
    return;
  }
  const bool lstm = s.cell == Lstm;
  const int64_t T = s.T, B = s.B, I = s.I, H = s.H, ys = s.yStride;
  std::vector<int32_t> empty;
  std::vector<Group> groups = groupsOf(s, &empty, threads);
  thread_local UserWeights u;  // reused: its buffers keep their capacity
  userWeights(s, a.wIh, a.wHh, a.bIh, a.bHh, u);
  // Inside the parallel lambdas `u` would name the worker thread's own (empty) instance: use pointers.
  float* bias = u.bias.data();
  const bool denseY = ys == H && s.yOffset == 0;
  // Sequential pre-pass: primitives, cache offsets, and each plan's weights in its layout (once per plan).
  struct Run {
    Plan* p;
    Plan::Fwd* f;
    float *wl, *wi;
    int64_t cacheOff;
  };
  std::vector<Run> runs;
  int64_t cacheOff = 0;
  for (auto& g : groups) {
    const int64_t bg = static_cast<int64_t>(g.idx.size());
    Plan& p = plan(s.cell, g.len, bg, I, H, s.reverse);
    Plan::Fwd& f = training ? p.train : p.inf;
    if (!f.ready) initForward(p, f, eng_, training);
    Run r{&p, &f, nullptr, nullptr, cacheOff};
    for (auto& q : runs)
      if (q.p == &p) r.wl = q.wl, r.wi = q.wi;
    if (!r.wl) {
      r.wl = f.wl.in(strm_, eng_, p.wlUser, u.wl);
      r.wi = f.wi.in(strm_, eng_, p.wiUser, u.wi);
    }
    if (training) {
      cacheOff += groupCacheFloats(p, bg);
      if (cacheOff > a.cacheLen) throwRecur("E_INVALID_ARGUMENT", "cellForward: the cache tensor is too small for this shape");
    }
    runs.push_back(r);
  }
  strm_.wait();
  for (int t = 0; t < std::min<int>(threads, static_cast<int>(groups.size())); t++) streamFor(t);
  forEachGroup(groups.size(), threads, [&](size_t gi, int thread) {
    const Group& g = groups[gi];
    const Run& r = runs[gi];
    Plan& p = *r.p;
    Plan::Fwd& f = *r.f;
    const int64_t L = g.len, bg = static_cast<int64_t>(g.idx.size());
    // Inputs: x[0:L, idx, :], h0[idx], c0[idx].
    const float* x = a.x;
    const float* h0 = a.h0;
    const float* c0 = a.c0;
    if (!g.whole) {
      float* xg = scratch(0, L * bg * I);
      for (int64_t t = 0; t < L; t++) gatherRows(a.x + t * B * I, g.idx, I, xg + t * bg * I);
      x = xg;
    }
    if (!g.whole || !h0) {
      float* h0g = scratch(1, bg * H);
      gatherRows(a.h0, g.idx, H, h0g);
      h0 = h0g;
    }
    if (lstm && (!g.whole || !c0)) {
      float* c0g = scratch(2, bg * H);
      gatherRows(a.c0, g.idx, H, c0g);
      c0 = c0g;
    }
    // Outputs: dense dst_layer, dst_iter(, dst_iter_c): in the cache when training.
    float *dl, *hi, *ci = nullptr, *ws = nullptr;
    if (training) {
      CacheParts c = cacheParts(p, bg, a.cache + r.cacheOff);
      dl = c.dstLayer;
      hi = c.dstIter;
      ci = c.dstIterC;
      ws = c.ws;
    } else {
      dl = g.whole && denseY ? a.y : scratch(3, L * bg * H);
      hi = g.whole ? a.hN : scratch(4, bg * H);
      if (lstm) ci = g.whole ? a.cN : scratch(5, bg * H);
    }
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC_LAYER, memory(p.srcLayer, eng_, const_cast<float*>(x))},
        {DNNL_ARG_SRC_ITER, memory(p.iter, eng_, const_cast<float*>(h0))},
        {DNNL_ARG_WEIGHTS_LAYER, memory(f.wl.md, eng_, r.wl)},
        {DNNL_ARG_WEIGHTS_ITER, memory(f.wi.md, eng_, r.wi)},
        {DNNL_ARG_BIAS, memory(p.bias, eng_, bias)},
        {DNNL_ARG_DST_LAYER, memory(p.dstLayer, eng_, dl)},
        {DNNL_ARG_DST_ITER, memory(p.iter, eng_, hi)},
        {DNNL_ARG_SCRATCHPAD, memory(f.scratch, eng_, scratchpadFor(6, f.scratch))},
    };
    if (lstm) {
      args.emplace(DNNL_ARG_SRC_ITER_C, memory(p.iter, eng_, const_cast<float*>(c0)));
      args.emplace(DNNL_ARG_DST_ITER_C, memory(p.iter, eng_, ci));
    }
    if (training) args.emplace(DNNL_ARG_WORKSPACE, memory(f.ws, eng_, ws));
    dnnl::stream& st = streamFor(thread);
    f.prim.execute(st, args);
    st.wait();
    // Scatter: y[t, idx[j], yOffset:+H] = dst[t, j] for t < L, 0 for padded steps; hN / cN rows.
    if (!(g.whole && denseY && !training)) {
      for (int64_t t = 0; t < T; t++) {
        for (int64_t j = 0; j < bg; j++) {
          float* yr = a.y + (t * B + g.idx[j]) * ys + s.yOffset;
          if (t < L) std::memcpy(yr, dl + (t * bg + j) * H, sizeof(float) * H);
          else std::memset(yr, 0, sizeof(float) * H);
        }
      }
    }
    if (hi != a.hN)
      for (int64_t j = 0; j < bg; j++) std::memcpy(a.hN + g.idx[j] * H, hi + j * H, sizeof(float) * H);
    if (lstm && ci != a.cN)
      for (int64_t j = 0; j < bg; j++) std::memcpy(a.cN + g.idx[j] * H, ci + j * H, sizeof(float) * H);
  });
  // Length-0 sequences: every output row is padding; the state passes through unchanged.
  for (int32_t b : empty) {
    for (int64_t t = 0; t < T; t++) std::memset(a.y + (t * B + b) * ys + s.yOffset, 0, sizeof(float) * H);
    if (a.h0) std::memcpy(a.hN + b * H, a.h0 + b * H, sizeof(float) * H);
    else std::memset(a.hN + b * H, 0, sizeof(float) * H);
    if (lstm) {
      if (a.c0) std::memcpy(a.cN + b * H, a.c0 + b * H, sizeof(float) * H);
      else std::memset(a.cN + b * H, 0, sizeof(float) * H);
    }
  }
}

void RnnEngine::backward(const CellShape& s, const BackwardArgs& a, int threads) {
  const bool lstm = s.cell == Lstm;
  const int64_t B = s.B, I = s.I, H = s.H, ys = s.yStride;
  const int64_t G = gatesOf(s.cell), Gb = s.cell == Gru ? 4 : G;
  std::vector<int32_t> empty;
  std::vector<Group> groups = groupsOf(s, &empty, threads);
  thread_local UserWeights u;  // reused: its buffers keep their capacity
  userWeights(s, a.wIh, a.wHh, a.bIh, a.bHh, u);
  // Inside the parallel lambdas `u` would name the worker thread's own (empty) instance: use pointers.
  float* bias = u.bias.data();
  // Per group: its own weight-gradient buffers (in the primitive's layout), summed after the join.
  struct Run {
    Plan* p;
    float *wl, *wi;
    int64_t cacheOff;
    float *dwl, *dwi, *db;
  };
  std::vector<Run> runs(groups.size());
  thread_local std::vector<std::vector<float>> gradBufs;  // 3 per group, reused across calls
  if (gradBufs.size() < 3 * groups.size()) gradBufs.resize(3 * groups.size());
  auto gradBuf = [&](size_t k, size_t n) {
    std::vector<float>& v = gradBufs[k];
    if (v.size() < n) v.resize(n);
    std::fill(v.begin(), v.begin() + n, 0.0f);
    return v.data();
  };
  int64_t cacheOff = 0;
  for (size_t gi = 0; gi < groups.size(); gi++) {
    const int64_t bg = static_cast<int64_t>(groups[gi].idx.size());
    Plan& p = plan(s.cell, groups[gi].len, bg, I, H, s.reverse);
    if (!p.bwd.ready) initBackward(p, eng_);
    Run& r = runs[gi];
    r.p = &p;
    r.wl = nullptr;
    for (size_t q = 0; q < gi; q++)
      if (runs[q].p == &p) r.wl = runs[q].wl, r.wi = runs[q].wi;
    if (!r.wl) {
      r.wl = p.bwd.wl.in(strm_, eng_, p.wlUser, u.wl);
      r.wi = p.bwd.wi.in(strm_, eng_, p.wiUser, u.wi);
    }
    r.cacheOff = cacheOff;
    cacheOff += groupCacheFloats(p, bg);
    if (cacheOff > a.cacheLen) throwRecur("E_INVALID_ARGUMENT", "cellBackward: the cache tensor is too small for this shape");
    r.dwl = gradBuf(3 * gi, p.bwd.dwl.md.get_size() / sizeof(float) + 1);
    r.dwi = gradBuf(3 * gi + 1, p.bwd.dwi.md.get_size() / sizeof(float) + 1);
    r.db = gradBuf(3 * gi + 2, Gb * H);
  }
  strm_.wait();
  for (int t = 0; t < std::min<int>(threads, static_cast<int>(groups.size())); t++) streamFor(t);
  forEachGroup(groups.size(), threads, [&](size_t gi, int thread) {
    const Group& g = groups[gi];
    Run& r = runs[gi];
    Plan& p = *r.p;
    Plan::Bwd& w = p.bwd;
    const int64_t L = g.len, bg = static_cast<int64_t>(g.idx.size());
    CacheParts c = cacheParts(p, bg, a.cache + r.cacheOff);
    const float* x = a.x;
    if (!g.whole) {
      float* xg = scratch(0, L * bg * I);
      for (int64_t t = 0; t < L; t++) gatherRows(a.x + t * B * I, g.idx, I, xg + t * bg * I);
      x = xg;
    }
    float* h0g = scratch(1, bg * H);
    gatherRows(a.h0, g.idx, H, h0g);
    float* c0g = lstm ? scratch(2, bg * H) : nullptr;
    if (lstm) gatherRows(a.c0, g.idx, H, c0g);
    // Upstream gradients: dy[0:L, idx, yOffset:+H] densely, dhN / dcN rows (zeros where null).
    float* ddl = scratch(3, L * bg * H);
    for (int64_t t = 0; t < L; t++)
      for (int64_t j = 0; j < bg; j++) {
        float* d = ddl + (t * bg + j) * H;
        if (a.dy) std::memcpy(d, a.dy + (t * B + g.idx[j]) * ys + s.yOffset, sizeof(float) * H);
        else std::memset(d, 0, sizeof(float) * H);
      }
    float* dhi = scratch(4, bg * H);
    gatherRows(a.dhN, g.idx, H, dhi);
    float* dci = lstm ? scratch(5, bg * H) : nullptr;
    if (lstm) gatherRows(a.dcN, g.idx, H, dci);
    float* dsl = zeroed(6, L * bg * I);
    float* dsi = zeroed(7, bg * H);
    float* dsc = lstm ? zeroed(8, bg * H) : nullptr;
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC_LAYER, memory(p.srcLayer, eng_, const_cast<float*>(x))},
        {DNNL_ARG_SRC_ITER, memory(p.iter, eng_, h0g)},
        {DNNL_ARG_WEIGHTS_LAYER, memory(w.wl.md, eng_, r.wl)},
        {DNNL_ARG_WEIGHTS_ITER, memory(w.wi.md, eng_, r.wi)},
        {DNNL_ARG_BIAS, memory(p.bias, eng_, bias)},
        {DNNL_ARG_DST_LAYER, memory(p.dstLayer, eng_, c.dstLayer)},
        {DNNL_ARG_DST_ITER, memory(p.iter, eng_, c.dstIter)},
        {DNNL_ARG_WORKSPACE, memory(p.train.ws, eng_, c.ws)},
        {DNNL_ARG_DIFF_DST_LAYER, memory(p.dstLayer, eng_, ddl)},
        {DNNL_ARG_DIFF_DST_ITER, memory(p.iter, eng_, dhi)},
        {DNNL_ARG_DIFF_SRC_LAYER, memory(p.diffSrcLayer, eng_, dsl)},
        {DNNL_ARG_DIFF_SRC_ITER, memory(p.iter, eng_, dsi)},
        {DNNL_ARG_DIFF_WEIGHTS_LAYER, memory(w.dwl.md, eng_, r.dwl)},
        {DNNL_ARG_DIFF_WEIGHTS_ITER, memory(w.dwi.md, eng_, r.dwi)},
        {DNNL_ARG_DIFF_BIAS, memory(p.bias, eng_, r.db)},
        {DNNL_ARG_SCRATCHPAD, memory(w.scratch, eng_, scratchpadFor(9, w.scratch))},
    };
    if (lstm) {
      args.emplace(DNNL_ARG_SRC_ITER_C, memory(p.iter, eng_, c0g));
      args.emplace(DNNL_ARG_DST_ITER_C, memory(p.iter, eng_, c.dstIterC));
      args.emplace(DNNL_ARG_DIFF_DST_ITER_C, memory(p.iter, eng_, dci));
      args.emplace(DNNL_ARG_DIFF_SRC_ITER_C, memory(p.iter, eng_, dsc));
    }
    dnnl::stream& st = streamFor(thread);
    w.prim.execute(st, args);
    st.wait();
    // dx[t, idx[j]] += diff_src_layer[t, j]; dh0 / dc0 rows (groups own disjoint rows: no race).
    if (a.dx)
      for (int64_t t = 0; t < L; t++) addRows(dsl + t * bg * I, g.idx, I, a.dx + t * B * I);
    if (a.dh0) addRows(dsi, g.idx, H, a.dh0);
    if (lstm && a.dc0) addRows(dsc, g.idx, H, a.dc0);
  });
  // Weight gradients: each group's back to ldgoi (oneDNN gate order), summed.
  float* dwl = zeroed(20, G * H * I);
  float* dwi = zeroed(21, G * H * H);
  float* db = zeroed(22, Gb * H);
  auto accumulate = [&](Converted& conv, const memory::desc& user, float* prim, float* sum, int64_t n) {
    const float* src = prim;
    if (!conv.same) {
      float* tmp = zeroed(23, n);
      memory from(conv.md, eng_, prim), to(user, eng_, tmp);
      conv.toUser.execute(strm_, from, to);
      strm_.wait();
      src = tmp;
    }
    for (int64_t k = 0; k < n; k++) sum[k] += src[k];
  };
  for (auto& r : runs) {
    accumulate(r.p->bwd.dwl, r.p->wlUser, r.dwl, dwl, G * H * I);
    accumulate(r.p->bwd.dwi, r.p->wiUser, r.dwi, dwi, G * H * H);
    for (int64_t k = 0; k < Gb * H; k++) db[k] += r.db[k];
  }
  // Length-0 sequences: hN was h0, so dL/dh0 += dL/dhN (and the same for c).
  for (int32_t b : empty) {
    if (a.dh0 && a.dhN)
      for (int64_t h = 0; h < H; h++) a.dh0[b * H + h] += a.dhN[b * H + h];
    if (lstm && a.dc0 && a.dcN)
      for (int64_t h = 0; h < H; h++) a.dc0[b * H + h] += a.dcN[b * H + h];
  }
  // Back to PyTorch's gate order; split the bias gradient into bias_ih / bias_hh.
  for (int64_t gi = 0; gi < G; gi++) {
    const int64_t tg = torchGate(s.cell, static_cast<int>(gi));
    float* dWih = a.dWih + tg * H * I;
    const float* sWih = dwl + gi * H * I;
    for (int64_t k = 0; k < H * I; k++) dWih[k] += sWih[k];
    float* dWhh = a.dWhh + tg * H * H;
    const float* sWhh = dwi + gi * H * H;
    for (int64_t k = 0; k < H * H; k++) dWhh[k] += sWhh[k];
    const bool gruNew = s.cell == Gru && gi == 2;
    for (int64_t h = 0; h < H; h++) {
      if (a.dbIh) a.dbIh[tg * H + h] += db[gi * H + h];
      if (a.dbHh) a.dbHh[tg * H + h] += gruNew ? db[3 * H + h] : db[gi * H + h];
    }
  }
}

}  // namespace ro
