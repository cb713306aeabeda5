import { RecurError } from '@recur/backend';

/**
 * A saved model, a safetensors file or a foreign state dict is malformed, truncated, corrupted or
 * does not describe a model recur can build. The message says which file (when there is one) and
 * what exactly did not match, so the user knows whether to re-download, re-export or fix names.
 */
export class ModelFormatError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'ModelFormatError';
  /** The file (path or logical name such as `model.safetensors`) the problem was found in, if any. */
  readonly file: string | undefined;
  /** The field inside the file (`config.hiddenSize`, `extra.pipeline.horizon`…), when one is at fault. */
  readonly field: string | undefined;
  constructor(message: string, options?: { file?: string; field?: string; cause?: unknown }) {
    super('E_MODEL_FORMAT', options?.file !== undefined ? `${options.file}: ${message}` : message, {
      cause: options?.cause,
    });
    this.file = options?.file;
    this.field = options?.field;
  }
}

/**
 * A training checkpoint is malformed, truncated, from another format version, or does not fit the
 * model it describes. Names the file and, where one is at fault, the field of its metadata
 * (`earlyStopping.best`, `history[3].loss`…) or the tensor. Delete the checkpoint to start over.
 */
export class CheckpointError extends RecurError {
  override name = 'CheckpointError';
  /** The checkpoint file (a path, or `checkpoint` for in-memory bytes). */
  readonly file: string;
  /** The metadata field or tensor at fault, if any. */
  readonly field: string | undefined;
  constructor(file: string, message: string, options?: { field?: string; cause?: unknown }) {
    super('E_CHECKPOINT', `${file}: ${message}`, { cause: options?.cause });
    this.file = file;
    this.field = options?.field;
  }
}

/**
 * Reading or writing a file failed at the operating-system level (missing directory, permissions,
 * disk full). `path` is the file recur was working on; `cause` is the original Node error (with its
 * `code`, e.g. `ENOENT`).
 */
export class PersistenceIOError extends RecurError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'PersistenceIOError';
  /** The file or directory that could not be read or written. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('E_IO', `${path}: ${message}`, options);
    this.path = path;
  }
}
