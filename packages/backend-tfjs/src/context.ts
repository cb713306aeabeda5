/**
 * What every kernel module needs: the tfjs namespace, the handle store, and the identity of the
 * backend instance (for the shared argument checks).
 */
import type { Backend } from '@recur/backend';
import type { TfjsEngine } from './engines.js';
import { type HandleStore } from './handle-store.js';
import type { Tensor } from '@recur/backend';
import type { Tfjs, TfTensor } from './tf-types.js';

/** Shared state of one tfjs backend instance. */
export interface TfjsContext {
  readonly tf: Tfjs;
  readonly engine: TfjsEngine;
  /** `id` and `name`, as the shared checks (`checkTensor`, …) want them. */
  readonly backend: Pick<Backend, 'id' | 'name'>;
  readonly store: HandleStore;
  /**
   * Whether the engine can read a tensor back synchronously (`dataSync`). Used only for host-side
   * validation of data-dependent arguments (class indices); WebGPU cannot.
   */
  readonly syncReads: boolean;
}

/**
 * Compute `fn` inside `tf.tidy` (every intermediate is disposed) and make the result the new
 * contents of `out`. A result that is the very tensor another handle wraps is cloned first, so
 * two handles never share one tfjs tensor object.
 */
export function update(ctx: TfjsContext, out: Tensor, what: string, fn: () => TfTensor): void {
  const { tf, store } = ctx;
  const next = tf.tidy(() => {
    const r = fn();
    return store.isHeld(r) ? tf.clone(r) : r;
  });
  store.assign(out, next, what);
}

/**
 * `tf.tidy` for a plain object (or array) of tensors, typed by what `fn` returns. Every tensor
 * created inside and not returned is disposed; `null` fields are allowed.
 */
export function tidy<T extends object>(tf: Tfjs, fn: () => T): T {
  return tf.tidy(fn as unknown as () => TfTensor) as unknown as T;
}
