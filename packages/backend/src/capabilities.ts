/**
 * The capability manifest: what a backend can do. The conformance suite skips tests only
 * by capability, never by test name, and picks its tolerances from `precision`.
 */

/** Arithmetic precision a backend computes in. */
export type Precision = 'float16' | 'float32' | 'float64';

/** What a backend declares about itself. Every flag defaults to `false` when omitted. */
export interface Capabilities {
  /** The precision of the backend's storage and arithmetic. */
  readonly precision: Precision;
  /** Storage and arithmetic are IEEE float64 (a reference/oracle mode). */
  readonly float64: boolean;
  /** `cellBackward`, losses, and optimizer kernels are implemented. */
  readonly training: boolean;
  /**
   * `cellForward`/`cellBackward` run whole sequences (any T): the backend keeps the loop over time
   * itself. `false`: they accept T = 1 only, and `composeSequence` (which `@recur/core`, the registry
   * and the conformance suite apply) composes sequences from those single steps on the host.
   */
  readonly fusedSequence: boolean;
  /** Per-sequence `lengths` (variable-length batches) are supported by the cell kernels. */
  readonly variableLength: boolean;
  /** Largest hidden size H the cell kernels accept (`Infinity` when unbounded). */
  readonly maxHidden: number;
  /** Kernels run asynchronously: results are only guaranteed after `read` or `sync`. */
  readonly async: boolean;
}

/** A partial manifest, as a backend author writes it. */
export type CapabilityDeclaration = Partial<Capabilities> & { precision?: Precision };

/** Fill in the defaults: every boolean `false`, precision `float32`, `maxHidden` unbounded. */
export function normalizeCapabilities(declared: CapabilityDeclaration = {}): Capabilities {
  const precision = declared.precision ?? (declared.float64 ? 'float64' : 'float32');
  return Object.freeze({
    precision,
    float64: declared.float64 ?? precision === 'float64',
    training: declared.training ?? false,
    fusedSequence: declared.fusedSequence ?? false,
    variableLength: declared.variableLength ?? false,
    maxHidden: declared.maxHidden ?? Number.POSITIVE_INFINITY,
    async: declared.async ?? false,
  });
}

/** Tolerances for comparing a backend's results with a float64 reference. */
export interface Tolerance {
  /** Relative tolerance: |a − b| ≤ atol + rtol·|b|. */
  readonly rtol: number;
  /** Absolute tolerance. */
  readonly atol: number;
}

/** The tolerance that matches a declared precision. */
export function toleranceFor(precision: Precision): Tolerance {
  switch (precision) {
    case 'float64':
      return { rtol: 1e-9, atol: 1e-11 };
    case 'float32':
      return { rtol: 2e-4, atol: 2e-5 };
    case 'float16':
      return { rtol: 2e-2, atol: 2e-3 };
  }
}
