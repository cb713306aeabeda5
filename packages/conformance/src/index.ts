/**
 * @recur/conformance: the conformance suite every recur backend runs with one call, plus the
 * PyTorch golden fixtures and the small helpers the suite is built from.
 *
 * @packageDocumentation
 */
export { describeBackendConformance } from './describe-backend-conformance.js';
export { MODEL_FIXTURES, describeModelConformance, type ModelConformanceOptions, type ModelFixture } from './model-conformance.js';
export { missingNeeds, type BackendConformanceOptions, type Need } from './harness.js';
export { assertClose, compareArrays, ConformanceMismatchError, ConformanceStats, type CompareResult } from './assert-close.js';
export {
  loadFixture,
  loadKernelFixtures,
  type CellFixture,
  type CellFixtureFile,
  type KernelFixtureFile,
  type LossFixture,
  type OptimizerFixture,
  type SoftmaxFixture,
} from './fixtures.js';
export { createRng, randomArray, randomRange, type Rng } from './random.js';
export { TensorScope, withScope } from './tensor-scope.js';
export {
  GRADIENT_NAMES,
  randomCellCase,
  randomUpstream,
  runCell,
  upstreamLoss,
  type CellCase,
  type CellForwardResult,
  type CellGradients,
  type CellRun,
  type CellUpstream,
} from './cell-runner.js';
export { handleProblem } from './suites/tensor-handles.js';
export { FINITE_DIFFERENCE_RESOLUTION } from './suites/finite-differences.js';
