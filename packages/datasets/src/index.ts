/**
 * @recur/datasets: Real datasets for recur, loaded lazily from npm packages.
 *
 * @packageDocumentation
 */
export {};
