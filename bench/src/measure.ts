/**
 * Timing and memory measurement. Every workload reports the median, minimum and maximum over
 * at least `iterations` timed runs after `warmup` untimed ones, plus peak memory.
 */

/** Summary statistics of one workload on one implementation. */
export interface Timing {
  /** Milliseconds per unit (an iteration, or a step for streaming workloads). */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samples: number;
  /** Peak resident-set growth over the run, in MiB (process-wide; a coarse upper bound). */
  readonly peakRssMiB: number;
  /** Peak bytes held by the implementation itself when it can say (e.g. backend.memory()). */
  readonly peakOwnMiB: number | null;
}

/** How long to run. `smoke` mode (CI) keeps the harness alive without measuring anything useful. */
export interface RunPlan {
  readonly warmup: number;
  readonly iterations: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Time `fn` (which may be async) `plan.iterations` times after `plan.warmup` warm-up calls.
 * `unitsPerCall` divides each sample (e.g. 50 streaming steps per call → ms per step).
 * `ownBytes` samples the implementation's own memory after each call.
 */
export async function measure(
  fn: () => unknown | Promise<unknown>,
  plan: RunPlan,
  options: { unitsPerCall?: number; ownBytes?: () => number } = {},
): Promise<Timing> {
  const units = options.unitsPerCall ?? 1;
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  let peakOwn = 0;
  for (let i = 0; i < plan.warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < plan.iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push((performance.now() - t0) / units);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (options.ownBytes) peakOwn = Math.max(peakOwn, options.ownBytes());
  }
  return {
    medianMs: median(samples),
    minMs: Math.min(...samples),
    maxMs: Math.max(...samples),
    samples: samples.length,
    peakRssMiB: (peakRss - rss0) / 2 ** 20,
    peakOwnMiB: options.ownBytes ? peakOwn / 2 ** 20 : null,
  };
}
