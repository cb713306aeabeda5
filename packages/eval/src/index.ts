/**
 * @recur/eval: Metrics, baselines, backtests, long-range-context probes and charts.
 *
 * @packageDocumentation
 */
export {};
