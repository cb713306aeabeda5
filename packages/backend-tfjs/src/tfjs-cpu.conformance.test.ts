// The adapter on the TensorFlow.js cpu engine passes the whole shared conformance suite.
// (tfjs has one global engine; vitest runs each test file in its own fork, so this file owns it.)
import { describeBackendConformance } from '@recur/conformance';
import { createTfjsBackend } from './index.js';

describeBackendConformance({ name: 'tfjs-cpu', create: () => createTfjsBackend({ engine: 'cpu' }) });
