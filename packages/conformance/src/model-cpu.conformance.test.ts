import { createCpuBackend } from '@recur/backend-cpu';
import { describeModelConformance } from './model-conformance.js';

describeModelConformance({ name: 'cpu float32', create: () => createCpuBackend() });
describeModelConformance({ name: 'cpu float64', create: () => createCpuBackend({ precision: 'float64' }) });
