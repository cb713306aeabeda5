/** What this backend declares (its own module, so the factory and the package description share it without an import cycle). */
import type { CapabilityDeclaration } from '@recur/backend';

/** What every WASM backend declares; `createWasmBackend` builds its manifest from it. */
export const WASM_CAPABILITIES: CapabilityDeclaration = { precision: 'float32', training: true, fusedSequence: true, variableLength: true };
