/**
 * The shared conformance suite on WebGPU, in Node through Dawn (SwiftShader on machines without
 * a GPU). Skips, printing why, when no adapter can be had, except under CI with chromium
 * installed, where that is a failure.
 */
import { describe, it } from 'vitest';
import { describeBackendConformance } from '@recur/conformance';
import { createWebgpuBackend } from './create-webgpu-backend.js';
import { mustHaveGpu, setUpDawn } from './dawn.test-util.js';

const setup = await setUpDawn();

if (setup.ok) {
  describeBackendConformance({ name: 'webgpu', create: () => createWebgpuBackend({ gpu: setup.gpu }) });
  // SwiftShader makes 'auto' pick the barrier-free GEMM everywhere: hold the tiled kernel (what
  // real GPUs use for large products) to the same suite.
  describeBackendConformance({ name: 'webgpu-tiled-gemm', create: () => createWebgpuBackend({ gpu: setup.gpu, gemmKernel: 'tiled' }) });
} else if (mustHaveGpu()) {
  describe('conformance[webgpu]', () => {
    it('has a WebGPU adapter under CI', () => {
      throw new Error(`No WebGPU adapter under CI although /usr/bin/chromium exists: ${setup.reason}`);
    });
  });
} else {
  console.warn(`[webgpu] skipping the conformance suite: ${setup.reason}`);
  describe.skip(`conformance[webgpu] (skipped: ${setup.reason})`, () => {
    it('needs a WebGPU adapter', () => undefined);
  });
}
