/**
 * @recur/backend-onednn: a native CPU backend for Node on oneDNN. A Node-API addon that runs GEMMs on
 * `dnnl_sgemm`, RNN / LSTM / GRU layers forward and backward on oneDNN's RNN primitives, and the
 * elementwise, loss and optimizer kernels in C++, multithreaded. The addon is optional: where it is
 * not built (no oneDNN or no compiler), the backend reports itself unavailable with the reason.
 *
 * @packageDocumentation
 */
export { createOnednnBackend, defaultThreads, type OnednnBackend, type OnednnBackendOptions } from './backend.js';
export { ONEDNN_1THREAD_PRIORITY, ONEDNN_PRIORITY, probeOnednn, registerOnednnBackend } from './register.js';
export { ONEDNN_CAPABILITIES } from './capabilities.js';
export { BACKEND_PACKAGE_INFO } from './package-info.js';
export { BackendDestroyedError, OnednnError } from './onednn-errors.js';
export type { OnednnVersion } from './native.js';
