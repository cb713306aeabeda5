/**
 * @recur/backend-cpu: The reference CPU backend: plain TypeScript on Float32Array (and a float64 oracle mode).
 *
 * @packageDocumentation
 */
export {};
