// The adapter on the TensorFlow.js webgpu engine, in Node through the `webgpu` package (Dawn).
// Runs only where a WebGPU adapter exists; otherwise it skips with the reason printed.
// (tfjs has one global engine; vitest runs each test file in its own fork, so this file owns it.)
import { afterAll, it } from 'vitest';
import { describeBackendConformance } from '@recur/conformance';
import { createTfjsBackend } from './index.js';
import { setUpNodeWebGpu, webgpuRequired } from './node-webgpu.test-util.js';

const webgpu = await setUpNodeWebGpu();

if (webgpu.ok) {
  describeBackendConformance({ name: 'tfjs-webgpu', create: () => createTfjsBackend({ engine: 'webgpu' }) });
  afterAll(() => webgpu.release());
} else if (webgpuRequired()) {
  it('conformance[tfjs-webgpu] needs a WebGPU adapter in CI (chromium is installed)', () => {
    throw new Error(`no WebGPU adapter: ${webgpu.reason}`);
  });
} else {
  console.warn(`conformance[tfjs-webgpu] skipped: ${webgpu.reason}`);
  it.skip(`conformance[tfjs-webgpu] skipped: ${webgpu.reason}`, () => undefined);
}
