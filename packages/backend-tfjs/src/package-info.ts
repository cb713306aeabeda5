/** The static description of this package (docs pages, benchmark discovery). */
import type { BackendPackageInfo } from '@recur/backend';
import { declaredTfjsCapabilities } from './capabilities.js';
import { TFJS_ENGINES, type TfjsEngine } from './engines.js';
import { registerTfjsBackends, TFJS_PRIORITY } from './register.js';

const WHERE: Readonly<Record<TfjsEngine, readonly string[]>> = {
  cpu: ['Node and browsers, with `@tensorflow/tfjs-backend-cpu`'],
  wasm: ['Node and browsers, with `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD; in a browser call `setWasmPaths`)'],
  webgpu: ['browsers with WebGPU, with `@tensorflow/tfjs-backend-webgpu`'],
  webgl: ['browsers with WebGL 2, with `@tensorflow/tfjs-backend-webgl` (float16 where float32 textures are not renderable)'],
  tensorflow: ['Node, with `@tensorflow/tfjs-node` or `@tensorflow/tfjs-node-gpu` (their install downloads libtensorflow)'],
};

/** `@recur/backend-tfjs`, described for tools: one registry name per TensorFlow.js engine. */
export const BACKEND_PACKAGE_INFO: BackendPackageInfo = {
  package: '@recur/backend-tfjs',
  title: 'TensorFlow.js engines',
  summary: 'An adapter that runs recur on any TensorFlow.js engine (cpu, wasm, webgpu, webgl, tensorflow): the way to reach WebGL, or libtensorflow through tfjs-node. The loop over time runs in JavaScript, so recur’s own backends are faster where both run.',
  runsIn: ['wherever the chosen TensorFlow.js engine runs (per engine below)'],
  install: ['npm install @recur/core @recur/backend-tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm   # or the engine package you want'],
  variants: TFJS_ENGINES.map((engine) => ({
    name: `tfjs-${engine}`,
    priority: TFJS_PRIORITY[engine],
    capabilities: declaredTfjsCapabilities(engine),
    runsIn: WHERE[engine],
    ...(engine === 'webgl' ? { capabilityNotes: 'precision is float16 on devices that cannot render float32 textures.' } : {}),
  })),
  register: () => registerTfjsBackends(),
};

export { declaredTfjsCapabilities };
