/**
 * Errors specific to the WebGPU backend. Everything else reuses the shared classes of
 * `@recur/backend` (ShapeError, OutOfMemoryError, DeviceLostError, …).
 */
import { RecurError } from '@recur/backend';

/** Re-exported from `@recur/backend`, where the one class every backend throws lives. */
export { BackendDestroyedError } from '@recur/backend';

/** A buffer or dispatch exceeds one of the device's limits (`GPUSupportedLimits`). */
export class DeviceLimitError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'DeviceLimitError';
  /** The limit's name, e.g. `maxStorageBufferBindingSize`. */
  readonly limit: string;
  /** The device's value of the limit. */
  readonly allowed: number;
  /** What the request needed. */
  readonly requested: number;
  constructor(backend: string, what: string, limit: string, requested: number, allowed: number) {
    super(
      'E_DEVICE_LIMIT',
      `Backend "${backend}": ${what} needs ${requested}, but this device's ${limit} is ${allowed}. ` +
        'The model does not fit this GPU: use a smaller batch, hidden size or sequence length (or split the sequence), ' +
        'or pick a backend without this limit (cpu, wasm).',
    );
    this.limit = limit;
    this.allowed = allowed;
    this.requested = requested;
  }
}

/** The GPU reported an error recur did not expect (a validation or internal error). */
export class WebgpuError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'WebgpuError';
  constructor(backend: string, detail: string) {
    super('E_WEBGPU', `Backend "${backend}" got an error from the GPU: ${detail}. This is a bug in recur's WebGPU kernels or in the driver; please report it with the message above.`);
  }
}

