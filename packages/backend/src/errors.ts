/**
 * Typed errors shared by every recur package. Each one says what went wrong and how to fix it,
 * and carries the facts as fields so programs can react without parsing messages.
 */

/** Base class of every error recur throws on purpose. `code` is stable across releases. */
export class RecurError extends Error {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'RecurError';
  /** A stable, machine-readable code such as `E_SHAPE`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A tensor or array has the wrong shape or size. Names what was expected and what arrived. */
export class ShapeError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'ShapeError';
  readonly what: string;
  readonly expected: readonly number[] | string;
  readonly actual: readonly number[] | string;
  constructor(what: string, expected: readonly number[] | string, actual: readonly number[] | string, hint?: string) {
    const fmt = (s: readonly number[] | string) => (typeof s === 'string' ? s : `[${s.join(', ')}]`);
    super('E_SHAPE', `${what}: expected shape ${fmt(expected)}, got ${fmt(actual)}.${hint ? ` ${hint}` : ''}`);
    this.what = what;
    this.expected = expected;
    this.actual = actual;
  }
}

/** An argument is out of range or of the wrong kind (not a shape problem). */
export class InvalidArgumentError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'InvalidArgumentError';
  readonly argument: string;
  constructor(argument: string, message: string) {
    super('E_INVALID_ARGUMENT', `${argument}: ${message}`);
    this.argument = argument;
  }
}

/** A backend was asked for but cannot be used here. Lists the backends that are available. */
export class BackendUnavailableError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'BackendUnavailableError';
  readonly backend: string;
  readonly reason: string;
  readonly available: readonly string[];
  constructor(backend: string, reason: string, available: readonly string[]) {
    super(
      'E_BACKEND_UNAVAILABLE',
      `Backend "${backend}" is unavailable: ${reason}. Available backends: ${
        available.length > 0 ? available.join(', ') : 'none known (register backends, then listBackends() says which can run here)'
      }.`,
    );
    this.backend = backend;
    this.reason = reason;
    this.available = available;
  }
}

/** A tensor was used after `dispose`. */
export class DisposedTensorError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'DisposedTensorError';
  constructor(what: string) {
    super('E_DISPOSED', `${what} was used after it was disposed. Keep tensors alive until the last kernel that reads them.`);
  }
}

/** A tensor made by one backend was passed to another. Move data with `read` + `upload` (or `model.to`). */
export class BackendMismatchError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'BackendMismatchError';
  constructor(what: string, tensorBackend: string, backend: string) {
    super(
      'E_BACKEND_MISMATCH',
      `${what} belongs to backend "${tensorBackend}" but was passed to "${backend}". Move it first (read + upload, or model.to()).`,
    );
  }
}

/** The backend could not allocate memory. Names the request. */
export class OutOfMemoryError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'OutOfMemoryError';
  readonly requestedBytes: number;
  constructor(backend: string, requestedBytes: number, detail?: string) {
    super(
      'E_OUT_OF_MEMORY',
      `Backend "${backend}" ran out of memory allocating ${requestedBytes} bytes${detail ? ` (${detail})` : ''}. Use a smaller batch, hidden size or sequence length, or dispose unused tensors.`,
    );
    this.requestedBytes = requestedBytes;
  }
}

/**
 * A method was called on a backend after `destroy()`. Every backend throws this one class (code
 * `E_BACKEND_DESTROYED`), so a program can catch it whichever backend it runs on.
 */
export class BackendDestroyedError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'BackendDestroyedError';
  /** The id of the destroyed backend instance (e.g. `cpu#1`). */
  readonly backend: string;
  /**
   * @param backend - the backend instance id.
   * @param factory - the function that makes a new one (e.g. `createCpuBackend`), named in the hint.
   */
  constructor(backend: string, factory?: string) {
    super(
      'E_BACKEND_DESTROYED',
      `Backend "${backend}" was destroyed and cannot be used. Create a new one (${factory ?? "the backend's create function"} or useBackend).`,
    );
    this.backend = backend;
  }
}

/** The device (e.g. a GPU) was lost while work was running. */
export class DeviceLostError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'DeviceLostError';
  constructor(backend: string, detail: string) {
    super(
      'E_DEVICE_LOST',
      `Backend "${backend}" lost its device: ${detail}. Recreate the backend (useBackend again) and reload the model from its last checkpoint.`,
    );
  }
}

/** The backend lacks a capability the operation needs (e.g. training on an inference-only backend). */
export class CapabilityError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'CapabilityError';
  constructor(backend: string, capability: string, detail?: string) {
    super(
      'E_CAPABILITY',
      `Backend "${backend}" does not support ${capability}${detail ? `: ${detail}` : ''}. Pick a backend whose capabilities include it (see listBackends()).`,
    );
  }
}

/** A backend implements a different version of the Backend contract than this recur expects. */
export class SpecificationVersionError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'SpecificationVersionError';
  constructor(backend: string, found: unknown, expected: number) {
    super(
      'E_SPEC_VERSION',
      `Backend "${backend}" implements Backend contract version ${String(found)}, but this recur expects version ${expected}. Upgrade the backend package or recur so they match.`,
    );
  }
}

/** A NaN or Inf appeared where finite numbers were required. Names where. */
export class NonFiniteError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'NonFiniteError';
  readonly where: string;
  readonly step: number | undefined;
  constructor(where: string, step?: number, hint?: string) {
    super(
      'E_NON_FINITE',
      `Non-finite value (NaN or Inf) in ${where}${step !== undefined ? ` at step ${step}` : ''}. ${
        hint ?? 'Lower the learning rate, enable gradient clipping, or check the input data for NaN/Inf.'
      }`,
    );
    this.where = where;
    this.step = step;
  }
}
