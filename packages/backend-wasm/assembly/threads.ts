/**
 * Work splitting and the per-step barrier for the threaded build (`recur-threads.wasm`, shared
 * memory). Every kernel that runs on threads takes `tid` (0 … nt−1), `nt`, `ctl` (a 64-byte control
 * block in linear memory, see src/worker-pool.ts) and `canBlock` (0 on a browser's main thread,
 * where `memory.atomic.wait` traps). With nt = 1 nothing here touches memory.
 *
 * Results must not depend on nt, so work is split by OUTPUT, never by reduction: each output element
 * is computed by exactly one thread with exactly the arithmetic the single-thread run uses. Ranges
 * are whole chunks of {@link CHUNK} = 8 elements, so the SIMD-vs-scalar tail pattern and the 8-wide
 * dot-product blocks fall on the same elements whatever the thread count.
 *
 * Control block (i32 words): [0] barrier arrivals, [1] barrier generation, [2] abort flag,
 * [3] set when a barrier gave up waiting, [10] how long a barrier may wait, in ms (0: 60 000).
 */

/** Split granularity (elements). A multiple of MR (4) and NR (8). */
export const CHUNK: i32 = 8;

/**
 * Spins on the generation word before sleeping in `memory.atomic.wait`, adapted per thread: when
 * the cores are free, partners arrive within microseconds and spinning beats a futex wake-up (tens
 * of µs); when the threads share a core (a loaded machine), spinning only burns the partner's time
 * slice. So a barrier that had to sleep halves this thread's spin budget, and one that ended while
 * spinning doubles it, between {@link SPIN_MIN} and {@link SPIN_MAX} (about 0.1 ms).
 */
const SPIN_MIN: i32 = 256;
const SPIN_MAX: i32 = 131072;
let spinLimit: i32 = SPIN_MAX;

/** First element of thread `tid`'s share of `count` elements split into CHUNK-sized pieces. */
// @ts-ignore: decorator
@inline
export function partLo(count: i32, tid: i32, nt: i32): i32 {
  const chunks = (count + CHUNK - 1) / CHUNK;
  return min(count, ((chunks * tid) / nt) * CHUNK);
}

/**
 * Whether a sequence of batch B on nt threads splits its step loop by batch rows (true) or by hidden
 * units (false). Rows of a batch are independent through time, so a row split needs no barrier per
 * step: one after the input projection (and the packing of W_hh) is all. It needs a whole chunk of
 * rows per thread; smaller batches split hidden units and meet at a barrier every step. Must match
 * the host's rule in src/wasm-context.ts (threadsFor).
 */
// @ts-ignore: decorator
@inline
export function splitsBatch(B: i32, nt: i32): bool {
  return nt > 1 && B >= CHUNK * nt;
}

/** Default of the control block's wait limit (word 10), in ms. */
const DEFAULT_WAIT_LIMIT_MS: i32 = 60000;

/**
 * Wait until all `nt` threads have arrived (a generation barrier). The last to arrive resets the
 * count, bumps the generation and wakes sleepers. Others spin, then sleep where they may block.
 * An abort (a worker whose kernel trapped) releases everyone; the host then throws.
 *
 * Never forever: a thread that has waited longer than the control block's limit (word 10, in ms;
 * counted in 1 ms sleeps, or in spins where it may not block) sets the abort flag and word 3 and
 * returns, which releases every thread; the host then throws a `WorkerKernelError` that says which
 * thread was missing. A healthy partner arrives within milliseconds, so only a thread that died or
 * stopped being scheduled for a whole minute trips it.
 */
export function barrier(ctl: usize, nt: i32, canBlock: bool): void {
  if (nt <= 1) return;
  const gen = atomic.load<i32>(ctl, 4);
  if (atomic.add<i32>(ctl, 1) == nt - 1) {
    atomic.store<i32>(ctl, 0);
    atomic.store<i32>(ctl, gen + 1, 4);
    atomic.notify(ctl + 4, nt);
    return;
  }
  let limitMs = atomic.load<i32>(ctl, 40);
  if (limitMs <= 0) limitMs = DEFAULT_WAIT_LIMIT_MS;
  // where this thread may not sleep, spins stand in for time: 10⁶ atomic loads take ≥ 1 ms
  const spinBudget: i64 = <i64>limitMs * 1000000;
  let spins: i64 = 0;
  let sleeps: i32 = 0;
  let slept = false;
  while (atomic.load<i32>(ctl, 4) == gen) {
    if (atomic.load<i32>(ctl, 8) != 0) return;
    ++spins;
    if (canBlock && spins > <i64>spinLimit) {
      slept = true;
      atomic.wait<i32>(ctl + 4, gen, 1000000);
      if (++sleeps > limitMs) {
        giveUp(ctl, nt);
        return;
      }
    } else if (spins > spinBudget) {
      giveUp(ctl, nt);
      return;
    }
  }
  if (slept) spinLimit = max(SPIN_MIN, spinLimit >> 1);
  else spinLimit = min(SPIN_MAX, spinLimit << 1);
}

/** A barrier waited past its limit: flag it (word 3), abort (word 2) and release every thread. */
function giveUp(ctl: usize, nt: i32): void {
  atomic.store<i32>(ctl, 1, 12);
  atomic.store<i32>(ctl, 1, 8);
  atomic.notify(ctl + 4, nt);
}
