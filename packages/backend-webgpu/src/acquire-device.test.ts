import { BackendUnavailableError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { acquireDevice, adapterHint, dawnImportFailure } from './acquire-device.js';
import { isCpuEmulated } from './gpu-context.js';

describe('acquireDevice', () => {
  it('says why the webgpu package could not be used', () => {
    const missing = Object.assign(new Error("Cannot find package 'webgpu' imported from /app/x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(dawnImportFailure(missing)).toMatch(/`webgpu` npm package \(Dawn for Node\) is not installed: `npm i webgpu`/);
    expect(dawnImportFailure(new Error('dawn.node: GLIBC_2.38 not found'))).toMatch(/failed to load: dawn.node: GLIBC_2.38 not found/);
  });
  it('refuses adapters below the kernels\' minimum limits', async () => {
    const adapter = { limits: { maxStorageBuffersPerShaderStage: 4 }, requestDevice: () => Promise.reject(new Error('unreachable')) } as unknown as GPUAdapter;
    await expect(acquireDevice({ adapter })).rejects.toThrow(BackendUnavailableError);
    await expect(acquireDevice({ adapter })).rejects.toThrow(/maxStorageBuffersPerShaderStage is 4; recur's kernels need at least 7/);
  });
});

describe('isCpuEmulated', () => {
  it('recognises software adapters', () => {
    expect(isCpuEmulated({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })).toBe(true);
    expect(isCpuEmulated({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isCpuEmulated({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' })).toBe(false);
    expect(isCpuEmulated(null)).toBe(false);
  });
});

describe('the no-adapter hint fits the runtime', () => {
  it('in a browser, says how to enable WebGPU there (no Node-only advice)', () => {
    const hint = adapterHint('browser');
    expect(hint).toMatch(/chrome:\/\/flags\/#enable-unsafe-webgpu/);
    expect(hint).toMatch(/Safari/);
    expect(hint).not.toMatch(/VK_ICD_FILENAMES|apt-get|Debian/);
  });
  it('in Node, says how to give Dawn a Vulkan driver', () => {
    expect(adapterHint('node')).toMatch(/VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd\.json/);
  });
});
