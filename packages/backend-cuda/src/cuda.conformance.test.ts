// The full conformance suite on the CUDA backend. It needs a usable NVIDIA GPU and the built addon;
// elsewhere the suite is skipped with the reason printed (run bench/run-on-gpu.sh on a GPU machine).
import { describe, it } from 'vitest';
import { describeBackendConformance } from '@recur/conformance';
import { createCudaBackend, probeCuda } from './index.js';

const availability = probeCuda();

if (availability.available) {
  describeBackendConformance({ name: 'cuda', create: () => createCudaBackend() });
} else {
  console.warn(`[cuda conformance] skipped: cuda is unavailable here — ${availability.reason}`);
  describe.skip(`cuda conformance (skipped: ${availability.reason})`, () => {
    it('runs the conformance suite on a GPU', () => {});
  });
}
