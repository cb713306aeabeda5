/**
 * @recur/backend-tfjs: Run recur on any TensorFlow.js backend.
 *
 * @packageDocumentation
 */
export {};
