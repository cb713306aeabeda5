/**
 * Test-only: give Node a WebGPU `navigator.gpu` through the `webgpu` npm package (Dawn), when it
 * is installed and finds an adapter. On Linux without a GPU, Dawn needs a Vulkan driver: install
 * Debian's `chromium` and set `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`.
 */
import { existsSync } from 'node:fs';
import { importOptional } from './load-tfjs.js';

/** Debian chromium's SwiftShader Vulkan driver: a CPU WebGPU adapter for machines without a GPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** In CI with chromium installed, a missing adapter is a failure, not a skip. */
export function webgpuRequired(): boolean {
  return Boolean(process.env.CI) && existsSync('/usr/bin/chromium');
}

/** Whether WebGPU is usable here, and why not. */
export type NodeWebGpu = { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly reason: string };

interface DawnModule {
  create(flags: string[]): { requestAdapter(): Promise<unknown> };
  globals: Record<string, unknown>;
}

/** Install `navigator.gpu` from the `webgpu` package and check that an adapter is granted. */
export async function setUpNodeWebGpu(): Promise<NodeWebGpu> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return { ok: true, release: () => undefined };
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const r = await importOptional('webgpu');
  if (!r.ok) {
    return {
      ok: false,
      reason: r.missing
        ? 'the `webgpu` npm package (Dawn for Node) is not installed'
        : `the \`webgpu\` package failed to load: ${r.error instanceof Error ? r.error.message : String(r.error)}`,
    };
  }
  const mod = ((r.module as { default?: DawnModule }).default ?? r.module) as DawnModule;
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!adapter) {
    return {
      ok: false,
      reason: 'Dawn found no WebGPU adapter (on Linux without a GPU: install chromium and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)',
    };
  }
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else g.navigator = { gpu };
  // Dropping navigator.gpu lets Node exit once the tests are done.
  return { ok: true, release: () => Object.defineProperty(g.navigator, 'gpu', { value: undefined, configurable: true }) };
}
