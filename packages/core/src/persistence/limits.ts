/** Size limits of the files recur reads; each error that hits one names it. */

/**
 * Largest config.json recur reads (it holds the config and `extra`: a tokenizer's vocabulary, a
 * scaler…). Larger files are refused before they are read.
 */
export const MAX_MODEL_CONFIG_BYTES = 64 * 1024 * 1024;

/** Largest `.safetensors` file (weights, checkpoint) recur reads: 4 GiB less one byte (Node's buffer limit). */
export const MAX_TENSOR_FILE_BYTES = 2 ** 32 - 1;
