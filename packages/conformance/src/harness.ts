/**
 * The state shared by the suite's test groups: the backend under test, the float64 oracle,
 * the tolerance, the running statistics, and `needs`, the one place tests are skipped (by
 * capability only, never by name).
 */
import { it } from 'vitest';
import { toleranceFor, type Backend, type Capabilities, type Tolerance } from '@recur/backend';
import { assertClose, ConformanceStats } from './assert-close.js';

/** Options of {@link describeBackendConformance}. */
export interface BackendConformanceOptions {
  /** Label used in test names and the summary line, e.g. `wasm`. */
  readonly name: string;
  /** Makes a fresh backend instance. Called once for the suite and once more for the cross-instance test. */
  readonly create: () => Backend | Promise<Backend>;
}

/** A capability a test needs. `{ hidden: n }` needs `capabilities.maxHidden ≥ n`. */
export type Need = 'training' | 'variableLength' | { readonly hidden: number };

function describeNeed(n: Need): string {
  return typeof n === 'string' ? n : `maxHidden ≥ ${n.hidden}`;
}

/** Which of `needs` the capabilities do not meet, described for the skip note. */
export function missingNeeds(caps: Capabilities, needs: readonly Need[]): string[] {
  const missing: string[] = [];
  for (const n of needs) {
    if (n === 'training' && !caps.training) missing.push('capabilities.training');
    else if (n === 'variableLength' && !caps.variableLength) missing.push('capabilities.variableLength');
    else if (typeof n === 'object' && caps.maxHidden < n.hidden) {
      missing.push(`capabilities.maxHidden ≥ ${n.hidden} (declares ${caps.maxHidden})`);
    }
  }
  return missing;
}

/** Shared state of one `describeBackendConformance` run. */
export class Harness {
  readonly stats = new ConformanceStats();
  private backendInstance: Backend | null = null;
  private oracleInstance: Backend | null = null;

  constructor(readonly options: BackendConformanceOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** Set by the suite's `beforeAll`. */
  setup(backend: Backend, oracle: Backend): void {
    this.backendInstance = backend;
    this.oracleInstance = oracle;
  }

  /** Forget the instances (after `destroy`). */
  teardown(): void {
    this.backendInstance = null;
    this.oracleInstance = null;
  }

  /** The backend under test. */
  get backend(): Backend {
    if (!this.backendInstance) throw new Error(`conformance[${this.name}]: the backend was not created (see the beforeAll error)`);
    return this.backendInstance;
  }

  /** The float64 CPU oracle. */
  get oracle(): Backend {
    if (!this.oracleInstance) throw new Error(`conformance[${this.name}]: the oracle was not created`);
    return this.oracleInstance;
  }

  /** The tolerance for the backend's declared precision. */
  get tol(): Tolerance {
    return toleranceFor(this.backend.capabilities.precision);
  }

  /** Compare and record; throws with a precise message on mismatch. */
  check(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, opts: { fixture?: boolean; tol?: Tolerance } = {}): void {
    const r = assertClose(actual, expected, opts.tol ?? this.tol, `conformance[${this.name}] ${what}`);
    this.stats.record(r, what, opts.fixture === true);
  }

  /** A plain assertion, counted in the summary. */
  assert(condition: boolean, message: string): void {
    if (!condition) throw new Error(`conformance[${this.name}] ${message}`);
    this.stats.assertions++;
  }

  /** Every value finite (counted as one assertion). */
  assertFinite(values: ArrayLike<number>, what: string): void {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i] as number)) {
        throw new Error(`conformance[${this.name}] ${what}: element [${i}] is ${String(values[i])}, expected a finite number`);
      }
    }
    this.stats.assertions++;
  }

  /**
   * Register a test that runs only when the backend has `needs`. The title says what it needs;
   * when a need is missing the test is skipped with a note (printed, and shown by the reporter).
   */
  test(title: string, needs: readonly Need[], fn: () => Promise<void>): void {
    const label = needs.length > 0 ? `${title} [needs ${needs.map(describeNeed).join(', ')}]` : title;
    it(label, async (ctx) => {
      const missing = missingNeeds(this.backend.capabilities, needs);
      if (missing.length > 0) {
        const note = `skipped: backend "${this.name}" lacks ${missing.join(', ')}`;
        console.info(`conformance[${this.name}] ${title}: ${note}`);
        ctx.skip(note);
      }
      await fn();
    });
  }
}
