/** What this backend declares (its own module, so the factory and the package description share it without an import cycle). */
import type { CapabilityDeclaration } from '@recur/backend';

/** What every WebGPU backend declares, apart from `maxHidden` (from the device's limits). */
export const WEBGPU_CAPABILITIES: CapabilityDeclaration = { precision: 'float32', training: true, fusedSequence: true, variableLength: true, async: true };
