// The CPU backend, in float32 and in its float64 reference mode, passes the whole conformance suite.
import { createCpuBackend } from '@recur/backend-cpu';
import { describeBackendConformance } from './index.js';

describeBackendConformance({ name: 'cpu', create: () => createCpuBackend() });
describeBackendConformance({ name: 'cpu-float64', create: () => createCpuBackend({ precision: 'float64' }) });
