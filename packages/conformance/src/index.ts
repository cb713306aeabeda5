/**
 * @recur/conformance: The conformance suite every recur backend runs, with PyTorch golden fixtures.
 *
 * @packageDocumentation
 */
export {};
