/**
 * @recur/bench: pnpm bench: fixed workloads on every recur backend and on peers, in one run.
 *
 * @packageDocumentation
 */
export {};
