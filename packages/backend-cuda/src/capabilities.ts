/** What this backend declares (its own module, so the factory and the package description share it without an import cycle). */
import type { CapabilityDeclaration } from '@recur/backend';

/** What every CUDA backend declares; `createCudaBackend` builds its manifest from it. */
export const CUDA_CAPABILITIES: CapabilityDeclaration = { precision: 'float32', training: true, fusedSequence: true, variableLength: true, async: true };
