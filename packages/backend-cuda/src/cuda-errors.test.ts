// Every mapping from a native CUDA / cuBLAS failure to recur's typed errors.
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, DeviceLostError, InvalidArgumentError, OutOfMemoryError, ShapeError } from '@recur/backend';
import { BackendDestroyedError, CudaError, driverReason, mapNativeError, native } from './cuda-errors.js';

function nativeError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? 'native failure')), fields);
}

const cuda = (cudaCode: number, cudaName: string, detail: string, extra: Record<string, unknown> = {}) =>
  nativeError({ code: 'E_CUDA', source: 'cuda', cudaCode, cudaName, detail, where: 'cudaMalloc(4096 bytes)', message: `x: ${cudaName} (${cudaCode}): ${detail}`, ...extra });

describe('mapNativeError', () => {
  it('maps no driver / old driver / no device to BackendUnavailableError with the driver reason', () => {
    for (const [code, name] of [
      [35, 'cudaErrorInsufficientDriver'],
      [100, 'cudaErrorNoDevice'],
      [34, 'cudaErrorStubLibrary'],
      [3, 'cudaErrorInitializationError'],
      [46, 'cudaErrorDevicesUnavailable'],
    ] as const) {
      const e = mapNativeError(cuda(code, name, 'the driver says no'), 'cuda');
      expect(e).toBeInstanceOf(BackendUnavailableError);
      expect((e as BackendUnavailableError).reason).toBe(`CUDA driver: the driver says no (${name}, error ${code})`);
    }
  });

  it('maps cudaErrorMemoryAllocation and CUBLAS_STATUS_ALLOC_FAILED to OutOfMemoryError with the request', () => {
    const e = mapNativeError(cuda(2, 'cudaErrorMemoryAllocation', 'out of memory', { requestedBytes: 1 << 30 }), 'cuda');
    expect(e).toBeInstanceOf(OutOfMemoryError);
    expect((e as OutOfMemoryError).requestedBytes).toBe(1 << 30);
    expect(e.message).toContain('cudaErrorMemoryAllocation in cudaMalloc(4096 bytes)');
    const b = mapNativeError(nativeError({ source: 'cublas', cudaCode: 3, cudaName: 'CUBLAS_STATUS_ALLOC_FAILED', code: 'E_CUDA' }), 'cuda');
    expect(b).toBeInstanceOf(OutOfMemoryError);
  });

  it('maps sticky device faults to DeviceLostError', () => {
    for (const code of [700, 719, 716]) {
      const e = mapNativeError(cuda(code, 'cudaErrorIllegalAddress', 'an illegal memory access was encountered'), 'cuda');
      expect(e).toBeInstanceOf(DeviceLostError);
      expect(e.message).toContain(`(${code})`);
    }
    // cudaErrorUnknown is a lost device during work, but "cannot run here" at initialisation.
    expect(mapNativeError(cuda(999, 'cudaErrorUnknown', 'unknown error'), 'cuda')).toBeInstanceOf(DeviceLostError);
    expect(mapNativeError(cuda(999, 'cudaErrorUnknown', 'unknown error'), 'cuda', { atInit: true })).toBeInstanceOf(BackendUnavailableError);
  });

  it('maps other CUDA and cuBLAS failures to CudaError with name and code', () => {
    const e = mapNativeError(cuda(1, 'cudaErrorInvalidValue', 'invalid argument'), 'cuda');
    expect(e).toBeInstanceOf(CudaError);
    expect((e as CudaError).cudaCode).toBe(1);
    expect((e as CudaError).cudaName).toBe('cudaErrorInvalidValue');
    expect((e as CudaError).code).toBe('E_CUDA');
    const k = mapNativeError(cuda(209, 'cudaErrorNoKernelImageForDevice', 'no kernel image is available'), 'cuda');
    expect(k.message).toContain('RECUR_CUDA_ARCHS');
    const b = mapNativeError(nativeError({ source: 'cublas', cudaCode: 13, cudaName: 'CUBLAS_STATUS_EXECUTION_FAILED', message: 'sgemm failed' }), 'cuda');
    expect(b).toBeInstanceOf(CudaError);
    expect((b as CudaError).source).toBe('cublas');
  });

  it('maps recur-level native errors', () => {
    expect(mapNativeError(nativeError({ source: 'recur', code: 'E_BACKEND_DESTROYED' }), 'cuda#1')).toBeInstanceOf(BackendDestroyedError);
    const t = mapNativeError(nativeError({ source: 'recur', code: 'E_INVALID_TARGET', message: 'loss.target: row 3 has class 7, outside [0, C)' }), 'cuda');
    expect(t).toBeInstanceOf(InvalidArgumentError);
    expect(t.message).toBe('loss.target: row 3 has class 7, outside [0, C)');
    expect(mapNativeError(nativeError({ source: 'recur', code: 'E_INVALID_ARGUMENT', message: 'device 3 does not exist' }), 'cuda')).toBeInstanceOf(InvalidArgumentError);
    expect(mapNativeError(nativeError({ source: 'recur', code: 'E_HOST_OUT_OF_MEMORY' }), 'cuda')).toBeInstanceOf(OutOfMemoryError);
    expect(mapNativeError(nativeError({ source: 'recur', code: 'E_NATIVE_ARGUMENT', message: 'x' }), 'cuda')).toBeInstanceOf(CudaError);
  });

  it('passes recur errors through unchanged', () => {
    const s = new ShapeError('x', [1], [2]);
    expect(mapNativeError(s, 'cuda')).toBe(s);
    expect(() => native('cuda', () => { throw cuda(2, 'cudaErrorMemoryAllocation', 'out of memory'); })).toThrow(OutOfMemoryError);
    expect(native('cuda', () => 42)).toBe(42);
  });
});

describe('driverReason', () => {
  it('says when no driver is installed, or which CUDA versions disagree', () => {
    const msg = 'CUDA driver version is insufficient for CUDA runtime version';
    expect(driverReason(35, 'cudaErrorInsufficientDriver', msg, 0, 13000)).toBe(
      `CUDA driver: ${msg} (cudaErrorInsufficientDriver, error 35; no NVIDIA driver is installed (libcuda.so was not found))`,
    );
    expect(driverReason(35, 'cudaErrorInsufficientDriver', msg, 12040, 13000)).toBe(
      `CUDA driver: ${msg} (cudaErrorInsufficientDriver, error 35; the driver supports CUDA 12.4, this addon needs CUDA 13.0)`,
    );
    expect(driverReason(100, 'cudaErrorNoDevice', 'no CUDA-capable device is detected')).toBe(
      'CUDA driver: no CUDA-capable device is detected (cudaErrorNoDevice, error 100)',
    );
  });
});
