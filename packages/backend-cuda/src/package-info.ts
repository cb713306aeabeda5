/** The static description of this package (docs pages, benchmark discovery). */
import type { BackendPackageInfo } from '@recur/backend';
import { CUDA_CAPABILITIES } from './capabilities.js';
import { registerCudaBackend } from './register.js';


/** `@recur/backend-cuda`, described for tools: registry name, capabilities, where it runs. */
export const BACKEND_PACKAGE_INFO: BackendPackageInfo = {
  package: '@recur/backend-cuda',
  title: 'CUDA',
  summary: 'recur CUDA kernels and cuBLAS through a Node-API addon, for NVIDIA GPUs in Node: the fastest choice for large models where one is available.',
  runsIn: ['Node 20+ on Linux with an NVIDIA GPU and driver', 'the addon builds on install where `nvcc` and cuBLAS exist; elsewhere the backend reports itself unavailable, with the reason'],
  install: ['npm install @recur/core @recur/backend-cuda   # builds the addon: needs nvcc (CUDA 12+) and cuBLAS'],
  variants: [{ name: 'cuda', priority: 30, capabilities: CUDA_CAPABILITIES }],
  register: () => registerCudaBackend(),
};

export { CUDA_CAPABILITIES };
