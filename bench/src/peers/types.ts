import type { RunPlan, Timing } from '../measure.js';
import type { Workload } from '../workloads.js';

/** One implementation measured by the harness: a recur backend or a peer library. */
export interface Contender {
  /** Row label, e.g. `recur/wasm` or `tfjs-layers/wasm`. */
  readonly name: string;
  /** `recur` rows are ours; every other row is a peer. */
  readonly family: 'recur' | 'peer';
  /** Whether this contender runs the workload (and if not, why). */
  supports(w: Workload): true | string;
  /** Build the workload and return its measured timing. */
  run(w: Workload, plan: RunPlan): Promise<Timing>;
  /** Free everything (called once at the end). */
  close?(): Promise<void> | void;
  /** A note printed under the table (e.g. "batch-1 workloads only"). */
  readonly note?: string;
  /** Measured and shown, but left out of the ratio table, for this reason (e.g. an old PyTorch). */
  readonly excludeFromRatios?: string;
}

/** A contender that could not be created here, with the reason that is printed. */
export interface Unavailable {
  readonly name: string;
  readonly reason: string;
}
