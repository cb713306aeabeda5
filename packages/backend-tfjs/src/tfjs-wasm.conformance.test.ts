// The adapter on the TensorFlow.js wasm engine (XNNPACK, SIMD) passes the whole shared conformance suite.
// (tfjs has one global engine; vitest runs each test file in its own fork, so this file owns it.)
import { describeBackendConformance } from '@recur/conformance';
import { createTfjsBackend } from './index.js';

describeBackendConformance({ name: 'tfjs-wasm', create: () => createTfjsBackend({ engine: 'wasm' }) });
