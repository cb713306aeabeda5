/**
 * The recur model directory format, version 1 (documented in README.md beside this file):
 *
 * ```
 * <dir>/model.safetensors   every parameter, F32, PyTorch state_dict names (rnn.weight_ih_l0, head.weight, …)
 * <dir>/config.json         { "format": "recur-model", "formatVersion": 1, "config": ModelConfig,
 *                             "extra": {…}, "files": { "model.safetensors": { "bytes": N, "sha256": "…" } } }
 * ```
 *
 * `encodeModelFiles` / `decodeModelFiles` work on in-memory bytes (browser-safe); `saveModel` /
 * `loadModel` add the file system: each file is written atomically and config.json LAST, so a crash
 * never leaves a config.json that points at missing or partial weights.
 */
import { describeSchemaIssue, FileReadError, InvalidArgumentError, type Backend } from '@recur/backend';
import { z } from 'zod';
import { parameterShapes, validateModelConfig, type ModelConfig, type ModelConfigInput } from '../model/config.js';
import { storedModelConfigSchema } from '../model/config-schema.js';
import { createModel, resolveBackend, type Model } from '../model/model.js';
import { atomicWriteFile, readFileBytes } from './atomic-write.js';
import { ModelFormatError, PersistenceIOError } from './errors.js';
import { MAX_MODEL_CONFIG_BYTES, MAX_TENSOR_FILE_BYTES } from './limits.js';
import { nodeFs, nodePath } from './node-modules.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { sha256Hex } from './sha256.js';
import { formatShape, type TensorDict } from './tensor-dict.js';

/** `format` field of config.json. */
export const MODEL_FORMAT = 'recur-model';
/** The format version this recur writes and the newest it reads. */
export const MODEL_FORMAT_VERSION = 1;
/** File names inside a model directory. */
export const MODEL_CONFIG_FILE = 'config.json';
export const MODEL_WEIGHTS_FILE = 'model.safetensors';

/** Size and SHA-256 of one file, as recorded in config.json. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** The parsed contents of config.json. */
export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  config: ModelConfig;
  /** Free-form JSON the saver attached (tokenizer, scaler, training summary…). */
  extra: Record<string, unknown>;
  files: Record<string, FileDigest>;
}


/** The zod schema of config.json (the model config's cross-field rules run after it, in validateModelConfig). */
const manifestSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.number({ error: 'expected a positive integer' }).int({ error: 'expected a positive integer' }).min(1, { error: 'expected a positive integer' }),
  config: storedModelConfigSchema,
  extra: z.record(z.string(), z.unknown(), { error: 'expected an object' }).optional(),
  files: z.object(
    {
      [MODEL_WEIGHTS_FILE]: z.object(
        {
          bytes: z.number({ error: 'expected a byte count' }).int({ error: 'expected a byte count' }).min(8, { error: 'expected at least 8 bytes' }).max(MAX_TENSOR_FILE_BYTES, { error: `expected at most MAX_TENSOR_FILE_BYTES = ${MAX_TENSOR_FILE_BYTES}` }),
          sha256: z.string({ error: 'expected 64 lowercase hex digits' }).regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lowercase hex digits' }),
        },
        { error: `expected { bytes, sha256 } of ${MODEL_WEIGHTS_FILE}` },
      ),
    },
    { error: `expected { "${MODEL_WEIGHTS_FILE}": { bytes, sha256 } }` },
  ),
}, { error: 'expected a JSON object' });

/** Options of {@link saveModel} / {@link encodeModelFiles}. */
export interface SaveModelOptions {
  /** JSON-serialisable data stored in config.json under `extra` and returned by {@link readModel}. */
  extra?: Record<string, unknown>;
}

/** Options of {@link loadModel} / {@link decodeModelFiles}. */
export interface LoadModelOptions {
  /** Backend (or registered name) to build the model on. Default: the registry's current backend. */
  backend?: Backend | string;
  /** Seed of the new model's PRNG (used later for dropout). Default 0. */
  seed?: number;
}

/** Everything in a model directory, without building a model. */
export interface ModelContents {
  config: ModelConfig;
  extra: Record<string, unknown>;
  stateDict: TensorDict;
  manifest: ModelManifest;
}

/** Stores a weights file's size and checksum, to be recorded in a manifest. */
export async function fileDigest(bytes: Uint8Array): Promise<FileDigest> {
  return { bytes: bytes.length, sha256: await sha256Hex(bytes) };
}

/**
 * Rejects a file whose size or SHA-256 differs from what the manifest recorded: truncated,
 * grown, or corrupted on disk or in transfer.
 *
 * @throws {ModelFormatError} naming the file and what mismatched.
 */
export async function verifyDigest(file: string, bytes: Uint8Array, expected: FileDigest): Promise<void> {
  if (bytes.length !== expected.bytes) {
    throw new ModelFormatError(
      bytes.length < expected.bytes
        ? `file is truncated: config.json records ${expected.bytes} bytes, file has ${bytes.length}. Re-download or re-save the model.`
        : `file is larger than recorded: config.json records ${expected.bytes} bytes, file has ${bytes.length}. It was modified or corrupted; re-download or re-save the model.`,
      { file },
    );
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new ModelFormatError(
      `checksum mismatch: config.json records sha256 ${expected.sha256}, file hashes to ${actual}. The file is corrupted; re-download or re-save the model.`,
      { file },
    );
  }
}

function checkExtra(extra: unknown): Record<string, unknown> {
  if (extra === undefined) return {};
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
    throw new InvalidArgumentError('extra', 'must be a plain object of JSON values.');
  }
  let json: string;
  try {
    json = JSON.stringify(extra);
  } catch (cause) {
    throw new InvalidArgumentError('extra', `must be JSON-serialisable (${(cause as Error).message}).`);
  }
  return JSON.parse(json) as Record<string, unknown>;
}

/**
 * Serialises a model to the two files of a model directory, in memory (works in browsers: store
 * the bytes with fetch, IndexedDB or the File API).
 *
 * @returns `{ 'model.safetensors': bytes, 'config.json': bytes }`.
 */
export async function encodeModelFiles(model: Model, options: SaveModelOptions = {}): Promise<Record<string, Uint8Array>> {
  const extra = checkExtra(options.extra);
  const weights = encodeSafetensors(await model.stateDict(), { format: 'pt' });
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    config: model.config,
    extra,
    files: { [MODEL_WEIGHTS_FILE]: await fileDigest(weights) },
  };
  const config = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  return { [MODEL_WEIGHTS_FILE]: weights, [MODEL_CONFIG_FILE]: config };
}

/**
 * Parses and validates config.json.
 *
 * @throws {ModelFormatError} for bad JSON, a wrong `format`, a newer `formatVersion`, a missing
 * file digest or an invalid model config.
 */
export function parseManifest(bytes: Uint8Array): ModelManifest {
  const file = MODEL_CONFIG_FILE;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new ModelFormatError(`not valid JSON (${(cause as Error).message}); the file is corrupted.`, { file, cause });
  }
  const m = raw as Record<string, unknown> | null;
  // The two fields that say what the file is come first, with their own messages.
  if (m !== null && typeof m === 'object' && !Array.isArray(m)) {
    if (m['format'] !== MODEL_FORMAT) {
      throw new ModelFormatError(`"format" is ${JSON.stringify(m['format'])}, expected "${MODEL_FORMAT}"; this is not a recur model directory.`, { file, field: 'format' });
    }
    const version = m['formatVersion'];
    if (typeof version === 'number' && Number.isInteger(version) && version > MODEL_FORMAT_VERSION) {
      throw new ModelFormatError(
        `formatVersion ${version} was written by a newer recur; this one reads up to ${MODEL_FORMAT_VERSION}. Upgrade @recur/core.`,
        { file, field: 'formatVersion' },
      );
    }
  }
  const parsed = manifestSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const { field, text } = describeSchemaIssue(parsed.error.issues[0]!);
    throw new ModelFormatError(`${text}.`, { file, field });
  }
  const doc = parsed.data;
  let config: ModelConfig;
  try {
    config = validateModelConfig(doc.config as ModelConfigInput);
  } catch (cause) {
    const field = cause instanceof InvalidArgumentError ? cause.argument : 'config';
    throw new ModelFormatError(`"config" is not a valid model config: ${(cause as Error).message}`, { file, field, cause });
  }
  const digest = doc.files[MODEL_WEIGHTS_FILE];
  return {
    format: MODEL_FORMAT,
    formatVersion: doc.formatVersion,
    config,
    extra: doc.extra ?? {},
    files: { [MODEL_WEIGHTS_FILE]: { bytes: digest.bytes, sha256: digest.sha256 } },
  };
}

/**
 * Checks that the weights file holds exactly the tensors the config describes (names and shapes),
 * before a model is built: a config whose sizes disagree with the weights is refused here, naming
 * the config field, instead of allocating a model of the config's size.
 */
export function checkWeightsMatchConfig(config: ModelConfig, tensors: TensorDict, file: string = MODEL_WEIGHTS_FILE): void {
  const expected = parameterShapes(config);
  const fail = (message: string, field: string): never => {
    throw new ModelFormatError(`${message} Re-save the model, or fix ${MODEL_CONFIG_FILE}.`, { file, field });
  };
  const sizes = `(config: ${config.cell}, inputSize ${config.inputSize}, hiddenSize ${config.hiddenSize}, numLayers ${config.numLayers}${config.bidirectional ? ', bidirectional' : ''}, outputSize ${config.outputSize})`;
  for (const [name, shape] of Object.entries(expected)) {
    const t = tensors[name];
    if (t === undefined) fail(`does not match ${MODEL_CONFIG_FILE}: no tensor "${name}", which ${MODEL_CONFIG_FILE} ${sizes} requires.`, name);
    else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      fail(`does not match ${MODEL_CONFIG_FILE}: tensor "${name}" has shape ${formatShape(t.shape)}, but ${MODEL_CONFIG_FILE} ${sizes} needs ${formatShape(shape)}.`, name);
    }
  }
  for (const name of Object.keys(tensors)) {
    if (!(name in expected)) fail(`does not match ${MODEL_CONFIG_FILE}: it has a tensor "${name}" that ${MODEL_CONFIG_FILE} ${sizes} does not describe.`, name);
  }
}

/**
 * Validates the two files of a model directory (checksum, size, format) and returns their contents
 * without building a model.
 */
export async function decodeModelContents(files: Record<string, Uint8Array | undefined>): Promise<ModelContents> {
  const configBytes = files[MODEL_CONFIG_FILE];
  if (configBytes === undefined) throw new ModelFormatError(`missing ${MODEL_CONFIG_FILE}; this is not a recur model directory.`);
  const manifest = parseManifest(configBytes);
  const weights = files[MODEL_WEIGHTS_FILE];
  if (weights === undefined) throw new ModelFormatError(`missing ${MODEL_WEIGHTS_FILE}, which ${MODEL_CONFIG_FILE} lists.`);
  await verifyDigest(MODEL_WEIGHTS_FILE, weights, manifest.files[MODEL_WEIGHTS_FILE]!);
  const { tensors } = decodeSafetensors(weights, { file: MODEL_WEIGHTS_FILE });
  checkWeightsMatchConfig(manifest.config, tensors);
  return { config: manifest.config, extra: manifest.extra, stateDict: tensors, manifest };
}

/** Builds a model from validated contents; a weights/config disagreement is a ModelFormatError. */
async function build(contents: ModelContents, options: LoadModelOptions): Promise<Model> {
  const backend = options.backend === undefined ? undefined : await resolveBackend(options.backend);
  const model = createModel(contents.config, { ...(backend ? { backend } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  try {
    model.loadStateDict(contents.stateDict);
  } catch (cause) {
    model.dispose();
    throw new ModelFormatError(`does not match ${MODEL_CONFIG_FILE}: ${(cause as Error).message}`, { file: MODEL_WEIGHTS_FILE, cause });
  }
  return model;
}

/**
 * Builds a model from the in-memory files of a model directory (the inverse of {@link encodeModelFiles}).
 *
 * @throws {ModelFormatError} for a missing file, a size or checksum mismatch, or a malformed file.
 */
export async function decodeModelFiles(files: Record<string, Uint8Array | undefined>, options: LoadModelOptions = {}): Promise<Model> {
  return build(await decodeModelContents(files), options);
}

/**
 * Saves a model as a directory (created if missing): `model.safetensors` then `config.json`, each
 * written atomically (temp file, fsync, rename), config.json last. Overwrites a previous save.
 */
export async function saveModel(model: Model, dir: string, options: SaveModelOptions = {}): Promise<void> {
  const fs = await nodeFs('saveModel');
  const { join } = await nodePath('saveModel');
  const files = await encodeModelFiles(model, options);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new PersistenceIOError(dir, `could not create the model directory: ${(cause as Error).message}`, { cause });
  }
  await atomicWriteFile(join(dir, MODEL_WEIGHTS_FILE), files[MODEL_WEIGHTS_FILE]!);
  await atomicWriteFile(join(dir, MODEL_CONFIG_FILE), files[MODEL_CONFIG_FILE]!);
}

async function readDirFiles(dir: string): Promise<Record<string, Uint8Array>> {
  const { join } = await nodePath('loadModel');
  const read = async (name: string): Promise<Uint8Array> => {
    try {
      return await readFileBytes(
        join(dir, name),
        name === MODEL_CONFIG_FILE
          ? { maxBytes: MAX_MODEL_CONFIG_BYTES, limitName: 'MAX_MODEL_CONFIG_BYTES', what: 'a model config' }
          : { maxBytes: MAX_TENSOR_FILE_BYTES, limitName: 'MAX_TENSOR_FILE_BYTES', what: 'a weights file' },
      );
    } catch (cause) {
      if (cause instanceof FileReadError && cause.problem === 'not-found') {
        throw new ModelFormatError(
          name === MODEL_CONFIG_FILE
            ? `${dir} is not a recur model directory: ${MODEL_CONFIG_FILE} not found.`
            : `${name} not found in ${dir}, but ${MODEL_CONFIG_FILE} lists it.`,
          { file: join(dir, name), cause },
        );
      }
      throw cause;
    }
  };
  const config = await read(MODEL_CONFIG_FILE);
  const weights = await read(MODEL_WEIGHTS_FILE);
  return { [MODEL_CONFIG_FILE]: config, [MODEL_WEIGHTS_FILE]: weights };
}

/** Reads and validates a model directory without building a model (config, extra and weights). */
export async function readModel(dir: string): Promise<ModelContents> {
  const files = await readDirFiles(dir);
  try {
    return await decodeModelContents(files);
  } catch (e) {
    throw withDir(e, dir);
  }
}

/**
 * Loads a model saved by {@link saveModel}, verifying the weights' size and SHA-256 first.
 *
 * @throws {ModelFormatError} naming the file: not a model directory, truncated or corrupted weights,
 * a config from a newer recur, or weights that do not fit the config.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<Model> {
  const contents = await readModel(dir);
  try {
    return await build(contents, options);
  } catch (e) {
    throw withDir(e, dir);
  }
}

/** Re-roots a ModelFormatError's file name under `dir`, so messages give full paths. */
function withDir(e: unknown, dir: string): unknown {
  if (e instanceof ModelFormatError && e.file !== undefined && !e.file.startsWith(dir)) {
    const message = e.message.startsWith(`${e.file}: `) ? e.message.slice(e.file.length + 2) : e.message;
    const sep = dir.endsWith('/') || dir.endsWith('\\') ? '' : '/';
    return new ModelFormatError(message, { file: `${dir}${sep}${e.file}`, ...(e.field !== undefined ? { field: e.field } : {}), cause: e.cause ?? e });
  }
  return e;
}

/**
 * Writes a tensor dict as a safetensors file `dir/name` atomically and returns its size and SHA-256
 * (record them to verify the file later with {@link loadTensors}).
 */
export async function saveTensors(dir: string, name: string, tensors: TensorDict, metadata?: Record<string, string>): Promise<FileDigest> {
  const { join } = await nodePath('saveTensors');
  const bytes = encodeSafetensors(tensors, metadata);
  await atomicWriteFile(join(dir, name), bytes);
  return fileDigest(bytes);
}

/**
 * Reads a safetensors file `dir/name`; with `expected`, rejects it unless its size and SHA-256 match.
 */
export async function loadTensors(
  dir: string,
  name: string,
  expected?: FileDigest,
): Promise<{ tensors: TensorDict; metadata: Record<string, string> }> {
  const { join } = await nodePath('loadTensors');
  const path = join(dir, name);
  const bytes = await readFileBytes(path);
  if (expected !== undefined) await verifyDigest(path, bytes, expected);
  const { tensors, metadata } = decodeSafetensors(bytes, { file: path });
  return { tensors, metadata };
}
