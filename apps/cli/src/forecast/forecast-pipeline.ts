/** The saved form of the forecasting pipeline (its own module: the schema checks and the pipeline both use it). */
import type { ScalerJSON } from '@recur/data';
import type { DataSourceSpec } from '../data-source.js';

/** Everything needed to turn raw rows into model inputs and outputs back into values. Saved in the model's `extra.pipeline`. */
export interface ForecastPipeline {
  readonly format: 'recur-cli-forecast';
  readonly version: 1;
  readonly source: DataSourceSpec;
  readonly target: string;
  readonly features: readonly string[];
  readonly lookback: number;
  readonly horizon: number;
  readonly seasonalPeriod: number;
  readonly split: { readonly train: number; readonly validation: number; readonly test: number };
  readonly residual: boolean;
  readonly scaler: ScalerJSON;
  /** Timestamps are milliseconds since the epoch (ISO dates in reports). */
  readonly hasTimestamps: boolean;
}
