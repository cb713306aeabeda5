// Shared declarations of the recur oneDNN addon: the failure type every checked oneDNN call throws,
// and the checking macro. Native code throws ro::Failure; the Node-API layer (addon.cc) turns it
// into a JS Error carrying the oneDNN status name, which the TypeScript layer (src/onednn-errors.ts)
// maps to recur's typed errors (OutOfMemoryError, OnednnError, InvalidArgumentError).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include <oneapi/dnnl/dnnl.h>

namespace ro {

/** Where a failure came from. */
enum class Source { Onednn, Recur };

/** A failed oneDNN call, or a recur-level error detected in native code. */
struct Failure {
  Source source;
  int status;           // dnnl_status_t, or 0 for Recur
  std::string name;     // e.g. "dnnl_out_of_memory", or a recur code such as "E_INVALID_TARGET"
  std::string message;  // what went wrong
  std::string where;    // the call that failed
};

/** The enumerator name of a dnnl_status_t, e.g. "dnnl_invalid_arguments". */
const char* statusName(dnnl_status_t st);

[[noreturn]] void throwDnnl(dnnl_status_t st, const std::string& where);
[[noreturn]] void throwRecur(const std::string& code, const std::string& message);

/** Set the OpenMP thread count oneDNN and the addon's loops use (cheap when unchanged). */
void useThreads(int threads);

}  // namespace ro

// Every oneDNN C call goes through DNNL_CHECK.
#define DNNL_CHECK(call)                                        \
  do {                                                          \
    dnnl_status_t ro_st_ = (call);                              \
    if (ro_st_ != dnnl_success) ro::throwDnnl(ro_st_, #call);   \
  } while (0)
