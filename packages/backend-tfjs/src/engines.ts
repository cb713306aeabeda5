/**
 * The TensorFlow.js engines recur can run on, the npm packages that provide them, and the
 * run-time checks that tell whether one can work here.
 */

/**
 * A TensorFlow.js engine ("backend" in tfjs words):
 * - `cpu`: `@tensorflow/tfjs-backend-cpu`, plain JavaScript.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm`, XNNPACK with SIMD.
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu`; needs `navigator.gpu` (browsers, or Node with the `webgpu` package).
 * - `webgl`: `@tensorflow/tfjs-backend-webgl`; needs a WebGL context (browsers).
 * - `tensorflow`: `@tensorflow/tfjs-node-gpu` (CUDA) or `@tensorflow/tfjs-node` (libtensorflow on the CPU); Node only.
 */
export type TfjsEngine = 'cpu' | 'wasm' | 'webgpu' | 'webgl' | 'tensorflow';

/** Every engine, in a stable order. */
export const TFJS_ENGINES: readonly TfjsEngine[] = ['cpu', 'wasm', 'webgpu', 'webgl', 'tensorflow'];

/** The npm package that holds TensorFlow.js's core (ops, engine, memory tracking). */
export const TFJS_CORE_PACKAGE = '@tensorflow/tfjs-core';

/**
 * The npm packages that register each engine, in the order they are tried. For `tensorflow`,
 * the GPU build is preferred when both are installed.
 */
export const ENGINE_PACKAGES: Readonly<Record<TfjsEngine, readonly string[]>> = {
  cpu: ['@tensorflow/tfjs-backend-cpu'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu'],
  webgl: ['@tensorflow/tfjs-backend-webgl'],
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
};

/** Type guard for user-provided engine names. */
export function isTfjsEngine(value: unknown): value is TfjsEngine {
  return typeof value === 'string' && (TFJS_ENGINES as readonly string[]).includes(value);
}

/** The recur registry name of an engine's backend, e.g. `tfjs-wasm`. */
export function registryName(engine: TfjsEngine): string {
  return `tfjs-${engine}`;
}

/** What an engine needs from the JavaScript runtime (beyond its npm package). */
export type RuntimeCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Cheap checks of the runtime, done before importing anything: WebGPU needs `navigator.gpu`,
 * WebGL needs a canvas (`document` or `OffscreenCanvas`), and `tensorflow` needs Node.
 */
export function checkRuntime(engine: TfjsEngine): RuntimeCheck {
  const g = globalThis as {
    navigator?: { gpu?: unknown };
    document?: unknown;
    OffscreenCanvas?: unknown;
  };
  switch (engine) {
    case 'webgpu':
      return g.navigator?.gpu
        ? { ok: true }
        : {
            ok: false,
            reason:
              'WebGPU is not available in this runtime (no navigator.gpu). Use a browser with WebGPU, or in Node install the `webgpu` package and set globalThis.navigator.gpu before creating the backend',
          };
    case 'webgl':
      return g.document !== undefined || g.OffscreenCanvas !== undefined
        ? { ok: true }
        : { ok: false, reason: 'WebGL needs a browser (no document or OffscreenCanvas in this runtime)' };
    case 'tensorflow':
      return isNode() ? { ok: true } : { ok: false, reason: 'the tensorflow engine (tfjs-node) runs only in Node.js' };
    case 'cpu':
    case 'wasm':
      return { ok: true };
  }
}
