/** The static description of this package (docs pages, benchmark discovery). */
import type { BackendPackageInfo } from '@recur/backend';
import { WASM_CAPABILITIES } from './capabilities.js';
import { registerWasmBackend, WASM_BACKEND_PRIORITY } from './register.js';

/** `@recur/backend-wasm`, described for tools: registry name, capabilities, where it runs. */
export const BACKEND_PACKAGE_INFO: BackendPackageInfo = {
  package: '@recur/backend-wasm',
  title: 'WASM-SIMD',
  summary: "recur's own WebAssembly SIMD kernels (AssemblyScript), with whole sequences fused in one call: the fastest choice on a CPU, in Node and in browsers.",
  runsIn: [
    'Node 20+ (WebAssembly SIMD128 is on by default)',
    'browsers with WebAssembly SIMD (Chrome/Edge 91+, Firefox 89+, Safari 16.4+), in the page or a Web Worker',
    'bundlers: pass the URL of `recur.wasm` (e.g. Vite `?url`) as `createWasmBackend({ wasm })`',
  ],
  install: ['npm install @recur/core @recur/backend-wasm'],
  variants: [{ name: 'wasm', priority: WASM_BACKEND_PRIORITY, capabilities: WASM_CAPABILITIES }],
  register: () => registerWasmBackend(),
};
