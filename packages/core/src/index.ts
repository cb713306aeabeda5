/**
 * @recur/core: Recurrent models (RNN, LSTM, GRU), training, streaming inference and persistence.
 *
 * @packageDocumentation
 */
export {};
