/** What this backend declares (its own module, so the factory and the package description share it without an import cycle). */
import type { CapabilityDeclaration } from '@recur/backend';

/** What a default (float32) CPU backend declares; `createCpuBackend` builds its manifest from it. */
export const CPU_CAPABILITIES: CapabilityDeclaration = { precision: 'float32', training: true, fusedSequence: true, variableLength: true, async: false };
