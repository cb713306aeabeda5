/**
 * The demos' Web Worker: training would block the page, so every demo runs here. The page posts
 * a {@link DemoRequest}; the worker answers with progress messages and one result (or error).
 */
// The kernels are served as assets of the site (the sources' `new URL('./recur.wasm', …)` points
// at src/, where no .wasm lives), so the worker passes their URLs explicitly.
import wasmUrl from '../../../packages/backend-wasm/dist/recur.wasm?url';
import wasmRelaxedUrl from '../../../packages/backend-wasm/dist/recur-relaxed.wasm?url';
// the shared-memory builds, which the backend's worker pool runs where the page is cross-origin isolated
import wasmThreadsUrl from '../../../packages/backend-wasm/dist/recur-threads.wasm?url';
import wasmRelaxedThreadsUrl from '../../../packages/backend-wasm/dist/recur-relaxed-threads.wasm?url';
import { runDemo, type DemoRequest, type DemoMessage } from './run-demo.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<DemoRequest>) => void) | null;
  postMessage(message: DemoMessage): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (e) => {
  void runDemo(e.data, { wasmUrl, wasmRelaxedUrl, wasmThreadsUrl, wasmRelaxedThreadsUrl }, (m) => scope.postMessage(m));
};
