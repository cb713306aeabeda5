/**
 * `createTfjsBackend`: the Backend contract on top of a TensorFlow.js engine.
 *
 * TensorFlow.js has ONE global engine: `tf.setBackend` switches it for the whole program. Each
 * recur backend made here remembers its engine and, before running any kernel, switches the
 * global tfjs backend back to it when something else (another recur tfjs backend, or the app's
 * own tfjs code) has changed it. Several instances therefore work side by side, but only one
 * engine is active at a time, and an app that uses tfjs directly must `tf.setBackend` again
 * before its own ops if it relies on a particular engine.
 */
import {
  DeviceLostError,
  InvalidArgumentError,
  checkTensor,
  defineBackend,
  shapeSize,
  type Backend,
  type BackendMemory,
  type FloatArray,
  type MemoryInfo,
} from '@recur/backend';
import { tfjsCapabilities } from './capabilities.js';
import type { TfjsContext } from './context.js';
import { isTfjsEngine, registryName, TFJS_ENGINES, type TfjsEngine } from './engines.js';
import { cacheTensors, HandleStore, handleOf, TfjsTensor, valueOf, type CellCache } from './handle-store.js';
import { TFJS_KERNELS } from './kernels/table.js';
import { spliceFlat } from './kernels/write-range.js';
import { activateEngine, loadTfjsCore } from './load-tfjs.js';
import type { Tfjs, TfTensor1D } from './tf-types.js';

/** Options of {@link createTfjsBackend}. */
export interface TfjsBackendOptions {
  /** The TensorFlow.js engine to run on. */
  readonly engine: TfjsEngine;
  /**
   * The TensorFlow.js namespace to use (`import * as tf from '@tensorflow/tfjs'` or
   * `@tensorflow/tfjs-core`). Default: `@tensorflow/tfjs-core`, imported at run time. Pass your
   * own when your app bundles tfjs, or has already registered (and configured) the engine, e.g.
   * `setWasmPaths` for the WASM engine in a browser.
   */
  readonly tf?: Tfjs;
  /** The backend's `name` (default `tfjs-<engine>`). */
  readonly name?: string;
}

/** The recur backend object, plus what it runs on. */
export interface TfjsBackend extends Backend {
  /** The TensorFlow.js engine this backend runs its kernels on. */
  readonly engine: TfjsEngine;
  /** The TensorFlow.js namespace it uses. */
  readonly tf: Tfjs;
}

let instances = 0;

/**
 * Create a recur backend that runs on a TensorFlow.js engine. Loads `@tensorflow/tfjs-core` and
 * the engine's package when needed, then `tf.setBackend(engine)` and `await tf.ready()`.
 *
 * Throws {@link TfjsUnavailableError} (a `BackendUnavailableError`) when the engine cannot run
 * here; its message names the package to `npm install` when one is missing.
 *
 * @example
 * const backend = await createTfjsBackend({ engine: 'wasm' });
 * const x = backend.upload([1, 2, 3], [3]);
 */
export async function createTfjsBackend(options: TfjsBackendOptions): Promise<TfjsBackend> {
  const engine = options?.engine;
  if (!isTfjsEngine(engine)) {
    throw new InvalidArgumentError('engine', `unknown TensorFlow.js engine "${String(engine)}"; use one of ${TFJS_ENGINES.join(', ')}.`);
  }
  const tf = options.tf ?? (await loadTfjsCore(engine));
  await activateEngine(tf, engine);
  return makeTfjsBackend(tf, engine, options.name ?? registryName(engine));
}

/** Build the backend object over an engine that is registered and initialised on `tf`. */
function makeTfjsBackend(tf: Tfjs, engine: TfjsEngine, name: string): TfjsBackend {
  const id = `${name}#${++instances}`;
  const store = new HandleStore(tf, id);
  const self = { id, name };
  const ctx: TfjsContext = { tf, engine, backend: self, store, syncReads: engine !== 'webgpu' };
  const capabilities = tfjsCapabilities(tf, engine);

  /** Make this instance's engine the active tfjs backend (defineBackend calls it before each method). */
  function enter(): void {
    if (tf.getBackend() === engine) return;
    if (tf.findBackend(engine) == null) {
      throw new DeviceLostError(name, `the TensorFlow.js "${engine}" engine is no longer registered (tf.removeBackend?)`);
    }
    // The engine is initialised, so tf.setBackend switches synchronously (no await inside).
    void tf.setBackend(engine).catch(() => undefined);
    if (tf.getBackend() !== engine) {
      throw new DeviceLostError(name, `TensorFlow.js did not switch back to the "${engine}" engine`);
    }
  }

  const memory: BackendMemory = {
    alloc: (shape) => store.wrap(tf.zeros([shapeSize(shape)]), shape),
    upload: (data, shape) => store.wrap(tf.tensor1d(Float32Array.from(data), 'float32'), shape),
    write(t, data, offset = 0) {
      valueOf(t, 'write.tensor');
      if (data.length === 0) return;
      const next = tf.tidy(() =>
        spliceFlat(tf, valueOf(t, 'write.tensor'), offset, tf.tensor1d(Float32Array.from(data), 'float32')),
      );
      store.assign(t, next, 'write.tensor');
    },
    async read(t): Promise<FloatArray> {
      const h = handleOf(t, 'read.tensor');
      // Read a clone: it shares the data (reference-counted), so a kernel that replaces the
      // handle's tensor while the read is pending cannot free the data under it.
      const snapshot = h.value
        ? tf.clone(h.value)
        : tf.tidy(() => tf.concat(cacheTensors(h.cache as CellCache).map((p) => tf.reshape(p, [p.size])), 0) as TfTensor1D);
      try {
        const values = await snapshot.data();
        return new Float32Array(values as Float32Array);
      } finally {
        snapshot.dispose();
      }
    },
    dispose(t) {
      checkTensor(self, t, 'dispose.tensor');
      if (!(t instanceof TfjsTensor)) {
        throw new InvalidArgumentError('dispose.tensor', 'expected a tensor handle created by this tfjs backend.');
      }
      store.dispose(t);
    },
    memory: (): MemoryInfo => ({ liveTensors: store.liveTensors, liveBytes: store.liveBytes }),
    async sync() {
      if (!capabilities.async) return;
      // Reading any tensor waits for the engine's queue (in submission order).
      const probe = tf.zeros([1]);
      try {
        await probe.data();
      } finally {
        probe.dispose();
      }
    },
    destroy: () => store.disposeAll(),
  };

  return defineBackend({
    name,
    id,
    factory: 'createTfjsBackend',
    capabilities,
    context: ctx,
    memory,
    kernels: TFJS_KERNELS,
    enter,
    extra: { engine, tf },
  });
}
