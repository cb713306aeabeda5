/**
 * @recur/backend-webgpu: recur's own WGSL kernels, in browsers and in Node (Dawn).
 *
 * @packageDocumentation
 */
export {};
