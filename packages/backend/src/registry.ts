/**
 * The backend registry: register factories by name, list them with availability, and pick one.
 * Nothing registers itself on import; applications (or a backend's `register*()` helper) call
 * {@link registerBackend}.
 */
import type { Capabilities } from './capabilities.js';
import { checked } from './checked.js';
import { composeSequence } from './compose-sequence.js';
import { BackendUnavailableError, InvalidArgumentError, SpecificationVersionError } from './errors.js';
import { SPECIFICATION_VERSION, type Backend } from './spec.js';

/**
 * Whether a backend can run here, and if not, why. An available backend's probe may also revise
 * its priority for this machine (e.g. WebGPU on a software adapter ranks below WASM) and add a
 * note for listings.
 */
export type Availability =
  | { readonly available: true; readonly priority?: number; readonly note?: string }
  | { readonly available: false; readonly reason: string };

/** How a backend is registered. */
export interface BackendRegistration {
  /** Creates the backend instance (may be async: WASM instantiation, GPU adapters). */
  readonly create: () => Backend | Promise<Backend>;
  /** Cheap check of whether `create` can succeed here. Defaults to trying `create`. */
  readonly probe?: () => Availability | Promise<Availability>;
  /** Higher is preferred by `selectBackend(['auto'])`. Default 0. */
  readonly priority?: number;
  /** One line for listings. */
  readonly description?: string;
}

/** One row of {@link listBackends}. */
export interface BackendInfo {
  readonly name: string;
  readonly available: boolean;
  /** Why the backend cannot run here (only when unavailable). */
  readonly reason?: string;
  readonly priority: number;
  readonly description: string;
  /** Known once the backend has been created. */
  readonly capabilities?: Capabilities;
  /** What the probe said about this machine (e.g. "software adapter (SwiftShader)"). */
  readonly note?: string;
}

interface Entry {
  readonly registration: BackendRegistration;
  instance?: Backend;
  pending?: Promise<Backend>;
  availability?: Availability;
}

const entries = new Map<string, Entry>();
let current: Backend | undefined;

/** Register (or replace) a backend under `name`. */
export function registerBackend(name: string, registration: BackendRegistration | (() => Backend | Promise<Backend>)): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError('name', 'a backend needs a non-empty name.');
  }
  const reg = typeof registration === 'function' ? { create: registration } : registration;
  const old = entries.get(name);
  if (old?.instance && current === old.instance) current = undefined;
  entries.set(name, { registration: reg });
}

/**
 * The registration stored under `name` (normalised to an object), or `undefined`. Lets an
 * application wrap a package's own registration, e.g. to answer its probe from a probe that ran
 * in another process, without repeating the package's factory, priority or description.
 */
export function getBackendRegistration(name: string): BackendRegistration | undefined {
  return entries.get(name)?.registration;
}

/** Remove a backend from the registry (destroying its instance, if one was created). */
export function unregisterBackend(name: string): void {
  const entry = entries.get(name);
  if (!entry) return;
  if (entry.instance) {
    if (current === entry.instance) current = undefined;
    entry.instance.destroy();
  }
  entries.delete(name);
}

/** Why creating a backend failed: a BackendUnavailableError's own reason (not its whole message, which lists no backends), else the message. */
function errorMessage(e: unknown): string {
  if (e instanceof BackendUnavailableError) return e.reason;
  return e instanceof Error ? e.message : String(e);
}

async function availabilityOf(name: string, entry: Entry): Promise<Availability> {
  if (entry.instance) return { available: true };
  if (entry.availability) return entry.availability;
  try {
    if (entry.registration.probe) {
      entry.availability = await entry.registration.probe();
    } else {
      await instantiate(name, entry);
      entry.availability = { available: true };
    }
  } catch (e) {
    entry.availability = { available: false, reason: errorMessage(e) };
  }
  return entry.availability;
}

async function instantiate(name: string, entry: Entry): Promise<Backend> {
  if (entry.instance) return entry.instance;
  entry.pending ??= (async () => {
    const backend = await entry.registration.create();
    if (backend.specificationVersion !== SPECIFICATION_VERSION) {
      throw new SpecificationVersionError(name, backend.specificationVersion, SPECIFICATION_VERSION);
    }
    // Every instance the registry hands out runs the shared argument checks once (a no-op for
    // backends built with defineBackend, which are checked already), and runs whole sequences
    // (composed from its T = 1 cell kernels where it declares no fused sequence).
    const instance = checked(composeSequence(backend));
    entry.instance = instance;
    return instance;
  })();
  try {
    return await entry.pending;
  } catch (e) {
    entry.pending = undefined;
    throw e;
  }
}

/** Every registered backend, whether it can run here, and why not. */
export async function listBackends(): Promise<BackendInfo[]> {
  const rows: BackendInfo[] = [];
  for (const [name, entry] of entries) {
    const a = await availabilityOf(name, entry);
    rows.push({
      name,
      available: a.available,
      ...(a.available ? (a.note ? { note: a.note } : {}) : { reason: a.reason }),
      priority: (a.available ? a.priority : undefined) ?? entry.registration.priority ?? 0,
      description: entry.registration.description ?? '',
      ...(entry.instance ? { capabilities: entry.instance.capabilities } : {}),
    });
  }
  return rows.sort((x, y) => y.priority - x.priority || x.name.localeCompare(y.name));
}

async function availableNames(): Promise<string[]> {
  return (await listBackends()).filter((b) => b.available).map((b) => b.name);
}

/** Get (creating on first use) the backend registered as `name`, without making it current. */
export async function getBackend(name: string): Promise<Backend> {
  const entry = entries.get(name);
  if (!entry) {
    throw new BackendUnavailableError(name, 'no backend is registered under that name', await availableNames());
  }
  const a = await availabilityOf(name, entry);
  if (!a.available) {
    throw new BackendUnavailableError(name, a.reason, await availableNames());
  }
  try {
    return await instantiate(name, entry);
  } catch (e) {
    entry.availability = { available: false, reason: errorMessage(e) };
    throw new BackendUnavailableError(name, errorMessage(e), await availableNames());
  }
}

/** Make `name` the current backend (used when no backend is passed explicitly) and return it. */
export async function useBackend(name: string): Promise<Backend> {
  const backend = await getBackend(name);
  current = backend;
  return backend;
}

/**
 * The first available backend from a preference list, made current. `'auto'` in the list expands
 * to every registered backend by descending priority.
 */
export async function selectBackend(preferences: readonly string[]): Promise<Backend> {
  const infos = await listBackends();
  const expanded = preferences.flatMap((p) => (p === 'auto' ? infos.map((i) => i.name) : [p]));
  const reasons: string[] = [];
  for (const name of expanded) {
    const info = infos.find((i) => i.name === name);
    if (!info) {
      reasons.push(`${name}: not registered`);
      continue;
    }
    if (!info.available) {
      reasons.push(`${name}: ${info.reason ?? 'unavailable'}`);
      continue;
    }
    try {
      return await useBackend(name);
    } catch (e) {
      reasons.push(`${name}: ${errorMessage(e)}`);
    }
  }
  throw new BackendUnavailableError(
    preferences.join(' | '),
    `none of the preferred backends can run here (${reasons.join('; ')})`,
    infos.filter((i) => i.available).map((i) => i.name),
  );
}

/** The current backend, if `useBackend`/`selectBackend` has been called. */
export function currentBackend(): Backend | undefined {
  return current;
}

/** Forget every registration (tests). Destroys created instances. */
export function resetRegistry(): void {
  for (const name of [...entries.keys()]) unregisterBackend(name);
  current = undefined;
}
