/**
 * @example/sine-forecast: An LSTM forecasting a noisy sine series, against a last-value baseline.
 *
 * @packageDocumentation
 */
export {};
