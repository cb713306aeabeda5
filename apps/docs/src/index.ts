/**
 * @recur/docs: the live demos of the docs site, as plain functions (the site runs them in a
 * Web Worker; the tests run them in Node).
 *
 * @packageDocumentation
 */
export { availableBackends, createDemoBackend, wasmSourceFor, BACKEND_LABELS, DEMO_BACKENDS, type BackendSources, type DemoBackendName } from './backends.js';
export { runDemo, DEMO_NAMES, type DemoMessage, type DemoName, type DemoRequest } from './run-demo.js';
export { runTelephone, telephoneParams, type TelephoneParams } from './demos/telephone.js';
export { runGates, gateParams, type GateParams } from './demos/gates.js';
export { runRecall, recallParams, type RecallParams } from './demos/recall.js';
export { runForecast, forecastParams, type ForecastParams, type SeriesJson } from './demos/forecast.js';
export { forecastSpec, lossCurveSpec, type ForecastPoint, type LossCurveOptions } from './demos/charts.js';
export type { DemoChart, DemoContext, DemoOutput, ProgressFn } from './demos/types.js';
