// The adapter on the TensorFlow.js `tensorflow` engine: @tensorflow/tfjs-node-gpu (CUDA) or
// @tensorflow/tfjs-node (libtensorflow on the CPU). Their install downloads libtensorflow, so they
// are not installed in this repository's CI; the suite runs wherever one is importable, and
// otherwise skips with the reason printed. See the README for running it with tfjs-node-gpu.
// (tfjs has one global engine; vitest runs each test file in its own fork, so this file owns it.)
import { it } from 'vitest';
import { describeBackendConformance } from '@recur/conformance';
import { createTfjsBackend, probeTfjsEngine } from './index.js';

const availability = await probeTfjsEngine('tensorflow');

if (availability.available) {
  describeBackendConformance({ name: 'tfjs-tensorflow', create: () => createTfjsBackend({ engine: 'tensorflow' }) });
} else {
  console.warn(`conformance[tfjs-tensorflow] skipped: ${availability.reason}`);
  it.skip(`conformance[tfjs-tensorflow] skipped: ${availability.reason}`, () => undefined);
}
