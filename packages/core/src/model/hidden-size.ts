/** The one check that a backend can hold a model's hidden size (`capabilities.maxHidden`). */
import { CapabilityError, type Backend } from '@recur/backend';

/** Throw CapabilityError when `backend` cannot run hidden size `H` (a WebGPU binding limit, say). */
export function checkHiddenSize(backend: Backend, H: number): void {
  if (H > backend.capabilities.maxHidden) {
    throw new CapabilityError(backend.name, `hiddenSize ${H}`, `its maxHidden is ${backend.capabilities.maxHidden}`);
  }
}
