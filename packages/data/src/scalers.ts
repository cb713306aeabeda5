/**
 * Standard, min-max and robust scalers, fitted on training rows only.
 *
 * All three are per-column affine maps:  z = (x − center) / scale + offset,
 * inverse:                               x = (z − offset) · scale + center.
 *
 * - standard: center = mean, scale = population std (ddof 0); scale 0 → 1 (like scikit-learn)
 * - min-max:  center = min, scale = (max − min) / (hi − lo), offset = lo for featureRange [lo, hi]
 * - robust:   center = median, scale = q(hi) − q(lo) for quantileRange [lo, hi] (default IQR);
 *             quantiles interpolate linearly (numpy's default); scale 0 → 1
 *
 * Anti-leakage: `fit` accepts only a series whose role is `'train'` (a part made by
 * chronologicalSplit / walkForwardFolds, or one you declared with `withRole('train')`). Any
 * other role throws a {@link LeakageError}; `{ allowLeakage: true }` lets it through with a
 * loud `console.warn`. The scaler records which rows it saw (`fittedOn`).
 */
import { InvalidOptionError, LeakageError, NotFittedError, RecurDataError } from './errors';
import { Series } from './series';
import { type SplitResult } from './split';
import { parseSaved, scalerJsonSchema } from './saved-schemas';

/** Options of `fit`. */
export interface ScalerFitOptions {
  /** Columns to scale. Default: all columns of the series. */
  columns?: readonly string[];
  /**
   * Fit on a series that is not a training part (a whole series, validation or test rows).
   * This leaks future statistics into training; it is allowed only with this flag and still
   * warns.
   */
  allowLeakage?: boolean;
}

/** Which rows a scaler was fitted on (absolute row numbers of the original data). */
export interface FittedOn {
  role: string;
  rows: [number, number];
}

/** Serialised scaler (plain JSON). */
export interface ScalerJSON {
  format: 'recur-scaler';
  version: 1;
  kind: ScalerKind;
  columns: string[];
  center: number[];
  scale: number[];
  offset: number;
  featureRange?: [number, number];
  quantileRange?: [number, number];
  fittedOn: FittedOn;
}

/** The scaler kinds. */
export type ScalerKind = 'standard' | 'minmax' | 'robust';

/** Common behaviour of the affine scalers. */
export abstract class Scaler {
  abstract readonly kind: ScalerKind;
  protected cols: string[] | undefined;
  protected center: Float64Array | undefined;
  protected scaleV: Float64Array | undefined;
  protected offset = 0;
  protected fitted: FittedOn | undefined;

  /** Columns the scaler was fitted on. */
  get columns(): readonly string[] {
    return this.state().cols;
  }

  /** Rows the scaler saw when fitting. */
  get fittedOn(): FittedOn {
    return this.state().fitted;
  }

  /** Per-column parameters: `z = (x − center) / scale + offset`. */
  get parameters(): { center: Float64Array; scale: Float64Array; offset: number } {
    const s = this.state();
    return { center: s.center.slice(), scale: s.scale.slice(), offset: this.offset };
  }

  /** Compute center and scale of one column (values copied out of the series, Float64). */
  protected abstract fitColumn(values: Float64Array): [center: number, scale: number];

  /**
   * Fit on the training rows. The natural path is
   * `split → scaler.fit(split.train) → scaler.transform(split.validation / split.test)`.
   */
  fit(series: Series, options: ScalerFitOptions = {}): this {
    if (!(series instanceof Series)) throw new InvalidOptionError('fit expects a Series (e.g. split.train).');
    if (series.role !== 'train') {
      const why =
        `Fitting a ${this.kind} scaler on a '${series.role}' series (rows ${series.absoluteRow(0)}..${series.absoluteRow(series.length)}) ` +
        'lets statistics of rows the model is later evaluated on leak into training: the scores will look better than they will be on new data. ' +
        'Split first (chronologicalSplit / walkForwardFolds) and fit on split.train, then transform validation and test with it.';
      if (!options.allowLeakage) throw new LeakageError(`${why} If you really mean it, pass { allowLeakage: true }.`);
      console.warn(`[@recur/data] LEAKAGE WARNING: ${why}`);
    }
    const idx = series.columnIndices(options.columns);
    const w = series.width;
    const data = series.data;
    const n = series.length;
    const center = new Float64Array(idx.length);
    const scale = new Float64Array(idx.length);
    const col = new Float64Array(n);
    idx.forEach((c, j) => {
      for (let t = 0; t < n; t++) col[t] = data[t * w + c]!;
      const [ce, sc] = this.fitColumn(col);
      center[j] = ce;
      scale[j] = sc;
    });
    this.cols = idx.map((i) => series.columns[i]!);
    this.center = center;
    this.scaleV = scale;
    this.fitted = { role: series.role, rows: [series.absoluteRow(0), series.absoluteRow(n)] };
    return this;
  }

  /**
   * Scale the fitted columns of `series` (other columns are copied unchanged). Returns a new
   * series with its own buffer, the same role, timestamps and absolute row numbers.
   */
  transform(series: Series): Series {
    return this.mapSeries(series, false);
  }

  /** Undo {@link transform} on a series. */
  inverseSeries(series: Series): Series {
    return this.mapSeries(series, true);
  }

  /**
   * Transform every part of a split at once. The result's parts are views over ONE new
   * buffer (so windows with `history: 'preceding'` still reach back across parts).
   */
  transformSplit(split: SplitResult): SplitResult {
    const root = split.train;
    for (const p of [split.validation, split.test]) {
      if (p !== undefined && p.buffer !== root.buffer) {
        throw new InvalidOptionError('transformSplit needs the parts of one split (views of one buffer); transform parts from different buffers one by one with transform().');
      }
    }
    const whole = new Series({
      buffer: root.buffer,
      timestamps: root.bufferTimestamps,
      columns: root.columns,
      start: 0,
      length: root.buffer.length / root.width,
      role: 'full',
      origin: root.origin,
    });
    const scaled = this.mapSeries(whole, false);
    const part = (p: Series): Series => scaled.slice(p.start, p.start + p.length, p.role);
    return {
      train: part(split.train),
      validation: split.validation ? part(split.validation) : undefined,
      test: part(split.test),
      ranges: split.ranges,
      gapRows: split.gapRows,
    };
  }

  /**
   * Scale raw values whose last dimension is `columns` (default: the fitted columns), e.g. a
   * batch `[B, T, F]` with F = columns.length. Returns a new array.
   */
  transformValues(values: Float32Array, columns?: readonly string[]): Float32Array {
    return this.mapValues(values, columns, false);
  }

  /**
   * Back to original units: values whose last dimension is `columns` (default: the fitted
   * columns), e.g. predictions `[B, H, K]` for target columns `columns`.
   */
  inverse(values: Float32Array, columns?: readonly string[]): Float32Array {
    return this.mapValues(values, columns, true);
  }

  /** Serialise (to save with a model). Restore with {@link scalerFromJSON}. */
  toJSON(): ScalerJSON {
    const s = this.state();
    return {
      format: 'recur-scaler',
      version: 1,
      kind: this.kind,
      columns: [...s.cols],
      center: Array.from(s.center),
      scale: Array.from(s.scale),
      offset: this.offset,
      ...this.extraJSON(),
      fittedOn: { role: s.fitted.role, rows: [s.fitted.rows[0], s.fitted.rows[1]] },
    };
  }

  /** @internal */
  protected extraJSON(): Partial<ScalerJSON> {
    return {};
  }

  /** @internal restore fitted state. */
  restore(json: ScalerJSON): this {
    this.cols = [...json.columns];
    this.center = Float64Array.from(json.center);
    this.scaleV = Float64Array.from(json.scale);
    this.offset = json.offset;
    this.fitted = { role: json.fittedOn.role, rows: [json.fittedOn.rows[0], json.fittedOn.rows[1]] };
    return this;
  }

  private state(): { cols: string[]; center: Float64Array; scale: Float64Array; fitted: FittedOn } {
    if (!this.cols || !this.center || !this.scaleV || !this.fitted) throw new NotFittedError(`This ${this.kind} scaler`);
    return { cols: this.cols, center: this.center, scale: this.scaleV, fitted: this.fitted };
  }

  private mapSeries(series: Series, inverse: boolean): Series {
    const s = this.state();
    const idx = s.cols.map((c) => series.columnIndex(c));
    const w = series.width;
    const out = series.data.slice();
    const n = series.length;
    idx.forEach((c, j) => {
      const ce = s.center[j]!;
      const sc = s.scale[j]!;
      const off = this.offset;
      for (let t = 0; t < n; t++) {
        const i = t * w + c;
        out[i] = inverse ? (out[i]! - off) * sc + ce : (out[i]! - ce) / sc + off;
      }
    });
    return new Series({
      buffer: out,
      timestamps: series.timestamps?.slice(),
      columns: series.columns,
      start: 0,
      length: n,
      role: series.role,
      origin: series.origin + series.start,
    });
  }

  private mapValues(values: Float32Array, columns: readonly string[] | undefined, inverse: boolean): Float32Array {
    const s = this.state();
    const names = columns ?? s.cols;
    const k = names.length;
    const idx = names.map((name) => {
      const i = s.cols.indexOf(name);
      if (i < 0) throw new RecurDataError('E_UNKNOWN_COLUMN', `The scaler was not fitted on column ${JSON.stringify(name)}; it knows ${s.cols.map((c) => JSON.stringify(c)).join(', ')}.`, { column: name });
      return i;
    });
    if (k === 0 || values.length % k !== 0) {
      throw new InvalidOptionError(`${values.length} values do not divide into rows of ${k} columns (${names.join(', ')}).`);
    }
    const out = new Float32Array(values.length);
    const off = this.offset;
    for (let i = 0; i < values.length; i++) {
      const j = idx[i % k]!;
      const v = values[i]!;
      out[i] = inverse ? (v - off) * s.scale[j]! + s.center[j]! : (v - s.center[j]!) / s.scale[j]! + off;
    }
    return out;
  }
}

/** z = (x − mean) / std (population std; a constant column gets std 1). */
export class StandardScaler extends Scaler {
  readonly kind = 'standard' as const;
  protected fitColumn(v: Float64Array): [number, number] {
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i]!;
    const mean = sum / v.length;
    let ss = 0;
    for (let i = 0; i < v.length; i++) {
      const d = v[i]! - mean;
      ss += d * d;
    }
    const std = Math.sqrt(ss / v.length);
    return [mean, std > 0 ? std : 1];
  }
}

/** z = lo + (x − min)·(hi − lo)/(max − min); a constant column maps to lo. */
export class MinMaxScaler extends Scaler {
  readonly kind = 'minmax' as const;
  readonly featureRange: [number, number];
  constructor(options: { featureRange?: [number, number] } = {}) {
    super();
    const [lo, hi] = options.featureRange ?? [0, 1];
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new InvalidOptionError(`featureRange must be [lo, hi] with lo < hi, got [${lo}, ${hi}].`);
    this.featureRange = [lo, hi];
    this.offset = lo;
  }
  protected fitColumn(v: Float64Array): [number, number] {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const range = max - min;
    const [lo, hi] = this.featureRange;
    return [min, range > 0 ? range / (hi - lo) : 1];
  }
  protected override extraJSON(): Partial<ScalerJSON> {
    return { featureRange: [...this.featureRange] };
  }
}

/** z = (x − median) / (q_hi − q_lo), quantiles in percent (default [25, 75]: the IQR). */
export class RobustScaler extends Scaler {
  readonly kind = 'robust' as const;
  readonly quantileRange: [number, number];
  constructor(options: { quantileRange?: [number, number] } = {}) {
    super();
    const [lo, hi] = options.quantileRange ?? [25, 75];
    if (!(lo >= 0 && hi <= 100 && lo < hi)) throw new InvalidOptionError(`quantileRange must be [lo, hi] with 0 ≤ lo < hi ≤ 100, got [${lo}, ${hi}].`);
    this.quantileRange = [lo, hi];
  }
  protected fitColumn(v: Float64Array): [number, number] {
    const sorted = v.slice().sort();
    const med = quantile(sorted, 0.5);
    const iqr = quantile(sorted, this.quantileRange[1] / 100) - quantile(sorted, this.quantileRange[0] / 100);
    return [med, iqr > 0 ? iqr : 1];
  }
  protected override extraJSON(): Partial<ScalerJSON> {
    return { quantileRange: [...this.quantileRange] };
  }
}

/** Linear-interpolation quantile of sorted values (numpy's default 'linear' method). */
export function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Restore a scaler saved with `toJSON()`, after checking it against {@link scalerJsonSchema}: known
 * kind, one finite float32 centre and one positive scale per column, unique column names.
 *
 * @throws {SavedFormatError} naming the field and what was expected.
 */
export function scalerFromJSON(json: unknown): Scaler {
  const j = parseSaved(scalerJsonSchema, json, 'scaler', 'Expected { format: "recur-scaler", version: 1, ... } as written by scaler.toJSON().');
  let s: Scaler;
  if (j.kind === 'standard') s = new StandardScaler();
  else if (j.kind === 'minmax') s = new MinMaxScaler({ featureRange: j.featureRange ?? [0, 1] });
  else s = new RobustScaler({ quantileRange: j.quantileRange ?? [25, 75] });
  return s.restore(j as ScalerJSON);
}
