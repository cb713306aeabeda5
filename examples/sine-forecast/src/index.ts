/**
 * @example/sine-forecast: An LSTM forecasting a noisy sine series, against a last-value baseline.
 *
 * @packageDocumentation
 */
export { noisySine, runSineForecast, type SineForecastOptions, type SineForecastResult } from './forecast.js';
