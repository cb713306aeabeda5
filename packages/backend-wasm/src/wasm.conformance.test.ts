// The WASM backend passes the shared conformance suite in full (it declares training, fused
// sequences and variable lengths, so nothing is skipped). The kernels come from dist/recur.wasm,
// rebuilt first when missing or stale (see testing/ensure-wasm.ts).
import { describeBackendConformance } from '@recur/conformance';
import { createWasmBackend } from './index.js';
import { ensureWasmBuilt } from './testing/ensure-wasm.js';

const wasm = ensureWasmBuilt();
describeBackendConformance({ name: 'wasm', create: () => createWasmBackend({ wasm }) });
