/**
 * Mapping the addon's errors (which carry the CUDA / cuBLAS error name and code) to recur's typed
 * errors:
 *
 * | native failure                                                         | recur error                |
 * |------------------------------------------------------------------------|----------------------------|
 * | no driver / driver too old (35), no device (100), stub library (34),    | BackendUnavailableError    |
 * | initialization error (3), devices unavailable (46), invalid device (101)|                            |
 * | out of memory (cudaErrorMemoryAllocation 2, CUBLAS_STATUS_ALLOC_FAILED) | OutOfMemoryError           |
 * | sticky device faults (illegal address 700, launch failure 719, …)       | DeviceLostError            |
 * | an invalid cross-entropy class found by the loss kernel                 | InvalidArgumentError       |
 * | use after destroy()                                                     | BackendDestroyedError      |
 * | anything else                                                           | CudaError (E_CUDA)         |
 */
import {
  BackendDestroyedError,
  BackendUnavailableError,
  DeviceLostError,
  InvalidArgumentError,
  OutOfMemoryError,
  RecurError,
} from '@recur/backend';

/** Re-exported from `@recur/backend`, where the one class every backend throws lives. */
export { BackendDestroyedError };

/** The fields the addon puts on the errors it throws (see native/addon.cc). */
export interface NativeErrorFields {
  readonly message?: string;
  readonly code?: string;
  readonly source?: 'cuda' | 'cublas' | 'recur';
  readonly cudaCode?: number;
  readonly cudaName?: string;
  readonly detail?: string;
  readonly where?: string;
  readonly requestedBytes?: number;
}

/** A CUDA or cuBLAS call failed in a way recur has no more specific error for. */
export class CudaError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'CudaError';
  /** `cuda` or `cublas`. */
  readonly source: string;
  /** The cudaError_t / cublasStatus_t value. */
  readonly cudaCode: number;
  /** e.g. `cudaErrorInvalidValue`, `CUBLAS_STATUS_EXECUTION_FAILED`. */
  readonly cudaName: string;
  constructor(message: string, source: string, cudaCode: number, cudaName: string) {
    super('E_CUDA', message);
    this.source = source;
    this.cudaCode = cudaCode;
    this.cudaName = cudaName;
  }
}

/** cudaError_t values meaning "CUDA cannot run here". */
export const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([
  3, // cudaErrorInitializationError
  34, // cudaErrorStubLibrary
  35, // cudaErrorInsufficientDriver
  46, // cudaErrorDevicesUnavailable
  100, // cudaErrorNoDevice
  101, // cudaErrorInvalidDevice
  999, // cudaErrorUnknown at initialisation (e.g. a driver/kernel-module mismatch)
]);

/** Sticky cudaError_t values: the context is corrupt and must be recreated. */
export const DEVICE_LOST_CODES: ReadonlySet<number> = new Set([
  214, // cudaErrorECCUncorrectable
  700, // cudaErrorIllegalAddress
  702, // cudaErrorLaunchTimeout
  715, // cudaErrorIllegalInstruction
  716, // cudaErrorMisalignedAddress
  717, // cudaErrorInvalidAddressSpace
  718, // cudaErrorInvalidPc
  719, // cudaErrorLaunchFailure
  999, // cudaErrorUnknown
]);

const CUBLAS_STATUS_ALLOC_FAILED = 3;
const CUDA_ERROR_MEMORY_ALLOCATION = 2;

function fieldsOf(e: unknown): NativeErrorFields {
  return typeof e === 'object' && e !== null ? (e as NativeErrorFields) : { message: String(e) };
}

/** The one-line reason the backend is unavailable, from a driver error. */
export function driverReason(code: number, name: string, message: string, driverVersion?: number, runtimeVersion?: number): string {
  const ver = (v: number) => `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
  let extra = '';
  if (code === 35 && driverVersion !== undefined) {
    extra =
      driverVersion === 0
        ? '; no NVIDIA driver is installed (libcuda.so was not found)'
        : `; the driver supports CUDA ${ver(driverVersion)}${runtimeVersion ? `, this addon needs CUDA ${ver(runtimeVersion)}` : ''}`;
  }
  return `CUDA driver: ${message} (${name}, error ${code}${extra})`;
}

/** Whether a native error means "CUDA cannot run here". */
export function isUnavailable(e: unknown, atInit: boolean): boolean {
  const f = fieldsOf(e);
  return f.source === 'cuda' && typeof f.cudaCode === 'number' && UNAVAILABLE_CODES.has(f.cudaCode) && (atInit || f.cudaCode !== 999);
}

/**
 * Turn an error thrown by the addon into a recur error. `atInit` marks errors from creating the
 * context (where "unknown" means the driver cannot be used rather than a lost device).
 */
export function mapNativeError(e: unknown, backend: string, options: { atInit?: boolean } = {}): Error {
  if (e instanceof RecurError) return e;
  const f = fieldsOf(e);
  const message = f.message ?? String(e);
  if (f.source === 'recur') {
    switch (f.code) {
      case 'E_BACKEND_DESTROYED':
        return new BackendDestroyedError(backend, 'createCudaBackend');
      case 'E_INVALID_TARGET':
        return new InvalidArgumentError('loss.target', message.replace(/^loss\.target: /, ''));
      case 'E_INVALID_ARGUMENT':
        return new InvalidArgumentError('device', message);
      case 'E_HOST_OUT_OF_MEMORY':
        return new OutOfMemoryError(backend, 0, 'host memory');
      default:
        return new CudaError(`${backend}: ${message}`, 'recur', 0, f.code ?? 'E_NATIVE');
    }
  }
  const code = f.cudaCode ?? -1;
  const name = f.cudaName ?? 'unknown';
  if (f.source === 'cuda' && UNAVAILABLE_CODES.has(code) && (options.atInit || code !== 999)) {
    return new BackendUnavailableError(backend, driverReason(code, name, f.detail ?? message), []);
  }
  if ((f.source === 'cuda' && code === CUDA_ERROR_MEMORY_ALLOCATION) || (f.source === 'cublas' && code === CUBLAS_STATUS_ALLOC_FAILED)) {
    return new OutOfMemoryError(backend, f.requestedBytes ?? 0, `${name} in ${f.where ?? 'a CUDA call'}`);
  }
  if (f.source === 'cuda' && DEVICE_LOST_CODES.has(code)) {
    return new DeviceLostError(backend, `${name} (${code}) in ${f.where ?? 'a kernel'}: ${f.detail ?? message}`);
  }
  if (f.source === 'cuda' || f.source === 'cublas') {
    const hint = code === 209 ? ' The addon has no kernels for this GPU: rebuild it with RECUR_CUDA_ARCHS set to its compute capability (e.g. RECUR_CUDA_ARCHS=75).' : '';
    return new CudaError(`${backend}: ${message}.${hint}`, f.source, code, name);
  }
  return e instanceof Error ? e : new CudaError(`${backend}: ${message}`, 'recur', 0, 'E_NATIVE');
}

/** Run a native call, mapping whatever it throws. */
export function native<T>(backend: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw mapNativeError(e, backend);
  }
}
