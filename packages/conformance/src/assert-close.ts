/**
 * Numeric comparison used by every conformance check: element-wise
 * `|actual − expected| ≤ atol + rtol·|expected|`, the rule `toleranceFor` is defined with.
 */
import type { Tolerance } from '@recur/backend';

/** What one comparison found. */
export interface CompareResult {
  /** Elements compared. */
  readonly count: number;
  /** Elements outside the tolerance (NaN/Inf where a finite value was expected counts). */
  readonly mismatches: number;
  /** Largest |actual − expected|. */
  readonly maxAbsErr: number;
  /**
   * Array-relative error: max |actual − expected| / max |expected| (0 when both are all zero).
   * This is the "rel err" the suite reports; it is not fooled by elements that are tiny only
   * because of cancellation.
   */
  readonly relErr: number;
  /** Largest |actual − expected| / (atol + rtol·|expected|): ≤ 1 passes. */
  readonly toleranceUse: number;
  /** Index of the element with the largest tolerance use (or the first non-finite mismatch). */
  readonly worstIndex: number;
}

/** Thrown by {@link assertClose}; the message names the array, the worst element and the tolerance. */
export class ConformanceMismatchError extends Error {
  readonly result: CompareResult;
  constructor(message: string, result: CompareResult) {
    super(message);
    this.name = 'ConformanceMismatchError';
    this.result = result;
  }
}

function sameNonFinite(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || (a === b && !Number.isFinite(b));
}

/** Compare two arrays element-wise under `tol` without throwing. Lengths must match. */
export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): CompareResult {
  if (actual.length !== expected.length) {
    throw new ConformanceMismatchError(`length mismatch: got ${actual.length} elements, expected ${expected.length}`, {
      count: 0,
      mismatches: Math.max(actual.length, expected.length),
      maxAbsErr: Number.POSITIVE_INFINITY,
      relErr: Number.POSITIVE_INFINITY,
      toleranceUse: Number.POSITIVE_INFINITY,
      worstIndex: -1,
    });
  }
  let mismatches = 0;
  let maxAbsErr = 0;
  let maxExpected = 0;
  let toleranceUse = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    if (!Number.isFinite(b) || !Number.isFinite(a)) {
      if (sameNonFinite(a, b)) continue;
      mismatches++;
      if (toleranceUse !== Number.POSITIVE_INFINITY) worstIndex = i;
      maxAbsErr = Number.POSITIVE_INFINITY;
      toleranceUse = Number.POSITIVE_INFINITY;
      continue;
    }
    const err = Math.abs(a - b);
    const allowed = tol.atol + tol.rtol * Math.abs(b);
    const use = err / allowed;
    if (err > allowed) mismatches++;
    if (err > maxAbsErr) maxAbsErr = err;
    if (Math.abs(b) > maxExpected) maxExpected = Math.abs(b);
    if (use > toleranceUse) {
      toleranceUse = use;
      worstIndex = i;
    }
  }
  const relErr = maxAbsErr === 0 ? 0 : maxExpected === 0 ? Number.POSITIVE_INFINITY : maxAbsErr / maxExpected;
  return { count: expected.length, mismatches, maxAbsErr, relErr, toleranceUse, worstIndex };
}

/**
 * Assert that `actual` matches `expected` element-wise within `tol`; throws a
 * {@link ConformanceMismatchError} naming `what`, the worst element and the tolerance otherwise.
 * Returns the comparison so callers can record error statistics.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what: string): CompareResult {
  let r: CompareResult;
  try {
    r = compareArrays(actual, expected, tol);
  } catch (e) {
    if (e instanceof ConformanceMismatchError) throw new ConformanceMismatchError(`${what}: ${e.message}`, e.result);
    throw e;
  }
  if (r.mismatches > 0) {
    const i = r.worstIndex;
    throw new ConformanceMismatchError(
      `${what}: ${r.mismatches} of ${r.count} elements differ beyond rtol=${tol.rtol}, atol=${tol.atol}; ` +
        `worst at [${i}]: got ${String(actual[i])}, expected ${String(expected[i])} ` +
        `(max abs err ${r.maxAbsErr.toExponential(3)}, rel err ${r.relErr.toExponential(3)})`,
      r,
    );
  }
  return r;
}

/** Running totals a suite prints at the end. */
export class ConformanceStats {
  /** Array comparisons that passed. */
  checks = 0;
  /** Elements compared in them. */
  values = 0;
  /** Other assertions (error types, finiteness, counters). */
  assertions = 0;
  /** Comparisons against PyTorch golden fixtures. */
  fixtureChecks = 0;
  /** Worst array-relative error against PyTorch fixtures, and where. */
  worstFixtureRelErr = 0;
  worstFixtureWhat = '';
  /** Worst tolerance use over every comparison (≤ 1 means every check passed with room). */
  worstToleranceUse = 0;

  /** Record a passed comparison. */
  record(r: CompareResult, what: string, fromFixture = false): void {
    this.checks++;
    this.values += r.count;
    if (r.toleranceUse > this.worstToleranceUse) this.worstToleranceUse = r.toleranceUse;
    if (fromFixture) {
      this.fixtureChecks++;
      if (r.relErr > this.worstFixtureRelErr || this.worstFixtureWhat === '') {
        if (r.relErr >= this.worstFixtureRelErr) {
          this.worstFixtureRelErr = r.relErr;
          this.worstFixtureWhat = what;
        }
      }
    }
  }

  /** One line, e.g. `conformance[cpu]: 412 checks (9810 values) + 60 assertions, worst rel err vs PyTorch 3.1e-7 (lstm/basic dW_hh)`. */
  summary(name: string): string {
    const fixture =
      this.fixtureChecks > 0
        ? `worst rel err vs PyTorch ${this.worstFixtureRelErr.toExponential(2)} over ${this.fixtureChecks} fixture arrays (${this.worstFixtureWhat})`
        : 'no PyTorch fixture checks ran';
    return (
      `conformance[${name}]: ${this.checks} array checks (${this.values} values) + ${this.assertions} other assertions, ` +
      `${fixture}, worst tolerance use ${this.worstToleranceUse.toFixed(3)}`
    );
  }
}
