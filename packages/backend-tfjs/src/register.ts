/**
 * Opt-in registration of the tfjs engines with recur's backend registry (nothing registers on
 * import). Probes are cheap: they check the runtime and that the engine's package loads, but do
 * not switch the global tfjs backend.
 */
import { InvalidArgumentError, registerBackend, type Availability } from '@recur/backend';
import { createTfjsBackend } from './create-tfjs-backend.js';
import { checkRuntime, isTfjsEngine, registryName, TFJS_ENGINES, type TfjsEngine } from './engines.js';
import { ensureEngineRegistered, loadTfjsCore } from './load-tfjs.js';
import type { Tfjs } from './tf-types.js';

/** Options of {@link registerTfjsBackends}. */
export interface RegisterTfjsOptions {
  /** Engines to register (default: all five). */
  readonly engines?: readonly TfjsEngine[];
  /** The TensorFlow.js namespace to use (default: `@tensorflow/tfjs-core`, imported on demand). */
  readonly tf?: Tfjs;
}

/**
 * Registry priorities. Below recur's own backends (cpu is 0): tfjs composes each step from
 * several small ops, so `selectBackend(['auto'])` prefers recur's fused kernels and uses tfjs
 * engines only by name or as a fallback. Among tfjs engines, the accelerated ones come first.
 */
/** Registry priority per engine: below recur's own backends (cpu is 0), so `auto` prefers those. */
export const TFJS_PRIORITY: Readonly<Record<TfjsEngine, number>> = {
  tensorflow: -1,
  webgpu: -2,
  webgl: -3,
  wasm: -4,
  cpu: -5,
};

const DESCRIPTION: Readonly<Record<TfjsEngine, string>> = {
  cpu: 'TensorFlow.js cpu engine (@tensorflow/tfjs-backend-cpu), plain JavaScript.',
  wasm: 'TensorFlow.js wasm engine (@tensorflow/tfjs-backend-wasm), XNNPACK with SIMD.',
  webgpu: 'TensorFlow.js webgpu engine (@tensorflow/tfjs-backend-webgpu).',
  webgl: 'TensorFlow.js webgl engine (@tensorflow/tfjs-backend-webgl); float16 where float32 textures are not renderable.',
  tensorflow: 'TensorFlow.js tensorflow engine (@tensorflow/tfjs-node-gpu with CUDA, or @tensorflow/tfjs-node).',
};

function message(e: unknown): string {
  if (e && typeof e === 'object' && 'reason' in e && typeof (e as { reason: unknown }).reason === 'string') {
    return (e as { reason: string }).reason;
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Whether `engine` can run here, without switching the global tfjs backend: the runtime has what
 * it needs (navigator.gpu, a canvas, Node), `@tensorflow/tfjs-core` and the engine's package
 * load, and, for WebGPU, an adapter is granted. The reason names the package to install.
 */
export async function probeTfjsEngine(engine: TfjsEngine, tf?: Tfjs): Promise<Availability> {
  if (!isTfjsEngine(engine)) return { available: false, reason: `unknown TensorFlow.js engine "${String(engine)}"` };
  const runtime = checkRuntime(engine);
  if (!runtime.ok) return { available: false, reason: runtime.reason };
  try {
    const core = tf ?? (await loadTfjsCore(engine));
    await ensureEngineRegistered(core, engine);
  } catch (e) {
    return { available: false, reason: message(e) };
  }
  if (engine === 'webgpu') {
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
    try {
      const adapter = await gpu?.requestAdapter();
      if (!adapter) return { available: false, reason: 'navigator.gpu granted no WebGPU adapter' };
    } catch (e) {
      return { available: false, reason: `requesting a WebGPU adapter failed: ${message(e)}` };
    }
  }
  return { available: true };
}

/**
 * Register the tfjs engines as `tfjs-cpu`, `tfjs-wasm`, `tfjs-webgpu`, `tfjs-webgl` and
 * `tfjs-tensorflow`, each with a probe, so `listBackends()` says which can run here and why not.
 *
 * @example
 * registerTfjsBackends();
 * const backend = await useBackend('tfjs-wasm');
 */
export function registerTfjsBackends(options: RegisterTfjsOptions = {}): void {
  const engines = options.engines ?? TFJS_ENGINES;
  for (const engine of engines) {
    if (!isTfjsEngine(engine)) {
      throw new InvalidArgumentError('engines', `unknown TensorFlow.js engine "${String(engine)}"; use ${TFJS_ENGINES.join(', ')}.`);
    }
  }
  for (const engine of engines) {
    registerBackend(registryName(engine), {
      create: () => createTfjsBackend({ engine, ...(options.tf ? { tf: options.tf } : {}) }),
      probe: () => probeTfjsEngine(engine, options.tf),
      priority: TFJS_PRIORITY[engine],
      description: DESCRIPTION[engine],
    });
  }
}
