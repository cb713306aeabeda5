import { describe, expect, it } from 'vitest';
import { explainDawnOutput } from './dawn-diagnostics.js';

describe('explainDawnOutput', () => {
  it('names the missing Vulkan loader and how to install it', () => {
    const native =
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory\n" +
      '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)\n';
    const reason = explainDawnOutput(native)!;
    expect(reason).toMatch(/^the Vulkan loader \(libvulkan\.so\.1\) could not be loaded \(libvulkan\.so\.1: cannot open shared object file/);
    expect(reason).toMatch(/apt-get install libvulkan1/);
    expect(reason).not.toMatch(/BackendVk\.cpp|\n/);
  });

  it('names a missing Vulkan driver (ICD)', () => {
    const native = 'Warning: vkCreateInstance: Found no drivers!\nWarning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER\n    at CheckVkSuccessImpl (VulkanError.cpp:106)\n';
    expect(explainDawnOutput(native)).toMatch(/^no Vulkan driver was found: .*VK_ICD_FILENAMES=/);
  });

  it('returns null for output it does not recognise', () => {
    expect(explainDawnOutput('')).toBeNull();
    expect(explainDawnOutput('some other line')).toBeNull();
  });
});
