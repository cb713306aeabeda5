/** The static description of this package (docs pages, benchmark discovery). */
import type { BackendPackageInfo } from '@recur/backend';
import { ONEDNN_CAPABILITIES } from './capabilities.js';
import { ONEDNN_1THREAD_PRIORITY, ONEDNN_PRIORITY, registerOnednnBackend } from './register.js';


/** `@recur/backend-onednn`, described for tools: registry names, capabilities, where it runs. */
export const BACKEND_PACKAGE_INFO: BackendPackageInfo = {
  package: '@recur/backend-onednn',
  title: 'oneDNN (native CPU)',
  summary:
    "oneDNN's RNN primitives (the engine under PyTorch's CPU LSTM), sgemm and the addon's own C++ kernels in a Node-API addon, threaded with OpenMP: the fastest choice on a CPU in Node where oneDNN is installed.",
  runsIn: [
    'Node 20+ on Linux or macOS (x86-64 or arm64) with oneDNN 2.x and a C++17 compiler',
    'the addon is compiled from source on your machine (nothing is downloaded); elsewhere the backend reports itself unavailable, with the reason',
  ],
  install: [
    'sudo apt-get install libdnnl-dev g++   # Debian/Ubuntu; macOS: brew install onednn; conda: conda install -c conda-forge onednn',
    'npm install @recur/core @recur/backend-onednn',
    'node node_modules/@recur/backend-onednn/scripts/build-addon.mjs   # compiles the addon',
  ],
  variants: [
    { name: 'onednn', priority: ONEDNN_PRIORITY, capabilities: ONEDNN_CAPABILITIES, capabilityNotes: 'threads: `os.availableParallelism()` by default (`createOnednnBackend({ threads })`).' },
    {
      name: 'onednn-1thread',
      priority: ONEDNN_1THREAD_PRIORITY,
      capabilities: ONEDNN_CAPABILITIES,
      capabilityNotes: 'the same backend with `threads: 1`.',
      runsIn: ['as `onednn`, on one OpenMP thread: for a server that runs one model per core, or a busy machine where a second thread gets preempted'],
    },
  ],
  register: () => registerOnednnBackend(),
};
