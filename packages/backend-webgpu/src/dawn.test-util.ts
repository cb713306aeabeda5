/**
 * Test-only: a WebGPU device in Node through the `webgpu` package (Dawn). On Linux without a GPU,
 * Dawn needs a Vulkan driver: Debian's `chromium` ships SwiftShader, found through
 * VK_ICD_FILENAMES (set here, in test code only, when unset and the file exists).
 *
 * Under CI (`process.env.CI`) with /usr/bin/chromium present, a missing adapter is a failure,
 * not a skip, so CI cannot silently skip the GPU tests.
 */
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;

/** A Dawn GPU object, or why there is none. */
export type DawnSetup = { readonly ok: true; readonly gpu: GPU; readonly adapter: GPUAdapter } | { readonly ok: false; readonly reason: string };

let cached: Promise<DawnSetup> | null = null;

/** Load Dawn and request an adapter once per test file. */
export function setUpDawn(): Promise<DawnSetup> {
  cached ??= (async (): Promise<DawnSetup> => {
    let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    try {
      mod = (await import('webgpu')) as unknown as typeof mod;
    } catch (e) {
      return { ok: false, reason: `the webgpu package failed to load: ${e instanceof Error ? e.message : String(e)}` };
    }
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ok: false, reason: `Dawn found no adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})` };
    return { ok: true, gpu, adapter };
  })();
  return cached;
}

/** True when a missing adapter must fail the run instead of skipping it. */
export function mustHaveGpu(): boolean {
  return Boolean(process.env.CI) && existsSync('/usr/bin/chromium');
}
