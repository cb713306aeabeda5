/**
 * What a backend package says about itself, statically (no device, no instance needed): its
 * registry names and priorities, the capabilities a default instance declares, where it runs and
 * how to install it. Each backend package exports one as `BACKEND_PACKAGE_INFO`; the docs site
 * generates a page per backend from it, and the benchmark discovers backends through it.
 */
import type { CapabilityDeclaration } from './capabilities.js';

/** One registry name a backend package provides (a package may provide several, e.g. tfjs engines). */
export interface BackendVariantInfo {
  /** Registry name, as `useBackend(name)` takes it. */
  readonly name: string;
  /** Registry priority (`selectBackend(['auto'])` prefers higher). */
  readonly priority: number;
  /** What a default instance declares (the factory builds its manifest from this). */
  readonly capabilities: CapabilityDeclaration;
  /** Where a capability depends on the machine, e.g. `maxHidden` from the GPU's buffer limit. */
  readonly capabilityNotes?: string;
  /** Where this variant runs and what it needs, if it differs from the package's `runsIn`. */
  readonly runsIn?: readonly string[];
}

/** The static description of a backend package. */
export interface BackendPackageInfo {
  /** npm name, e.g. `@recur/backend-cpu`. */
  readonly package: string;
  /** Short display name, e.g. `CPU`. */
  readonly title: string;
  /** One or two sentences: what it is and when to choose it. */
  readonly summary: string;
  /** Runtimes and what they need, one line each, e.g. `Node 20+ (no native code)`. */
  readonly runsIn: readonly string[];
  /** Shell commands that install it (npm, and any system package). */
  readonly install: readonly string[];
  /** The registry names this package provides. */
  readonly variants: readonly BackendVariantInfo[];
  /** Registers every variant with the registry (what `register*Backend()` does, with defaults). */
  readonly register: () => void;
}
