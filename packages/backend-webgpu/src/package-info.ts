/** The static description of this package (docs pages, benchmark discovery). */
import type { BackendPackageInfo } from '@recur/backend';
import { WEBGPU_CAPABILITIES } from './capabilities.js';
import { registerWebgpuBackend, WEBGPU_PRIORITY } from './register.js';


/** `@recur/backend-webgpu`, described for tools: registry name, capabilities, where it runs. */
export const BACKEND_PACKAGE_INFO: BackendPackageInfo = {
  package: '@recur/backend-webgpu',
  title: 'WebGPU',
  summary: "recur's own WGSL compute kernels on the GPU: in browsers through navigator.gpu, in Node through Dawn (the `webgpu` package). Worth it for large hidden sizes and batches on a real GPU.",
  runsIn: [
    'browsers with WebGPU: Chrome/Edge 113+ (Linux: enable chrome://flags/#enable-unsafe-webgpu, or start with --enable-unsafe-webgpu), Safari 26+, Firefox 141+ on Windows; served over https or localhost',
    'Node 20+ with the optional peer `webgpu` (Dawn); on Linux without a GPU, Debian’s chromium gives a SwiftShader (CPU-emulated) Vulkan driver',
  ],
  install: ['npm install @recur/core @recur/backend-webgpu', 'npm install webgpu   # Node only', 'apt-get install chromium libvulkan1 && export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json   # Linux without a GPU'],
  variants: [
    {
      name: 'webgpu',
      priority: WEBGPU_PRIORITY,
      capabilities: WEBGPU_CAPABILITIES,
      capabilityNotes: '`maxHidden` comes from the adapter’s `maxStorageBufferBindingSize`; on a software adapter the priority drops below cpu, so `auto` never picks an emulated GPU.',
    },
  ],
  register: () => registerWebgpuBackend(),
};

export { WEBGPU_CAPABILITIES };
