/**
 * @recur/cli: The recur command: train, eval, predict, probe, generate, import/export PyTorch.
 *
 * @packageDocumentation
 */
export {};
