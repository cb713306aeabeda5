/**
 * @recur/data: Windowing, scaling, chronological splits, CSV readers and tokenizers for sequence data.
 *
 * @packageDocumentation
 */
export {};
