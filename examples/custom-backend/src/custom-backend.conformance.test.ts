// Step 5 of the checklist: the shared conformance suite, with one call.
import { describeBackendConformance } from '@recur/conformance';
import { createFloat64Backend } from './index.js';

describeBackendConformance({ name: 'naive-f64', create: () => createFloat64Backend() });
