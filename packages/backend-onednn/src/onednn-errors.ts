/**
 * Mapping the addon's errors (which carry the oneDNN status name) to recur's typed errors:
 *
 * | native failure                                             | recur error             |
 * |------------------------------------------------------------|-------------------------|
 * | `dnnl_out_of_memory`, a failed host allocation (bad_alloc)  | OutOfMemoryError        |
 * | an invalid cross-entropy class found by the loss kernel    | InvalidArgumentError    |
 * | use after destroy()                                        | BackendDestroyedError   |
 * | any other oneDNN status (`dnnl_invalid_arguments`, …)       | OnednnError (E_ONEDNN)  |
 * | any other native failure                                   | OnednnError (E_ONEDNN)  |
 */
import { BackendDestroyedError, InvalidArgumentError, OutOfMemoryError, RecurError } from '@recur/backend';

/** Re-exported from `@recur/backend`, where the one class every backend throws lives. */
export { BackendDestroyedError };

/** The fields the addon puts on the errors it throws (see native/addon.cc). */
export interface NativeErrorFields {
  readonly message?: string;
  readonly source?: 'onednn' | 'recur';
  readonly status?: number;
  readonly statusName?: string;
  readonly where?: string;
}

/** A oneDNN call (or the addon around it) failed in a way recur has no more specific error for. */
export class OnednnError extends RecurError {
  override name = 'OnednnError';
  /** The dnnl_status_t value (0 for failures of the addon itself). */
  readonly status: number;
  /** e.g. `dnnl_invalid_arguments`, `dnnl_unimplemented`, or the addon's own code. */
  readonly statusName: string;
  constructor(message: string, status: number, statusName: string) {
    super('E_ONEDNN', message);
    this.status = status;
    this.statusName = statusName;
  }
}

function fieldsOf(e: unknown): NativeErrorFields {
  return typeof e === 'object' && e !== null ? (e as NativeErrorFields) : { message: String(e) };
}

/** Turn an error thrown by the addon into a recur error (recur errors pass through). */
export function mapNativeError(e: unknown, backend: string): Error {
  if (e instanceof RecurError) return e;
  const f = fieldsOf(e);
  const message = f.message ?? String(e);
  const name = f.statusName ?? 'E_NATIVE';
  if (f.source === 'onednn') {
    if (name === 'dnnl_out_of_memory') return new OutOfMemoryError(backend, 0, `dnnl_out_of_memory in ${f.where ?? 'a oneDNN call'}`);
    return new OnednnError(`${backend}: ${message}`, f.status ?? -1, name);
  }
  if (f.source === 'recur') {
    switch (name) {
      case 'E_BACKEND_DESTROYED':
        return new BackendDestroyedError(backend, 'createOnednnBackend');
      case 'E_INVALID_TARGET':
        return new InvalidArgumentError('loss.target', message);
      case 'E_HOST_OUT_OF_MEMORY':
        return new OutOfMemoryError(backend, 0, 'host memory');
      default:
        return new OnednnError(`${backend}: ${message}`, 0, name);
    }
  }
  return e instanceof Error ? e : new OnednnError(`${backend}: ${message}`, 0, 'E_NATIVE');
}
