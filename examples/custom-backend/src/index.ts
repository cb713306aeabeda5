/**
 * @example/custom-backend: a small float64 backend written outside `packages/`, from the
 * add-a-backend checklist (docs/contributing/add-a-backend.md). It proves the contract is
 * implementable by a stranger: it registers itself, `useBackend('naive-f64')` selects it, and
 * it passes `describeBackendConformance`.
 *
 * @packageDocumentation
 */
export { createFloat64Backend, registerFloat64Backend } from './backend.js';
