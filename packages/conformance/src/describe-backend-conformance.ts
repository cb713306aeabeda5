/**
 * `describeBackendConformance({ name, create })`: registers the whole conformance suite as vitest
 * `describe`/`it` blocks for one backend.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { checked, composeSequence } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { Harness, type BackendConformanceOptions } from './harness.js';
import { describeModelConformance } from './model-conformance.js';
import { cellTests } from './suites/cells.js';
import { edgeShapeTests } from './suites/edge-shapes.js';
import { finiteDifferenceTests } from './suites/finite-differences.js';
import { kernelTests } from './suites/kernels.js';
import { largeInputTests } from './suites/large-inputs.js';
import { memoryAndErrorTests } from './suites/memory-and-errors.js';
import { pytorchTests } from './suites/pytorch.js';
import { sharedCheckEdgeTests } from './suites/shared-check-edges.js';
import { steppingTests } from './suites/stepping.js';
import { tensorHandleTests } from './suites/tensor-handles.js';

/**
 * Register the conformance suite for one backend. Call it at the top level of a `*.test.ts` file:
 *
 * ```ts
 * import { describeBackendConformance } from '@recur/conformance';
 * describeBackendConformance({ name: 'wasm', create: () => createWasmBackend() });
 * ```
 *
 * It checks every kernel against the float64 CPU oracle and against PyTorch golden fixtures,
 * stepping against whole sequences, gradients against finite differences, edge shapes, large
 * inputs, leaks and typed errors, then whole `@recur/core` models (`describeModelConformance`). Tolerances come from `toleranceFor(capabilities.precision)`;
 * tests are skipped only for a missing capability, with the reason in the test name and the skip
 * note. An `afterAll` prints one summary line with the number of checks and the worst relative
 * error against PyTorch.
 */
export function describeBackendConformance(options: BackendConformanceOptions): void {
  const h = new Harness(options);
  describe(`conformance[${options.name}]`, () => {
    let baseline = 0;
    beforeAll(async () => {
      // As users get it through the registry: with the shared argument checks (a no-op for a
      // backend built with defineBackend, which is checked already), and, for a backend that
      // declares no fused sequence, with whole sequences composed from its T = 1 kernels exactly
      // as @recur/core composes them (composeSequence; a no-op for fused backends).
      const backend = checked(composeSequence(await options.create()));
      const oracle = createCpuBackend({ precision: 'float64' });
      h.setup(backend, oracle);
      baseline = backend.memory().liveTensors;
    });
    afterAll(() => {
      console.log(h.stats.summary(options.name));
      try {
        h.backend.destroy();
        h.oracle.destroy();
      } finally {
        h.teardown();
      }
    });

    memoryAndErrorTests(h);
    sharedCheckEdgeTests(h);
    tensorHandleTests(h);
    kernelTests(h);
    cellTests(h);
    pytorchTests(h);
    steppingTests(h);
    finiteDifferenceTests(h);
    edgeShapeTests(h);
    largeInputTests(h);

    it('after the whole suite, no tensors are left alive', () => {
      const live = h.backend.memory().liveTensors;
      h.assert(live === baseline, `liveTensors is ${live}, was ${baseline} before the suite: something leaked`);
    });

    // Whole models through @recur/core (PyTorch model fixtures, streaming, switching backends
    // mid-training, a short sine training run); these make their own backend instances.
    describeModelConformance({ name: options.name, create: options.create });
  });
}
