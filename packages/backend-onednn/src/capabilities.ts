/**
 * The capability declaration of every oneDNN backend, in its own module so that the factory
 * (`backend.ts`) and the package description (`package-info.ts`) both read it without an import
 * cycle through `register.ts`.
 */
import type { CapabilityDeclaration } from '@recur/backend';

/** What every oneDNN backend declares; `createOnednnBackend` builds its manifest from it. */
export const ONEDNN_CAPABILITIES: CapabilityDeclaration = { precision: 'float32', training: true, fusedSequence: true, variableLength: true, async: false };
