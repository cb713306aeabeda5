// The full conformance suite on the oneDNN backend (training, fused sequences and variable lengths
// are all declared, so nothing is skipped), with the default thread count and with one thread.
// Where the addon is not built (no oneDNN here) the suite is skipped with the reason printed.
import { describe, it } from 'vitest';
import { describeBackendConformance } from '@recur/conformance';
import { createOnednnBackend, probeOnednn } from './index.js';

const availability = probeOnednn();

if (availability.available) {
  describeBackendConformance({ name: 'onednn', create: () => createOnednnBackend() });
} else {
  console.warn(`[onednn conformance] skipped: onednn is unavailable here — ${availability.reason}`);
  describe.skip(`onednn conformance (skipped: ${availability.reason})`, () => {
    it('runs the conformance suite where oneDNN is installed', () => {});
  });
}
