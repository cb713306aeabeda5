/**
 * Dawn (the `webgpu` package for Node) reports driver problems by writing its own lines to the
 * process's stderr, which JavaScript cannot intercept. An application that probes WebGPU in a child
 * process (as the `recur` CLI does) can pass those lines here to get one reason in recur's words.
 */

const VULKAN_ICD_HINT =
  "without a GPU, install Debian's chromium and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for its SwiftShader driver";

/**
 * One reason, in recur's words, for what Dawn's native stderr lines say went wrong, or `null` when
 * they say nothing recur recognises.
 *
 * @example
 * explainDawnOutput("Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file")
 * // → 'the Vulkan loader (libvulkan.so.1) could not be loaded: …'
 */
export function explainDawnOutput(nativeOutput: string): string | null {
  const loader = /Couldn't load Vulkan:\s*([^\n]*)/.exec(nativeOutput);
  if (loader) {
    const detail = (loader[1] ?? '').trim();
    return (
      `the Vulkan loader (libvulkan.so.1) could not be loaded${detail ? ` (${detail})` : ''}: ` +
      `install it (Debian/Ubuntu: apt-get install libvulkan1) and a Vulkan driver (your GPU's; ${VULKAN_ICD_HINT})`
    );
  }
  if (/Found no drivers|VK_ERROR_INCOMPATIBLE_DRIVER/.test(nativeOutput)) {
    return `no Vulkan driver was found: install your GPU's Vulkan driver (${VULKAN_ICD_HINT})`;
  }
  return null;
}
